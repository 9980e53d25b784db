package igor.devmode;

import static org.assertj.core.api.Assertions.assertThat;

import igor.testing.TemporaryDirectories;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class EmbeddedRedisServerTest {
  private final Path dataDir = TemporaryDirectories.create("igor-embedded-redis");

  @AfterEach
  void removeData() {
    TemporaryDirectories.delete(dataDir);
  }

  @Test
  void runsInASessionOfItsOwnSoThatATerminalsCtrlCDoesNotReachIt() throws IOException {
    try (EmbeddedRedisServer server = EmbeddedRedisServer.start(dataDir, 0, false)) {
      long pid = pid();
      assertThat(answersPing(server.port())).isTrue();
      assertThat(sessionOf(pid))
          .isEqualTo(pid)
          .isNotEqualTo(sessionOf(ProcessHandle.current().pid()));
    }
    assertThat(dataDir.resolve("redis.pid")).as("removed when it stopped").doesNotExist();
  }

  @Test
  void stopsTheServerLeftRunningOnItsDataDirectoryByAProcessThatDied() throws IOException {
    EmbeddedRedisServer leftover = EmbeddedRedisServer.start(dataDir, 0, false);
    long leftoverPid = pid();
    // As if the JVM that started it had been killed: nobody closes it, the pid file stays.
    try (EmbeddedRedisServer server = EmbeddedRedisServer.start(dataDir, 0, false)) {
      Optional<ProcessHandle> old = ProcessHandle.of(leftoverPid);
      assertThat(old.isEmpty() || !old.get().isAlive()).as("the leftover was stopped").isTrue();
      assertThat(pid()).isNotEqualTo(leftoverPid);
      assertThat(answersPing(server.port())).isTrue();
    } finally {
      leftover.close();
    }
  }

  @Test
  void aServerWithoutDataDirectoryAnswersAndStops() {
    EmbeddedRedisServer server = EmbeddedRedisServer.start(null);
    int port = server.port();
    assertThat(answersPing(port)).isTrue();
    server.close();
    assertThat(answersPing(port)).isFalse();
  }

  private long pid() throws IOException {
    return Long.parseLong(Files.readString(dataDir.resolve("redis.pid")).trim());
  }

  /** The session id, field 6 of /proc/PID/stat (after the command in parentheses). */
  private static long sessionOf(long pid) throws IOException {
    String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return Long.parseLong(fields[3]);
  }

  private static boolean answersPing(int port) {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout((int) Duration.ofSeconds(5).toMillis());
      socket.getOutputStream().write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
      byte[] reply = socket.getInputStream().readNBytes(5);
      return new String(reply, StandardCharsets.US_ASCII).equals("+PONG");
    } catch (IOException e) {
      return false;
    }
  }
}
