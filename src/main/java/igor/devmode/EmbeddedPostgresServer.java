package igor.devmode;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;

/**
 * A real PostgreSQL server run from binaries shipped in a jar, for `igor dev` and for tests on a
 * machine without one. With a data directory, its data outlives the process.
 *
 * <p>{@code pg_ctl} starts the server in a session of its own, so a terminal's Ctrl-C does not
 * reach it. A server left running on the data directory by a JVM that died (its {@code
 * postmaster.pid} names a live postgres while no other process holds the directory) is stopped
 * before a new one starts.
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
   * Starts on {@code port} (0: a free one), stopped when the JVM exits. A server stopped and
   * started again on the same data directory and port is, to its clients, the same server back from
   * an outage.
   */
  public static EmbeddedPostgresServer start(Path dataDir, int port) {
    return start(dataDir, port, true);
  }

  /**
   * As {@link #start(Path, int)}; with {@code stopOnJvmExit} false the caller must {@link #close()}
   * it, in the order it chooses (`igor dev` stops it after the node).
   */
  public static EmbeddedPostgresServer start(Path dataDir, int port, boolean stopOnJvmExit) {
    try {
      EmbeddedPostgres.Builder builder =
          EmbeddedPostgres.builder()
              .setPGStartupWait(Duration.ofSeconds(60))
              .setRegisterShutdownHook(stopOnJvmExit);
      if (port != 0) {
        builder.setPort(port);
      }
      if (dataDir != null) {
        Files.createDirectories(dataDir);
        refuseWhenInUse(dataDir);
        LeftoverServers.stop(dataDir.resolve("postmaster.pid"), "postgres", "PostgreSQL");
        builder.setDataDirectory(dataDir).setCleanDataDirectory(false);
      }
      return new EmbeddedPostgresServer(builder.start());
    } catch (IOException e) {
      throw new UncheckedIOException("embedded PostgreSQL did not start: " + e.getMessage(), e);
    }
  }

  /**
   * The library holds a lock on {@code epg-lock} in the data directory while its server runs there:
   * if another process holds it, that process's server is no leftover.
   */
  private static void refuseWhenInUse(Path dataDir) throws IOException {
    Path lockFile = dataDir.resolve("epg-lock");
    if (!Files.exists(lockFile)) {
      return;
    }
    try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.WRITE);
        FileLock lock = channel.tryLock()) {
      if (lock == null) {
        throw inUse(dataDir, "another process (another igor dev?)");
      }
    } catch (OverlappingFileLockException e) {
      throw inUse(dataDir, "a server of this JVM");
    }
  }

  private static IllegalStateException inUse(Path dataDir, String byWhom) {
    return new IllegalStateException("embedded PostgreSQL: " + dataDir + " is in use by " + byWhom);
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
