package igor.devmode;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import redis.embedded.core.RedisServerBuilder;

/**
 * A real Redis server run from a binary shipped in a jar, for `igor dev` and for tests on a machine
 * without one. With a data directory it keeps an append-only file there.
 *
 * <p>The server runs in a session of its own (through {@code setsid} where there is one), so the
 * SIGINT a terminal sends to its foreground process group on Ctrl-C does not reach it: whoever
 * started it decides when it stops. With a data directory its process id is kept in {@code
 * redis.pid} there, and a server left running by a process that died is stopped before a new one
 * starts on that directory.
 */
public final class EmbeddedRedisServer implements AutoCloseable {
  private static final String PID_FILE = "redis.pid";
  private static final long START_WAIT_MILLIS = 60_000;
  private static final long STOP_WAIT_SECONDS = 10;

  private final Process process;
  private final int port;
  private final Path pidFile;
  private final Thread stopOnExit;

  private EmbeddedRedisServer(Process process, int port, Path pidFile, boolean stopOnJvmExit) {
    this.process = process;
    this.port = port;
    this.pidFile = pidFile;
    this.stopOnExit = stopOnJvmExit ? new Thread(this::stop, "embedded-redis-stop") : null;
    if (stopOnExit != null) {
      Runtime.getRuntime().addShutdownHook(stopOnExit);
    }
  }

  /** Starts on a free port; {@code dataDir} null for a server that keeps nothing. */
  public static EmbeddedRedisServer start(Path dataDir) {
    return start(dataDir, 0);
  }

  /**
   * Starts on {@code port} (0: a free one), stopped when the JVM exits. Stopping it is a shutdown
   * that writes its append-only file, so a server started again on the same data directory holds
   * the same data.
   */
  public static EmbeddedRedisServer start(Path dataDir, int port) {
    return start(dataDir, port, true);
  }

  /**
   * As {@link #start(Path, int)}; with {@code stopOnJvmExit} false the caller must {@link #close()}
   * it, in the order it chooses (`igor dev` stops it after the node).
   */
  public static EmbeddedRedisServer start(Path dataDir, int port, boolean stopOnJvmExit) {
    try {
      if (port == 0) {
        port = freePort();
      }
      RedisServerBuilder builder = new RedisServerBuilder().bind("127.0.0.1").port(port);
      Path pidFile = null;
      if (dataDir != null) {
        Files.createDirectories(dataDir);
        pidFile = dataDir.resolve(PID_FILE);
        LeftoverServers.stop(pidFile, "redis-server", "Redis");
        builder
            .setting("dir " + dataDir.toAbsolutePath())
            .setting("appendonly yes")
            .setting("save \"\"");
      } else {
        builder.setting("appendonly no").setting("save \"\"");
      }
      List<String> command = new ArrayList<>(LeftoverServers.inOwnSession());
      command.addAll(builder.buildCommandArgs());
      ProcessBuilder processBuilder = new ProcessBuilder(command).redirectErrorStream(true);
      processBuilder.redirectOutput(
          dataDir == null
              ? ProcessBuilder.Redirect.DISCARD
              : ProcessBuilder.Redirect.appendTo(dataDir.resolve("redis.log").toFile()));
      Process process = processBuilder.start();
      if (pidFile != null) {
        Files.writeString(pidFile, Long.toString(process.pid()));
      }
      EmbeddedRedisServer server = new EmbeddedRedisServer(process, port, pidFile, stopOnJvmExit);
      server.awaitAnswer(dataDir);
      return server;
    } catch (IOException e) {
      throw new UncheckedIOException("embedded Redis did not start: " + e.getMessage(), e);
    }
  }

  private void awaitAnswer(Path dataDir) {
    long deadline = System.currentTimeMillis() + START_WAIT_MILLIS;
    while (System.currentTimeMillis() < deadline) {
      if (!process.isAlive()) {
        close();
        throw new IllegalStateException(
            "embedded Redis exited at start with status "
                + process.exitValue()
                + (dataDir == null ? "" : " (its log: " + dataDir.resolve("redis.log") + ")"));
      }
      if (answersPing()) {
        return;
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    close();
    throw new IllegalStateException(
        "embedded Redis did not answer on port " + port + " within " + START_WAIT_MILLIS + " ms");
  }

  /** True when the server answers PING with PONG (not while it is still loading its data). */
  private boolean answersPing() {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
      socket.setSoTimeout(1000);
      OutputStream out = socket.getOutputStream();
      out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      byte[] reply = new byte[5];
      int read = in.readNBytes(reply, 0, reply.length);
      return read == 5 && new String(reply, StandardCharsets.US_ASCII).equals("+PONG");
    } catch (IOException e) {
      return false;
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

  /** SIGTERM: Redis writes its append-only file and exits; killed if it takes over 10 s. */
  private void stop() {
    if (process.isAlive()) {
      process.destroy();
      try {
        if (!process.waitFor(STOP_WAIT_SECONDS, TimeUnit.SECONDS)) {
          process.destroyForcibly().waitFor(STOP_WAIT_SECONDS, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (pidFile != null && !process.isAlive()) {
      try {
        // Only our own: a server started since on this directory has written its pid there.
        if (Files.readString(pidFile).trim().equals(Long.toString(process.pid()))) {
          Files.delete(pidFile);
        }
      } catch (IOException e) {
        // Gone already, or unreadable: harmless, the next start sees that this process is gone.
      }
    }
  }

  @Override
  public void close() {
    if (stopOnExit != null) {
      try {
        Runtime.getRuntime().removeShutdownHook(stopOnExit);
      } catch (IllegalStateException alreadyExiting) {
        // The hook runs (or ran) anyway; stopping twice is harmless.
      }
    }
    stop();
  }
}
