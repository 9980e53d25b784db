package igor.storage.jdbc;

import igor.storage.ObjectDirectory;
import igor.storage.StorageUnavailableException;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import javax.sql.DataSource;

/** The object directory as two PostgreSQL tables, written and read one statement per table. */
public final class JdbcObjectDirectory implements ObjectDirectory {
  private static final String LAYERS = "igor_layer_directory";
  private static final String TASKS = "igor_task_directory";
  private final DataSource dataSource;
  private final Executor executor;

  JdbcObjectDirectory(DataSource dataSource, Executor executor) {
    this.dataSource = dataSource;
    this.executor = executor;
  }

  @Override
  public CompletionStage<Void> register(
      String jobId, Collection<String> layerIds, Collection<String> taskIds) {
    if (layerIds.isEmpty() && taskIds.isEmpty()) {
      return CompletableFuture.completedFuture(null);
    }
    return CompletableFuture.runAsync(
        () -> {
          try (Connection c = dataSource.getConnection()) {
            insert(c, LAYERS, "layer_id", jobId, layerIds);
            insert(c, TASKS, "task_id", jobId, taskIds);
          } catch (SQLException e) {
            throw new StorageUnavailableException("the job's layers and tasks could not be recorded", e);
          }
        },
        executor);
  }

  private static void insert(
      Connection c, String table, String column, String jobId, Collection<String> ids)
      throws SQLException {
    if (ids.isEmpty()) {
      return;
    }
    String sql =
        "INSERT INTO " + table + " (" + column + ", job_id) SELECT unnest(?::uuid[]), ?::uuid"
            + " ON CONFLICT (" + column + ") DO NOTHING";
    try (PreparedStatement s = c.prepareStatement(sql)) {
      s.setArray(1, uuids(c, ids));
      s.setObject(2, UUID.fromString(jobId));
      s.executeUpdate();
    }
  }

  @Override
  public CompletionStage<Map<String, String>> jobsOfLayers(Collection<String> layerIds) {
    return lookUp(LAYERS, "layer_id", layerIds);
  }

  @Override
  public CompletionStage<Map<String, String>> jobsOfTasks(Collection<String> taskIds) {
    return lookUp(TASKS, "task_id", taskIds);
  }

  private CompletionStage<Map<String, String>> lookUp(
      String table, String column, Collection<String> ids) {
    if (ids.isEmpty()) {
      return CompletableFuture.completedFuture(Map.of());
    }
    return CompletableFuture.supplyAsync(
        () -> {
          String sql =
              "SELECT " + column + ", job_id FROM " + table + " WHERE " + column + " = ANY (?::uuid[])";
          Map<String, String> jobs = new HashMap<>();
          try (Connection c = dataSource.getConnection();
              PreparedStatement s = c.prepareStatement(sql)) {
            s.setArray(1, uuids(c, ids));
            try (ResultSet rs = s.executeQuery()) {
              while (rs.next()) {
                jobs.put(rs.getString(1), rs.getString(2));
              }
            }
            return jobs;
          } catch (SQLException e) {
            throw new StorageUnavailableException("the directory could not be read", e);
          }
        },
        executor);
  }

  private static Array uuids(Connection c, Collection<String> ids) throws SQLException {
    return c.createArrayOf("uuid", ids.stream().map(UUID::fromString).toArray());
  }
}
