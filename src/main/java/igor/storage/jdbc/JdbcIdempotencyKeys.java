package igor.storage.jdbc;

import igor.storage.IdempotencyKeys;
import igor.storage.StorageUnavailableException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import javax.sql.DataSource;

/** Idempotency keys in the table igor_idempotency_key (migration V7), one statement per step. */
public final class JdbcIdempotencyKeys implements IdempotencyKeys {
  /**
   * Inserts the key, or takes over a row whose window has passed; a row within its window is left
   * as it is and no row is returned. PostgreSQL makes concurrent inserts of one key wait for each
   * other, so exactly one of them returns a row.
   */
  private static final String CLAIM =
      "INSERT INTO igor_idempotency_key AS k"
          + " (scope, idem_key, fingerprint, id_seed, done, created_at, expires_at)"
          + " VALUES (?, ?, ?, ?, FALSE, now(), now() + ? * interval '1 millisecond')"
          + " ON CONFLICT (scope, idem_key) DO UPDATE SET fingerprint = EXCLUDED.fingerprint,"
          + " id_seed = EXCLUDED.id_seed, done = FALSE, created_at = EXCLUDED.created_at,"
          + " expires_at = EXCLUDED.expires_at"
          + " WHERE k.expires_at <= now()"
          + " RETURNING id_seed";

  private static final String HELD =
      "SELECT fingerprint, id_seed, done FROM igor_idempotency_key"
          + " WHERE scope = ? AND idem_key = ? AND expires_at > now()";

  private final DataSource dataSource;
  private final Executor executor;

  JdbcIdempotencyKeys(DataSource dataSource, Executor executor) {
    this.dataSource = dataSource;
    this.executor = executor;
  }

  @Override
  public CompletionStage<Claim> claim(
      String scope, String key, String fingerprint, String idSeed, Duration window) {
    return CompletableFuture.supplyAsync(
        () -> {
          try (Connection c = dataSource.getConnection()) {
            // the held row may expire and go between the two statements: then claim again
            for (int attempt = 0; attempt < 3; attempt++) {
              if (insert(c, scope, key, fingerprint, idSeed, window)) {
                return new Claim(true, new Stored(fingerprint, idSeed, false));
              }
              Stored held = held(c, scope, key);
              if (held != null) {
                return new Claim(false, held);
              }
            }
            throw new StorageUnavailableException(
                "idempotency key could not be claimed: it changed hands three times", null);
          } catch (SQLException e) {
            throw new StorageUnavailableException("the idempotency key could not be recorded", e);
          }
        },
        executor);
  }

  private static boolean insert(
      Connection c, String scope, String key, String fingerprint, String idSeed, Duration window)
      throws SQLException {
    try (PreparedStatement s = c.prepareStatement(CLAIM)) {
      s.setString(1, scope);
      s.setString(2, key);
      s.setString(3, fingerprint);
      s.setObject(4, UUID.fromString(idSeed));
      s.setLong(5, window.toMillis());
      try (ResultSet rs = s.executeQuery()) {
        return rs.next();
      }
    }
  }

  private static Stored held(Connection c, String scope, String key) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(HELD)) {
      s.setString(1, scope);
      s.setString(2, key);
      try (ResultSet rs = s.executeQuery()) {
        return rs.next() ? new Stored(rs.getString(1), rs.getString(2), rs.getBoolean(3)) : null;
      }
    }
  }

  @Override
  public CompletionStage<Void> done(String scope, String key, String idSeed) {
    return update(
        "UPDATE igor_idempotency_key SET done = TRUE"
            + " WHERE scope = ? AND idem_key = ? AND id_seed = ? AND NOT done",
        scope,
        key,
        idSeed);
  }

  @Override
  public CompletionStage<Void> release(String scope, String key, String idSeed) {
    return update(
        "DELETE FROM igor_idempotency_key"
            + " WHERE scope = ? AND idem_key = ? AND id_seed = ? AND NOT done",
        scope,
        key,
        idSeed);
  }

  private CompletionStage<Void> update(String sql, String scope, String key, String idSeed) {
    return CompletableFuture.runAsync(
        () -> {
          try (Connection c = dataSource.getConnection();
              PreparedStatement s = c.prepareStatement(sql)) {
            s.setString(1, scope);
            s.setString(2, key);
            s.setObject(3, UUID.fromString(idSeed));
            s.executeUpdate();
          } catch (SQLException e) {
            throw new StorageUnavailableException("the idempotency key could not be updated", e);
          }
        },
        executor);
  }

  @Override
  public CompletionStage<Integer> removeExpired(int limit) {
    return CompletableFuture.supplyAsync(
        () -> {
          String sql =
              "DELETE FROM igor_idempotency_key WHERE (scope, idem_key) IN (SELECT scope,"
                  + " idem_key FROM igor_idempotency_key WHERE expires_at <= now() LIMIT ?)"
                  // a key claimed again meanwhile has a new window: it stays
                  + " AND expires_at <= now()";
          try (Connection c = dataSource.getConnection();
              PreparedStatement s = c.prepareStatement(sql)) {
            s.setInt(1, limit);
            return s.executeUpdate();
          } catch (SQLException e) {
            throw new StorageUnavailableException(
                "expired idempotency keys could not be removed", e);
          }
        },
        executor);
  }
}
