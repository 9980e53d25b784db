package igor.storage.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import igor.config.IgorSettings;
import igor.testing.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The index of the tasks not COMPLETED is keyed by status and creation time, without the id (V14,
 * docs/adr/0023-narrow-status-index.md): a database of V13 upgrades to it with its rows, and a list
 * of a rare status without a job or layer still reads it rather than every task.
 */
class TaskStatusIndexTest {
  private TestDatabase db;

  @BeforeEach
  void createDatabase() {
    db = TestDatabase.create();
  }

  @AfterEach
  void dropDatabase() {
    db.close();
  }

  @Test
  void aDatabaseOfV13UpgradesToTheNarrowIndexAndKeepsItsTasksFindableByStatus()
      throws SQLException {
    Flyway.configure()
        .dataSource(db.url(), db.user(), "")
        .locations("classpath:db/migration")
        .table("igor_schema_history")
        .baselineOnMigrate(true)
        .baselineVersion("0")
        .target("13")
        .load()
        .migrate();
    insertTasks("COMPLETED", 3, 100);
    insertTasks("ERRORED", 2, 200);
    insertTasks("RUNNING", 1, 300);
    assertThat(indexes()).contains("igor_tasks_unfinished_idx");

    migrate();

    assertThat(indexes())
        .contains("igor_tasks_unfinished_status_idx")
        .doesNotContain("igor_tasks_unfinished_idx");
    assertThat(definition("igor_tasks_unfinished_status_idx"))
        .endsWith(
            "USING btree (status, created_at DESC) WHERE ((status)::text <> 'COMPLETED'::text)");
    assertThat(names("SELECT name FROM igor_tasks WHERE status IN ('ERRORED', 'RUNNING')"))
        .containsExactly("RUNNING-0", "ERRORED-1", "ERRORED-0");
    assertThat(names("SELECT name FROM igor_tasks WHERE status IN ('COMPLETED')")).hasSize(3);
  }

  @Test
  void aListOfARareStatusWithoutAJobReadsTheStatusIndex() throws SQLException {
    migrate();
    insertTasks("COMPLETED", 100_000, 1_000);
    insertTasks("ERRORED", 20, 500);
    try (Connection c = db.connect();
        Statement s = c.createStatement()) {
      s.execute("ANALYZE igor_tasks");
      // The shape of JdbcReadModel's list: the statuses written as literals, newest first.
      StringBuilder plan = new StringBuilder();
      try (ResultSet rs =
          s.executeQuery(
              "EXPLAIN SELECT id FROM igor_tasks WHERE TRUE AND status IN ('ERRORED')"
                  + " ORDER BY created_at DESC, id DESC LIMIT 1000 OFFSET 0")) {
        while (rs.next()) {
          plan.append(rs.getString(1)).append('\n');
        }
      }
      assertThat(plan.toString()).contains("igor_tasks_unfinished_status_idx");
    }
  }

  private void migrate() {
    try (JdbcStorage storage =
        JdbcStorage.open(new IgorSettings.Database(db.url(), db.user(), "", 2, true))) {
      storage.migrate();
    }
  }

  /** {@code count} tasks of one status named status-0, status-1, ..., the later ones newer. */
  private void insertTasks(String status, int count, long createdFrom) throws SQLException {
    try (Connection c = db.connect();
        Statement s = c.createStatement()) {
      s.executeUpdate(
          "INSERT INTO igor_tasks (id, job_id, layer_id, revision, status, name, type, args,"
              + " paused_at, retries, timeout_seconds, attempts, message, result, queue_task_id,"
              + " created_at, updated_at) SELECT gen_random_uuid(), gen_random_uuid(),"
              + " gen_random_uuid(), 1, '"
              + status
              + "', '"
              + status
              + "-' || g, 'noop', ''::bytea, 0, 0, 0, 1, '', NULL, '', "
              + createdFrom
              + " + g, "
              + createdFrom
              + " + g FROM generate_series(0, "
              + (count - 1)
              + ") g");
    }
  }

  private List<String> indexes() throws SQLException {
    return names("SELECT indexname FROM pg_indexes WHERE tablename = 'igor_tasks'");
  }

  private String definition(String index) throws SQLException {
    List<String> found = names("SELECT indexdef FROM pg_indexes WHERE indexname = '" + index + "'");
    assertThat(found).hasSize(1);
    return found.get(0);
  }

  /** The first column of every row, newest task first where the query names igor_tasks. */
  private List<String> names(String sql) throws SQLException {
    String ordered = sql.contains("FROM igor_tasks") ? sql + " ORDER BY created_at DESC" : sql;
    List<String> names = new ArrayList<>();
    try (Connection c = db.connect();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(ordered)) {
      while (rs.next()) {
        names.add(rs.getString(1));
      }
    }
    return names;
  }
}
