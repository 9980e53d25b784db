package igor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import igor.testing.HttpApi;
import igor.testing.IgorProcess;
import igor.testing.TemporaryDirectories;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Ctrl-C on `igor dev`, as a terminal sends it: SIGINT to the whole foreground process group. The
 * embedded PostgreSQL and Redis must not get it (they run in sessions of their own); the node stops
 * first, giving back the attempt it runs, and the servers last.
 */
class DevInterruptTest {
  private static final Duration START_TIMEOUT = Duration.ofSeconds(120);
  private static final Pattern STACK_FRAME = Pattern.compile("^\\s+at [\\w$.]+\\(.*\\)$");

  private final Path dataDir = TemporaryDirectories.create("igor-dev-interrupt");
  private final Path logs = dataDir.resolve("logs");
  private final int httpPort = freePort();
  private IgorProcess dev;

  @AfterEach
  void stopAndRemove() {
    if (dev != null && dev.isAlive()) {
      // SIGTERM, so that the embedded servers are stopped too (a SIGKILL would leave them).
      dev.terminate(Duration.ofSeconds(60));
    }
    TemporaryDirectories.delete(dataDir);
  }

  @Test
  void ctrlCStopsWithinTenSecondsWithoutAStackTraceAndTheRunningTaskCompletesAfterARestart()
      throws IOException {
    Path firstLog = logs.resolve("first.log");
    dev = startDev("first", firstLog);
    assertThat(dev.ignoresSigint()).as("the dev JVM handles SIGINT as from a terminal").isFalse();
    HttpApi api = awaitHealthy(dev);
    String jobId =
        api.createJob(
            "{\"name\": \"interrupted\", \"layers\": [{\"tasks\": ["
                + "{\"type\": \"sleep\", \"args\": \""
                + Base64.getEncoder().encodeToString("6".getBytes(StandardCharsets.UTF_8))
                + "\"}]}]}");
    api.awaitJob(jobId, job -> taskStatus(job).equals("RUNNING"), Duration.ofSeconds(30));

    long interrupted = System.nanoTime();
    dev.interruptGroup();
    dev.awaitExitWithin(Duration.ofSeconds(10));
    long stopMillis = (System.nanoTime() - interrupted) / 1_000_000;

    String firstOutput = Files.readString(firstLog, StandardCharsets.UTF_8);
    assertThat(firstOutput.lines().filter(line -> STACK_FRAME.matcher(line).matches()))
        .as("stack frames in the output of igor dev:\n" + firstOutput)
        .isEmpty();
    assertThat(firstOutput).contains("igor dev: stopped in");
    assertThat(dataDir.resolve("dev/postgres/postmaster.pid"))
        .as("PostgreSQL stopped with the node")
        .doesNotExist();
    assertThat(dataDir.resolve("dev/redis/redis.pid"))
        .as("Redis stopped with the node")
        .doesNotExist();

    dev = startDev("second", logs.resolve("second.log"));
    JsonNode done =
        awaitHealthy(dev)
            .awaitJob(
                jobId,
                job -> List.of("COMPLETED", "ERRORED").contains(taskStatus(job)),
                Duration.ofSeconds(60));
    assertThat(done.path("layers").get(0).path("tasks").get(0).path("message").asText())
        .as("the task after the restart")
        .doesNotContain("lost worker");
    assertThat(taskStatus(done)).isEqualTo("COMPLETED");
    System.out.printf("[dev interrupt] igor dev exited %d ms after SIGINT%n", stopMillis);
  }

  private IgorProcess startDev(String name, Path log) {
    return IgorProcess.startAsForegroundJob(
        name,
        "dev",
        Map.of(
            "IGOR_DATA_DIR", dataDir.resolve("dev").toString(),
            "IGOR_HTTP_PORT", Integer.toString(httpPort)),
        List.of("-Xmx512m"),
        log);
  }

  private HttpApi awaitHealthy(IgorProcess process) {
    HttpApi api = new HttpApi(httpPort);
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new AssertionError("igor dev exited\n" + process.logTail());
      }
      try {
        if (api.get("/readyz").status() == 200) {
          return api;
        }
      } catch (IllegalStateException notListeningYet) {
        // The node is still starting.
      }
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    throw new AssertionError(
        "igor dev not ready within " + START_TIMEOUT + "\n" + process.logTail());
  }

  private static String taskStatus(JsonNode job) {
    return job.path("layers").get(0).path("tasks").get(0).path("status").asText();
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
