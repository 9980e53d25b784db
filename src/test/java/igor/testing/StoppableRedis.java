package igor.testing;

import igor.devmode.EmbeddedRedisServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/**
 * A Redis server of one test's own with an append-only file, which the test stops and starts again
 * on the same port, keeping its data or losing it, to play an outage. Its data directory is removed
 * at the end.
 */
public final class StoppableRedis implements AutoCloseable {
  private final Path dataDir;
  private final int port;
  private EmbeddedRedisServer server;

  private StoppableRedis(Path dataDir, EmbeddedRedisServer server) {
    this.dataDir = dataDir;
    this.server = server;
    this.port = server.port();
  }

  public static StoppableRedis start() {
    Path dataDir = TemporaryDirectories.create("igor-test-redis");
    return new StoppableRedis(dataDir, EmbeddedRedisServer.start(dataDir));
  }

  public String url() {
    return "redis://127.0.0.1:" + port;
  }

  /**
   * Closes every client connection but this one (CLIENT KILL), subscriptions included, as a network
   * fault would; answers how many were closed.
   */
  public int dropClientConnections() {
    URI uri = URI.create(url());
    try (Socket socket = new Socket(uri.getHost(), uri.getPort())) {
      socket.setSoTimeout(5000);
      OutputStream out = socket.getOutputStream();
      BufferedReader in =
          new BufferedReader(
              new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
      int dropped = 0;
      for (String type : List.of("normal", "pubsub")) {
        out.write(
            ("CLIENT KILL TYPE " + type + " SKIPME yes\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        String reply = in.readLine();
        if (reply == null || !reply.startsWith(":")) {
          throw new IllegalStateException("CLIENT KILL answered " + reply);
        }
        dropped += Integer.parseInt(reply.substring(1));
      }
      return dropped;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Shuts the server down as SIGTERM does (the append-only file is written out). */
  public void stop() {
    server.close();
    server = null;
  }

  /** Starts the server again on the same port with the data it had when it stopped. */
  public void startAgain() {
    server = EmbeddedRedisServer.start(dataDir, port);
  }

  /** Starts the server again on the same port with no data at all, as after a disk was lost. */
  public void startAgainEmpty() {
    TemporaryDirectories.delete(dataDir);
    server = EmbeddedRedisServer.start(dataDir, port);
  }

  @Override
  public void close() {
    if (server != null) {
      stop();
    }
    TemporaryDirectories.delete(dataDir);
  }
}
