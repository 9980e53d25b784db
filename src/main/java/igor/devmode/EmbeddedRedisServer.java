package igor.devmode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import redis.embedded.RedisServer;
import redis.embedded.core.RedisServerBuilder;

/**
 * A real Redis server run from a binary shipped in a jar, for `igor dev` and for tests on a machine
 * without one. With a data directory it keeps an append-only file there.
 */
public final class EmbeddedRedisServer implements AutoCloseable {
  private final RedisServer server;
  private final int port;

  private EmbeddedRedisServer(RedisServer server, int port) {
    this.server = server;
    this.port = port;
  }

  /** Starts on a free port; {@code dataDir} null for a server that keeps nothing. */
  public static EmbeddedRedisServer start(Path dataDir) {
    return start(dataDir, 0);
  }

  /**
   * Starts on {@code port} (0: a free one). Stopping it is a shutdown that writes its append-only
   * file, so a server started again on the same data directory holds the same data.
   */
  public static EmbeddedRedisServer start(Path dataDir, int port) {
    try {
      if (port == 0) {
        port = freePort();
      }
      RedisServerBuilder builder = RedisServer.newRedisServer().bind("127.0.0.1").port(port);
      if (dataDir != null) {
        Files.createDirectories(dataDir);
        builder
            .setting("dir " + dataDir.toAbsolutePath())
            .setting("appendonly yes")
            .setting("save \"\"");
      } else {
        builder.setting("appendonly no").setting("save \"\"");
      }
      RedisServer server = builder.build();
      server.start();
      return new EmbeddedRedisServer(server, port);
    } catch (IOException e) {
      throw new UncheckedIOException("embedded Redis did not start: " + e.getMessage(), e);
    }
  }

  public int port() {
    return port;
  }

  public String url() {
    return "redis://127.0.0.1:" + port;
  }

  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  @Override
  public void close() {
    try {
      server.stop();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
