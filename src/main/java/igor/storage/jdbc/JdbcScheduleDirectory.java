package igor.storage.jdbc;

import igor.storage.ScheduleDirectory;
import igor.storage.StorageUnavailableException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import javax.sql.DataSource;

/** The schedule directory as the table igor_schedules (V6__schedules.sql). */
public final class JdbcScheduleDirectory implements ScheduleDirectory {
  private final DataSource dataSource;
  private final Executor executor;

  JdbcScheduleDirectory(DataSource dataSource, Executor executor) {
    this.dataSource = dataSource;
    this.executor = executor;
  }

  @Override
  public CompletionStage<Boolean> register(String scheduleId, String name, int max) {
    return CompletableFuture.supplyAsync(
        () -> {
          // one statement: the count and the insert see the same snapshot; two nodes creating at
          // once may pass the limit by one each, which the limit tolerates
          String sql =
              "INSERT INTO igor_schedules (schedule_id, name) SELECT ?, ?"
                  + " WHERE (SELECT count(*) FROM igor_schedules) < ?"
                  + " OR EXISTS (SELECT 1 FROM igor_schedules WHERE schedule_id = ?)"
                  + " ON CONFLICT (schedule_id) DO NOTHING";
          try (Connection c = dataSource.getConnection();
              PreparedStatement s = c.prepareStatement(sql)) {
            UUID id = UUID.fromString(scheduleId);
            s.setObject(1, id);
            s.setString(2, name);
            s.setInt(3, max);
            s.setObject(4, id);
            int inserted = s.executeUpdate();
            return inserted == 1 || existsNow(c, scheduleId);
          } catch (SQLException e) {
            throw new StorageUnavailableException("the schedule could not be recorded", e);
          }
        },
        executor);
  }

  @Override
  public CompletionStage<Void> remove(String scheduleId) {
    return CompletableFuture.runAsync(
        () -> {
          try (Connection c = dataSource.getConnection();
              PreparedStatement s =
                  c.prepareStatement("DELETE FROM igor_schedules WHERE schedule_id = ?")) {
            s.setObject(1, UUID.fromString(scheduleId));
            s.executeUpdate();
          } catch (SQLException e) {
            throw new StorageUnavailableException("the schedule could not be forgotten", e);
          }
        },
        executor);
  }

  @Override
  public CompletionStage<Boolean> exists(String scheduleId) {
    return CompletableFuture.supplyAsync(
        () -> {
          try (Connection c = dataSource.getConnection()) {
            return existsNow(c, scheduleId);
          } catch (SQLException e) {
            throw new StorageUnavailableException("the schedules could not be read", e);
          }
        },
        executor);
  }

  private static boolean existsNow(Connection c, String scheduleId) throws SQLException {
    try (PreparedStatement s =
        c.prepareStatement("SELECT 1 FROM igor_schedules WHERE schedule_id = ?")) {
      s.setObject(1, UUID.fromString(scheduleId));
      try (ResultSet rs = s.executeQuery()) {
        return rs.next();
      }
    }
  }

  @Override
  public CompletionStage<List<String>> ids(int limit) {
    return CompletableFuture.supplyAsync(
        () -> {
          try (Connection c = dataSource.getConnection();
              PreparedStatement s =
                  c.prepareStatement(
                      "SELECT schedule_id FROM igor_schedules ORDER BY created_at, schedule_id"
                          + " LIMIT ?")) {
            s.setInt(1, limit);
            List<String> ids = new ArrayList<>();
            try (ResultSet rs = s.executeQuery()) {
              while (rs.next()) {
                ids.add(rs.getString(1));
              }
            }
            return ids;
          } catch (SQLException e) {
            throw new StorageUnavailableException("the schedules could not be read", e);
          }
        },
        executor);
  }
}
