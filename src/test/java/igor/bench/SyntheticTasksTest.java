package igor.bench;

import static org.assertj.core.api.Assertions.assertThat;

import igor.config.IgorSettings;
import igor.storage.jdbc.JdbcStorage;
import igor.testing.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The benchmark's synthetic rows land in the read model, on a connection of the benchmark's. */
class SyntheticTasksTest {
  private TestDatabase db;
  private IgorSettings.Database settings;

  @BeforeEach
  void database() {
    db = TestDatabase.create();
    settings = new IgorSettings.Database(db.url(), db.user(), "", 2, true);
    try (JdbcStorage storage = JdbcStorage.open(settings)) {
      storage.migrate();
    }
  }

  @AfterEach
  void cleanUp() {
    db.close();
  }

  @Test
  void jobsTimesTasksCompletedRowsAreWrittenAndTheMiddleJobIsNamed() throws Exception {
    String middle = SyntheticTasks.insert(settings, 4, 3);

    try (Connection c = db.connect();
        PreparedStatement all = c.prepareStatement("SELECT count(*) FROM igor_tasks");
        PreparedStatement ofMiddle =
            c.prepareStatement(
                "SELECT count(*) FROM igor_tasks WHERE job_id = ?::uuid AND status ="
                    + " 'COMPLETED'")) {
      ResultSet total = all.executeQuery();
      total.next();
      assertThat(total.getInt(1)).isEqualTo(12);
      ofMiddle.setString(1, middle);
      ResultSet tasks = ofMiddle.executeQuery();
      tasks.next();
      assertThat(tasks.getInt(1)).isEqualTo(3);
    }
  }
}
