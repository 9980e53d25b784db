package igor.storage.jdbc;

import igor.domain.Status;
import igor.entity.JobTags;
import igor.storage.Retention;
import igor.storage.StorageUnavailableException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import javax.sql.DataSource;

/** Retention on PostgreSQL: plain deletes by job, one transaction per batch. */
public final class JdbcRetention implements Retention {
  private static final String PREFIX = "Job|";
  private final DataSource dataSource;
  private final Executor executor;

  JdbcRetention(DataSource dataSource, Executor executor) {
    this.dataSource = dataSource;
    this.executor = executor;
  }

  @Override
  public CompletionStage<List<String>> due(Set<Status> statuses, long changedBefore, int limit) {
    return CompletableFuture.supplyAsync(
        () -> {
          try (Connection c = dataSource.getConnection()) {
            Map<String, Long> projected = projectedOffsets(c);
            // Candidates by the read model; then the journal has the last word: the job's latest
            // event must be old enough and already projected (else the read model's status may be
            // behind a retry, say).
            String sql =
                "SELECT j.id::text, e.last_ordering FROM igor_jobs j"
                    + " CROSS JOIN LATERAL (SELECT max(ordering) AS last_ordering,"
                    + "   max(write_timestamp) AS last_write FROM event_journal"
                    + "   WHERE persistence_id = 'Job|' || j.id::text) e"
                    + " WHERE j.status = ANY (?) AND j.updated_at < ?"
                    + " AND e.last_write < ?"
                    + " ORDER BY j.updated_at, j.id LIMIT ?";
            List<String> due = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement(sql)) {
              s.setArray(
                  1, c.createArrayOf("varchar", statuses.stream().map(Status::name).toArray()));
              s.setLong(2, changedBefore / 1000);
              s.setLong(3, changedBefore);
              s.setInt(4, limit);
              try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                  String id = rs.getString(1);
                  long last = rs.getLong(2);
                  if (last <= projected.getOrDefault(JobTags.of(id), 0L)) {
                    due.add(id);
                  }
                }
              }
            }
            return due;
          } catch (SQLException e) {
            throw new StorageUnavailableException("jobs due for removal could not be read", e);
          }
        },
        executor);
  }

  private static Map<String, Long> projectedOffsets(Connection c) throws SQLException {
    Map<String, Long> offsets = new HashMap<>();
    try (PreparedStatement s =
        c.prepareStatement(
            "SELECT projection_key, current_offset FROM pekko_projection_offset_store"
                + " WHERE projection_name = ?")) {
      s.setString(1, ReadModelProjection.NAME);
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          offsets.put(rs.getString(1), Long.parseLong(rs.getString(2)));
        }
      }
    }
    return offsets;
  }

  @Override
  public CompletionStage<List<String>> remove(Map<String, Long> jobs) {
    if (jobs.isEmpty()) {
      return CompletableFuture.completedFuture(List.of());
    }
    return Transactions.inTransaction(
        dataSource, executor, "jobs could not be removed", c -> removeIn(c, jobs));
  }

  private static List<String> removeIn(Connection c, Map<String, Long> jobs) throws SQLException {
    List<String> removable = new ArrayList<>();
    try (PreparedStatement s =
        c.prepareStatement(
            "SELECT persistence_id, max(sequence_number) FROM event_journal"
                + " WHERE persistence_id = ANY (?) GROUP BY persistence_id")) {
      s.setArray(
          1, c.createArrayOf("varchar", jobs.keySet().stream().map(id -> PREFIX + id).toArray()));
      Map<String, Long> last = new HashMap<>();
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          last.put(rs.getString(1).substring(PREFIX.length()), rs.getLong(2));
        }
      }
      for (Map.Entry<String, Long> job : jobs.entrySet()) {
        if (last.getOrDefault(job.getKey(), 0L) <= job.getValue()) {
          removable.add(job.getKey());
        }
      }
    }
    if (removable.isEmpty()) {
      return removable;
    }
    Object[] pids = removable.stream().map(id -> PREFIX + id).toArray();
    Object[] ids = removable.stream().map(UUID::fromString).toArray();
    delete(c, "DELETE FROM event_journal WHERE persistence_id = ANY (?)", "varchar", pids);
    delete(c, "DELETE FROM snapshot WHERE persistence_id = ANY (?)", "varchar", pids);
    delete(c, "DELETE FROM igor_tasks WHERE job_id = ANY (?)", "uuid", ids);
    delete(c, "DELETE FROM igor_task_logs WHERE job_id = ANY (?)", "uuid", ids);
    delete(c, "DELETE FROM igor_task_output WHERE job_id = ANY (?)", "uuid", ids);
    delete(c, "DELETE FROM igor_layers WHERE job_id = ANY (?)", "uuid", ids);
    delete(c, "DELETE FROM igor_jobs WHERE id = ANY (?)", "uuid", ids);
    delete(c, "DELETE FROM igor_task_directory WHERE job_id = ANY (?)", "uuid", ids);
    delete(c, "DELETE FROM igor_layer_directory WHERE job_id = ANY (?)", "uuid", ids);
    delete(c, "DELETE FROM igor_job_directory WHERE job_id = ANY (?)", "uuid", ids);
    return removable;
  }

  private static void delete(Connection c, String sql, String type, Object[] keys)
      throws SQLException {
    try (PreparedStatement s = c.prepareStatement(sql)) {
      s.setArray(1, c.createArrayOf(type, keys));
      s.executeUpdate();
    }
  }
}
