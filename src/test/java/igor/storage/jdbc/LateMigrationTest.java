package igor.storage.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import igor.config.IgorSettings;
import igor.testing.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

/**
 * V11 (igor_flow_limits) came after V12 and V13 were merged: a database those reached before V11
 * existed takes it at the next migration.
 */
class LateMigrationTest {
  @Test
  void aDatabaseMigratedToV13BeforeV11ExistedTakesV11() throws Exception {
    try (TestDatabase db = TestDatabase.create()) {
      IgorSettings.Database settings = new IgorSettings.Database(db.url(), db.user(), "", 2, true);
      try (JdbcStorage storage = JdbcStorage.open(settings)) {
        storage.migrate();
      }
      try (Connection c = db.connect();
          Statement s = c.createStatement()) {
        s.execute("DROP TABLE igor_flow_limits");
        s.execute("DROP SEQUENCE igor_flow_limit_version");
        s.execute("DELETE FROM igor_schema_history WHERE version = '11'");
      }
      try (JdbcStorage storage = JdbcStorage.open(settings)) {
        storage.migrate();
      }
      try (Connection c = db.connect();
          Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT count(*) FROM igor_flow_limits")) {
        rs.next();
        assertThat(rs.getInt(1)).isZero();
      }
    }
  }
}
