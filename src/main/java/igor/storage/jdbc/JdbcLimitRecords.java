package igor.storage.jdbc;

import igor.queue.FlowLimit;
import igor.storage.LimitRecords;
import igor.storage.StorageUnavailableException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import javax.sql.DataSource;

/** The limits the API set or removed, as the table igor_flow_limits (V15__flow_limits.sql). */
public final class JdbcLimitRecords implements LimitRecords {
  private static final String COLUMNS =
      "kind, name, concurrency, rate, per_millis, weight, removed, version";

  /**
   * One statement: a change of a limit another request changes at the same time waits for its row
   * and takes its version after that one committed, so the versions of a limit grow in the order
   * its changes commit.
   */
  private static final String UPSERT =
      "INSERT INTO igor_flow_limits AS l ("
          + COLUMNS
          + ", changed_at) VALUES (?, ?, ?, ?, ?, ?, ?, nextval('igor_flow_limit_version'), now())"
          + " ON CONFLICT (kind, name) DO UPDATE SET concurrency = EXCLUDED.concurrency,"
          + " rate = EXCLUDED.rate, per_millis = EXCLUDED.per_millis, weight = EXCLUDED.weight,"
          + " removed = EXCLUDED.removed, version = nextval('igor_flow_limit_version'),"
          + " changed_at = now()"
          + " RETURNING "
          + COLUMNS;

  private final DataSource dataSource;
  private final Executor executor;

  JdbcLimitRecords(DataSource dataSource, Executor executor) {
    this.dataSource = dataSource;
    this.executor = executor;
  }

  @Override
  public CompletionStage<List<Record>> all() {
    return CompletableFuture.supplyAsync(
        () -> {
          try (Connection c = dataSource.getConnection();
              PreparedStatement s =
                  c.prepareStatement(
                      "SELECT " + COLUMNS + " FROM igor_flow_limits ORDER BY kind, name");
              ResultSet rs = s.executeQuery()) {
            List<Record> all = new ArrayList<>();
            while (rs.next()) {
              all.add(record(rs));
            }
            return all;
          } catch (SQLException e) {
            throw new StorageUnavailableException("the flow-control limits could not be read", e);
          }
        },
        executor);
  }

  @Override
  public CompletionStage<Record> find(String kind, String name) {
    return CompletableFuture.supplyAsync(
        () -> {
          try (Connection c = dataSource.getConnection();
              PreparedStatement s =
                  c.prepareStatement(
                      "SELECT " + COLUMNS + " FROM igor_flow_limits WHERE kind = ? AND name = ?")) {
            s.setString(1, kind);
            s.setString(2, name);
            try (ResultSet rs = s.executeQuery()) {
              return rs.next() ? record(rs) : null;
            }
          } catch (SQLException e) {
            throw new StorageUnavailableException("the flow-control limit could not be read", e);
          }
        },
        executor);
  }

  @Override
  public CompletionStage<Record> set(FlowLimit limit) {
    return upsert(limit, false);
  }

  @Override
  public CompletionStage<Record> remove(String kind, String name) {
    return upsert(new FlowLimit(kind, name, 0, 0, 1000, 0), true);
  }

  private CompletionStage<Record> upsert(FlowLimit l, boolean removed) {
    return CompletableFuture.supplyAsync(
        () -> {
          try (Connection c = dataSource.getConnection();
              PreparedStatement s = c.prepareStatement(UPSERT)) {
            s.setString(1, l.kind());
            s.setString(2, l.name());
            s.setInt(3, l.concurrency());
            s.setInt(4, l.rate());
            s.setLong(5, l.perMillis());
            s.setInt(6, l.weight());
            s.setBoolean(7, removed);
            try (ResultSet rs = s.executeQuery()) {
              rs.next();
              return record(rs);
            }
          } catch (SQLException e) {
            throw new StorageUnavailableException(
                "the flow-control limit could not be recorded", e);
          }
        },
        executor);
  }

  private static Record record(ResultSet rs) throws SQLException {
    String kind = rs.getString(1);
    String name = rs.getString(2);
    FlowLimit limit =
        rs.getBoolean(7)
            ? null
            : new FlowLimit(kind, name, rs.getInt(3), rs.getInt(4), rs.getLong(5), rs.getInt(6));
    return new Record(kind, name, limit, rs.getLong(8));
  }
}
