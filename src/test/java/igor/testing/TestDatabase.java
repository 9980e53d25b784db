package igor.testing;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

/**
 * A database of its own for one test class, dropped at the end: tests can run twice and at once.
 */
public final class TestDatabase implements AutoCloseable {
  private final String name;
  private final String url;
  private final String adminUrl;
  private final String user;

  private TestDatabase(String name, String url, String adminUrl, String user) {
    this.name = name;
    this.url = url;
    this.adminUrl = adminUrl;
    this.user = user;
  }

  /** A database on the tests' server (TestServers). */
  public static TestDatabase create() {
    return create(TestServers.postgresAdminUrl(), TestServers.databaseUser());
  }

  /** A database on the server of this administrative database's URL, owned by {@code user}. */
  public static TestDatabase create(String adminUrl, String user) {
    String name = "igor_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    execute(adminUrl, user, "CREATE DATABASE " + name);
    String url = adminUrl.substring(0, adminUrl.lastIndexOf('/') + 1) + name;
    return new TestDatabase(name, url, adminUrl, user);
  }

  public String url() {
    return url;
  }

  public String user() {
    return user;
  }

  public Connection connect() throws SQLException {
    return DriverManager.getConnection(url, user(), "");
  }

  @Override
  public void close() {
    execute(adminUrl, user, "DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
  }

  private static void execute(String url, String user, String sql) {
    try (Connection c = DriverManager.getConnection(url, user, "");
        Statement s = c.createStatement()) {
      s.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException(sql + " failed: " + e.getMessage(), e);
    }
  }
}
