package igor.testing;

import igor.devmode.EmbeddedPostgresServer;
import igor.devmode.EmbeddedRedisServer;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The real PostgreSQL and Redis the tests use: those answering at the configured addresses
 * (IGOR_TEST_DATABASE_URL, default the machine's own on 127.0.0.1:5432, as IGOR_TEST_DATABASE_USER,
 * default postgres; IGOR_TEST_REDIS_URL, default 127.0.0.1:6379), or else embedded ones started
 * once for the whole test run. Either way one line per server says on the run's console which one
 * is used and its version, and, for an embedded one, which address did not answer.
 */
public final class TestServers {
  private static final String DATABASE_URL_VARIABLE = "IGOR_TEST_DATABASE_URL";
  private static final String DATABASE_USER_VARIABLE = "IGOR_TEST_DATABASE_USER";
  private static final String REDIS_URL_VARIABLE = "IGOR_TEST_REDIS_URL";
  private static final String DATABASE_URL =
      env(DATABASE_URL_VARIABLE, "jdbc:postgresql://127.0.0.1:5432/postgres");
  private static final String DATABASE_USER = env(DATABASE_USER_VARIABLE, "postgres");
  private static final String REDIS_URL = env(REDIS_URL_VARIABLE, "redis://127.0.0.1:6379");

  /** The embedded PostgreSQL's superuser. */
  private static final String EMBEDDED_USER = "postgres";

  /**
   * The process's own standard error: surefire sends what tests print to System.err to a report
   * file (redirectTestOutputToFile), and passes this one on to the console of the run.
   */
  private static final PrintStream CONSOLE =
      new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8);

  private static String adminUrl;
  private static String databaseUser;
  private static String redisUrl;

  private TestServers() {}

  /** A JDBC URL of an administrative database on a running server (user {@link #databaseUser}). */
  public static synchronized String postgresAdminUrl() {
    if (adminUrl == null) {
      String version = postgresVersion(DATABASE_URL, DATABASE_USER);
      if (version != null) {
        adminUrl = DATABASE_URL;
        databaseUser = DATABASE_USER;
        announce(
            "PostgreSQL at %s (%s), user %s: %s",
            DATABASE_URL, origin(DATABASE_URL_VARIABLE), DATABASE_USER, version);
      } else {
        EmbeddedPostgresServer server = EmbeddedPostgresServer.start(null);
        Runtime.getRuntime().addShutdownHook(new Thread(server::close));
        adminUrl = server.jdbcUrl("postgres");
        databaseUser = EMBEDDED_USER;
        announce(
            "PostgreSQL: EMBEDDED on port %d, because nothing answered at %s as user %s (%s): %s",
            server.port(),
            DATABASE_URL,
            DATABASE_USER,
            origin(DATABASE_URL_VARIABLE),
            postgresVersion(adminUrl, EMBEDDED_USER));
      }
    }
    return adminUrl;
  }

  /** The user of {@link #postgresAdminUrl}'s server, a superuser. */
  public static synchronized String databaseUser() {
    postgresAdminUrl();
    return databaseUser;
  }

  /** The URL of a running Redis. */
  public static synchronized String redisUrl() {
    if (redisUrl == null) {
      String version = redisVersion(REDIS_URL);
      if (version != null) {
        redisUrl = REDIS_URL;
        announce("Redis at %s (%s): Redis %s", REDIS_URL, origin(REDIS_URL_VARIABLE), version);
      } else {
        EmbeddedRedisServer server = EmbeddedRedisServer.start(null);
        Runtime.getRuntime().addShutdownHook(new Thread(server::close));
        redisUrl = server.url();
        announce(
            "Redis: EMBEDDED on port %d, because nothing answered at %s (%s): Redis %s",
            server.port(), REDIS_URL, origin(REDIS_URL_VARIABLE), redisVersion(redisUrl));
      }
    }
    return redisUrl;
  }

  private static void announce(String format, Object... values) {
    CONSOLE.println("[igor tests] " + String.format(format, values));
  }

  private static String origin(String variable) {
    String value = System.getenv(variable);
    return value == null || value.isBlank() ? variable + " unset: the default" : variable;
  }

  /** The server's {@code version()}, or null if nothing answers at the URL as that user. */
  private static String postgresVersion(String jdbcUrl, String user) {
    try (Connection c = DriverManager.getConnection(jdbcUrl, user, "");
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT version()")) {
      rs.next();
      return rs.getString(1);
    } catch (SQLException e) {
      return null;
    }
  }

  /** The server's redis_version (its {@code INFO server}), or null if no Redis answers there. */
  private static String redisVersion(String url) {
    URI uri = URI.create(url);
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), 1000);
      socket.setSoTimeout(2000);
      OutputStream out = socket.getOutputStream();
      out.write("INFO server\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      String header = readLine(in);
      if (!header.startsWith("$")) {
        return null; // an error, such as NOAUTH: not a Redis the tests can use
      }
      byte[] body = in.readNBytes(Integer.parseInt(header.substring(1)));
      for (String line : new String(body, StandardCharsets.UTF_8).split("\r\n")) {
        if (line.startsWith("redis_version:")) {
          return line.substring("redis_version:".length());
        }
      }
      return null;
    } catch (IOException | NumberFormatException e) {
      return null;
    }
  }

  private static String readLine(InputStream in) throws IOException {
    StringBuilder line = new StringBuilder();
    for (int ch = in.read(); ch != -1 && ch != '\n'; ch = in.read()) {
      if (ch != '\r') {
        line.append((char) ch);
      }
    }
    return line.toString();
  }

  private static String env(String name, String fallback) {
    String value = System.getenv(name);
    return value == null || value.isBlank() ? fallback : value;
  }
}
