package igor.storage.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import igor.config.IgorSettings;
import igor.testing.TestDatabase;
import igor.testing.TestServers;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** `igor migrate --roles`: a read-write role for Igor and a read-only one for reporting. */
class DatabaseRolesTest {
  private final String suffix = UUID.randomUUID().toString().substring(0, 8);
  private final DatabaseRoles.Role readWrite =
      new DatabaseRoles.Role("igor_rw_" + suffix, "rw-secret");
  private final DatabaseRoles.Role readOnly =
      new DatabaseRoles.Role("igor_ro_" + suffix, "ro-secret");
  private TestDatabase db;
  private JdbcStorage storage;

  @BeforeEach
  void migratedDatabase() {
    db = TestDatabase.create();
    storage = JdbcStorage.open(new IgorSettings.Database(db.url(), db.user(), "", 2, true));
    storage.migrate();
  }

  @AfterEach
  void dropEverything() throws SQLException {
    storage.close();
    db.close();
    try (Connection c =
            DriverManager.getConnection(
                TestServers.postgresAdminUrl(), TestServers.databaseUser(), "");
        Statement s = c.createStatement()) {
      s.execute("DROP ROLE IF EXISTS " + readWrite.name());
      s.execute("DROP ROLE IF EXISTS " + readOnly.name());
    }
  }

  @Test
  void readOnlyRoleReadsTheReadModelAndCannotWrite() throws SQLException {
    storage.createRoles(readWrite, readOnly);

    try (Connection c =
            DriverManager.getConnection(db.url(), readOnly.name(), readOnly.password());
        Statement s = c.createStatement()) {
      assertThat(s.executeQuery("SELECT count(*) FROM igor_tasks").next()).isTrue();
      assertThatThrownBy(() -> s.execute("DELETE FROM igor_jobs"))
          .isInstanceOf(SQLException.class)
          .hasMessageContaining("permission denied");
    }
  }

  @Test
  void readWriteRoleWritesIgorsTablesButChangesNoSchema() throws SQLException {
    storage.createRoles(readWrite, readOnly);
    storage.createRoles(readWrite, readOnly);

    try (Connection c =
            DriverManager.getConnection(db.url(), readWrite.name(), readWrite.password());
        Statement s = c.createStatement()) {
      s.execute(
          "INSERT INTO igor_layer_directory (layer_id, job_id) VALUES (gen_random_uuid(),"
              + " gen_random_uuid())");
      assertThat(s.executeUpdate("DELETE FROM igor_layer_directory")).isEqualTo(1);
      assertThatThrownBy(() -> s.execute("CREATE TABLE not_igors (id int)"))
          .isInstanceOf(SQLException.class)
          .hasMessageContaining("permission denied");
    }
  }

  @Test
  void roleWithoutAPasswordOrWithABadNameIsRefused() {
    assertThatThrownBy(() -> new DatabaseRoles.Role("igor_ro", ""))
        .hasMessageContaining("needs a password");
    assertThatThrownBy(() -> new DatabaseRoles.Role("Robert'); DROP TABLE", "x"))
        .hasMessageContaining("role name");
  }
}
