package igor.storage.jdbc;

import igor.storage.StorageUnavailableException;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * For igor bench only, never for a node: completed task rows written straight into the read model,
 * with no journal behind them, to measure a list over a large table.
 */
public final class SyntheticTasks {
  private SyntheticTasks() {}

  /**
   * For the benchmark only: fills the read model with {@code jobs} x {@code tasksPerJob} completed
   * task rows (no journal behind them) and answers the id of the job in the middle.
   */
  public static String insert(JdbcStorage storage, int jobs, int tasksPerJob) {
    String sql =
        "INSERT INTO igor_tasks (id, job_id, layer_id, revision, status, name, type, args,"
            + " paused_at, retries, timeout_seconds, attempts, message, result, queue_task_id,"
            + " created_at, updated_at) SELECT gen_random_uuid(), md5('job' || (g / ?))::uuid,"
            + " md5('layer' || (g / ?))::uuid, 0, 'COMPLETED', '', 'noop', ''::bytea, 0, 0, 0, 1,"
            + " '', NULL, '', 1700000000 + g, 1700000000 + g FROM generate_series(0, ? - 1) g";
    try (Connection c = storage.connection();
        java.sql.PreparedStatement s = c.prepareStatement(sql);
        java.sql.Statement analyze = c.createStatement()) {
      s.setInt(1, tasksPerJob);
      s.setInt(2, tasksPerJob);
      s.setInt(3, jobs * tasksPerJob);
      s.executeUpdate();
      analyze.execute("ANALYZE igor_tasks");
      try (java.sql.ResultSet rs =
          analyze.executeQuery("SELECT md5('job' || " + (jobs / 2) + ")::uuid")) {
        rs.next();
        return rs.getString(1);
      }
    } catch (SQLException e) {
      throw new StorageUnavailableException(
          "synthetic tasks could not be written: " + e.getMessage(), e);
    }
  }
}
