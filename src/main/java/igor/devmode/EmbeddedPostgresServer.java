package igor.devmode;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A real PostgreSQL server run from binaries shipped in a jar, for `igor dev` and for tests on a
 * machine without one. With a data directory, its data outlives the process.
 */
public final class EmbeddedPostgresServer implements AutoCloseable {
  private final EmbeddedPostgres postgres;

  private EmbeddedPostgresServer(EmbeddedPostgres postgres) {
    this.postgres = postgres;
  }

  /** Starts on a free port; {@code dataDir} null for a throw-away database. */
  public static EmbeddedPostgresServer start(Path dataDir) {
    return start(dataDir, 0);
  }

  /**
   * Starts on {@code port} (0: a free one). A server stopped and started again on the same data
   * directory and port is, to its clients, the same server back from an outage.
   */
  public static EmbeddedPostgresServer start(Path dataDir, int port) {
    try {
      EmbeddedPostgres.Builder builder =
          EmbeddedPostgres.builder().setPGStartupWait(Duration.ofSeconds(60));
      if (port != 0) {
        builder.setPort(port);
      }
      if (dataDir != null) {
        Files.createDirectories(dataDir);
        builder.setDataDirectory(dataDir).setCleanDataDirectory(false);
      }
      return new EmbeddedPostgresServer(builder.start());
    } catch (IOException e) {
      throw new UncheckedIOException("embedded PostgreSQL did not start: " + e.getMessage(), e);
    }
  }

  public int port() {
    return postgres.getPort();
  }

  /** The JDBC URL of a database on this server (user postgres, no password). */
  public String jdbcUrl(String database) {
    return "jdbc:postgresql://127.0.0.1:" + port() + "/" + database;
  }

  @Override
  public void close() {
    try {
      postgres.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
