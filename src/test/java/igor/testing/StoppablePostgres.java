package igor.testing;

import igor.devmode.EmbeddedPostgresServer;
import java.nio.file.Path;

/**
 * A PostgreSQL server of one test's own, which the test stops and starts again on the same port and
 * data to play an outage. Its data directory is removed at the end.
 */
public final class StoppablePostgres implements AutoCloseable {
  private final Path dataDir;
  private final int port;
  private EmbeddedPostgresServer server;

  private StoppablePostgres(Path dataDir, EmbeddedPostgresServer server) {
    this.dataDir = dataDir;
    this.server = server;
    this.port = server.port();
  }

  public static StoppablePostgres start() {
    Path dataDir = TemporaryDirectories.create("igor-test-postgres");
    return new StoppablePostgres(dataDir, EmbeddedPostgresServer.start(dataDir));
  }

  /** A database of its own on this server. */
  public TestDatabase createDatabase() {
    return TestDatabase.create(server.jdbcUrl("postgres"), "postgres");
  }

  /** Shuts the server down: every connection to it breaks, and new ones are refused. */
  public void stop() {
    server.close();
    server = null;
  }

  /** Starts the server again on the same port and data. */
  public void startAgain() {
    server = EmbeddedPostgresServer.start(dataDir, port);
  }

  @Override
  public void close() {
    if (server != null) {
      stop();
    }
    TemporaryDirectories.delete(dataDir);
  }
}
