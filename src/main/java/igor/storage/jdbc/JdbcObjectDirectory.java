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
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import javax.sql.DataSource;

/** The object directory as three PostgreSQL tables, written and read one statement per table. */
public final class JdbcObjectDirectory implements ObjectDirectory {
  private static final String JOBS = "igor_job_directory";
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
    return CompletableFuture.runAsync(
        () -> {
          try (Connection c = dataSource.getConnection()) {
            recordJob(c, jobId);
            insert(c, LAYERS, "layer_id", jobId, layerIds);
            insert(c, TASKS, "task_id", jobId, taskIds);
          } catch (SQLException e) {
            throw new StorageUnavailableException(
                "the job's layers and tasks could not be recorded", e);
          }
        },
        executor);
  }

  private static void recordJob(Connection c, String jobId) throws SQLException {
    try (PreparedStatement s =
        c.prepareStatement(
            "INSERT INTO " + JOBS + " (job_id) VALUES (?) ON CONFLICT (job_id) DO NOTHING")) {
      s.setObject(1, UUID.fromString(jobId));
      s.executeUpdate();
    }
  }

  private static void insert(
      Connection c, String table, String column, String jobId, Collection<String> ids)
      throws SQLException {
    if (ids.isEmpty()) {
      return;
    }
    String sql =
        "INSERT INTO "
            + table
            + " ("
            + column
            + ", job_id) SELECT unnest(?::uuid[]), ?::uuid"
            + " ON CONFLICT ("
            + column
            + ") DO NOTHING";
    try (PreparedStatement s = c.prepareStatement(sql)) {
      s.setArray(1, uuids(c, ids));
      s.setObject(2, UUID.fromString(jobId));
      s.executeUpdate();
    }
  }

  @Override
  public CompletionStage<Set<String>> knownJobs(Collection<String> jobIds) {
    if (jobIds.isEmpty()) {
      return CompletableFuture.completedFuture(Set.of());
    }
    return CompletableFuture.supplyAsync(
        () -> {
          String sql = "SELECT job_id FROM " + JOBS + " WHERE job_id = ANY (?::uuid[])";
          Set<String> known = new HashSet<>();
          try (Connection c = dataSource.getConnection();
              PreparedStatement s = c.prepareStatement(sql)) {
            s.setArray(1, uuids(c, jobIds));
            try (ResultSet rs = s.executeQuery()) {
              while (rs.next()) {
                known.add(rs.getString(1));
              }
            }
            return known;
          } catch (SQLException e) {
            throw new StorageUnavailableException("the directory could not be read", e);
          }
        },
        executor);
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
              "SELECT "
                  + column
                  + ", job_id FROM "
                  + table
                  + " WHERE "
                  + column
                  + " = ANY (?::uuid[])";
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
