package igor.testing;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

/** A database of its own for one test class, dropped at the end: tests can run twice and at once. */
public final class TestDatabase implements AutoCloseable {
  private final String name;
  private final String url;

  private TestDatabase(String name, String url) {
    this.name = name;
    this.url = url;
  }

  public static TestDatabase create() {
    String admin = TestServers.postgresAdminUrl();
    String name = "igor_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    execute(admin, "CREATE DATABASE " + name);
    String url = admin.substring(0, admin.lastIndexOf('/') + 1) + name;
    return new TestDatabase(name, url);
  }

  public String url() {
    return url;
  }

  public String user() {
    return TestServers.databaseUser();
  }

  public Connection connect() throws SQLException {
    return DriverManager.getConnection(url, user(), "");
  }

  @Override
  public void close() {
    execute(TestServers.postgresAdminUrl(), "DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
  }

  private static void execute(String url, String sql) {
    try (Connection c = DriverManager.getConnection(url, TestServers.databaseUser(), "");
        Statement s = c.createStatement()) {
      s.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException(sql + " failed: " + e.getMessage(), e);
    }
  }
}
