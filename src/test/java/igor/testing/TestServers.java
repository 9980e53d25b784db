package igor.testing;

import igor.devmode.EmbeddedPostgresServer;
import igor.devmode.EmbeddedRedisServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;

/**
 * The real PostgreSQL and Redis the tests use: those answering at the configured addresses
 * (IGOR_TEST_DATABASE_URL, default the machine's own on 127.0.0.1:5432; IGOR_TEST_REDIS_URL,
 * default 127.0.0.1:6379), or else embedded ones started once for the whole test run.
 */
public final class TestServers {
  private static final String DATABASE_URL =
      env("IGOR_TEST_DATABASE_URL", "jdbc:postgresql://127.0.0.1:5432/postgres");
  private static final String DATABASE_USER = env("IGOR_TEST_DATABASE_USER", "postgres");
  private static final String REDIS_URL = env("IGOR_TEST_REDIS_URL", "redis://127.0.0.1:6379");

  private static String adminUrl;
  private static String redisUrl;

  private TestServers() {}

  /** A JDBC URL of an administrative database on a running server (user postgres). */
  public static synchronized String postgresAdminUrl() {
    if (adminUrl == null) {
      if (answers(DATABASE_URL)) {
        adminUrl = DATABASE_URL;
      } else {
        System.err.println(
            "[igor tests] no PostgreSQL at " + DATABASE_URL + ": starting an embedded one");
        EmbeddedPostgresServer server = EmbeddedPostgresServer.start(null);
        Runtime.getRuntime().addShutdownHook(new Thread(server::close));
        adminUrl = server.jdbcUrl("postgres");
      }
    }
    return adminUrl;
  }

  public static String databaseUser() {
    return DATABASE_USER;
  }

  /** The URL of a running Redis. */
  public static synchronized String redisUrl() {
    if (redisUrl == null) {
      if (pings(REDIS_URL)) {
        redisUrl = REDIS_URL;
      } else {
        System.err.println("[igor tests] no Redis at " + REDIS_URL + ": starting an embedded one");
        EmbeddedRedisServer server = EmbeddedRedisServer.start(null);
        Runtime.getRuntime().addShutdownHook(new Thread(server::close));
        redisUrl = server.url();
      }
    }
    return redisUrl;
  }

  private static boolean answers(String jdbcUrl) {
    try (Connection c = DriverManager.getConnection(jdbcUrl, DATABASE_USER, "")) {
      return c.isValid(2);
    } catch (SQLException e) {
      return false;
    }
  }

  private static boolean pings(String url) {
    URI uri = URI.create(url);
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), 1000);
      socket.setSoTimeout(1000);
      OutputStream out = socket.getOutputStream();
      out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      byte[] reply = new byte[5];
      int n = in.readNBytes(reply, 0, 5);
      return n == 5 && new String(reply, StandardCharsets.US_ASCII).equals("+PONG");
    } catch (IOException e) {
      return false;
    }
  }

  private static String env(String name, String fallback) {
    String value = System.getenv(name);
    return value == null || value.isBlank() ? fallback : value;
  }
}
