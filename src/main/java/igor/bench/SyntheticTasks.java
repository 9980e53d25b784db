package igor.bench;

import igor.config.IgorSettings;
import igor.storage.StorageUnavailableException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;

/**
 * For igor bench only, never for a node: completed task rows written straight into the read model,
 * with no journal behind them, to measure a list over a large table. It opens a connection of its
 * own, so that no production adapter carries the benchmark's SQL.
 */
final class SyntheticTasks {
  private SyntheticTasks() {}

  /**
   * Fills the read model with {@code jobs} x {@code tasksPerJob} completed task rows (no journal
   * behind them) and answers the id of the job in the middle.
   */
  static String insert(IgorSettings.Database database, int jobs, int tasksPerJob) {
    String sql =
        "INSERT INTO igor_tasks (id, job_id, layer_id, revision, status, name, type, args,"
            + " paused_at, retries, timeout_seconds, attempts, message, result, queue_task_id,"
            + " created_at, updated_at) SELECT gen_random_uuid(), md5('job' || (g / ?))::uuid,"
            + " md5('layer' || (g / ?))::uuid, 0, 'COMPLETED', '', 'noop', ''::bytea, 0, 0, 0, 1,"
            + " '', NULL, '', 1700000000 + g, 1700000000 + g FROM generate_series(0, ? - 1) g";
    Properties credentials = new Properties();
    credentials.setProperty("user", database.user());
    if (database.password() != null && !database.password().isEmpty()) {
      credentials.setProperty("password", database.password());
    }
    try (Connection c = DriverManager.getConnection(database.url(), credentials);
        PreparedStatement s = c.prepareStatement(sql);
        Statement analyze = c.createStatement()) {
      s.setInt(1, tasksPerJob);
      s.setInt(2, tasksPerJob);
      s.setInt(3, jobs * tasksPerJob);
      s.executeUpdate();
      analyze.execute("ANALYZE igor_tasks");
      try (ResultSet rs = analyze.executeQuery("SELECT md5('job' || " + (jobs / 2) + ")::uuid")) {
        rs.next();
        return rs.getString(1);
      }
    } catch (SQLException e) {
      throw new StorageUnavailableException(
          "synthetic tasks could not be written: " + e.getMessage(), e);
    }
  }
}
