package igor.e2e;

import static igor.testing.HttpApi.status;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import igor.app.IgorNode;
import igor.testing.HttpApi;
import igor.testing.TestDatabase;
import igor.testing.TestNode;
import igor.testing.TestRedis;
import igor.testing.TestTime;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The example Python worker (examples/python-worker), written only against docs/worker-protocol.md,
 * runs the tasks of a real node that has no Java worker of its own.
 */
class PythonWorkerTest {
  private static final String PYTHON = "/usr/bin/python3";
  private static final Path SCRIPT = Path.of("examples/python-worker/igor_worker.py");
  private static final Duration WAIT = TestTime.scaled(Duration.ofSeconds(30));
  private static TestDatabase db;
  private static TestRedis redis;
  private static IgorNode node;
  private static HttpApi api;
  private static Process worker;
  private static Path workerLog;

  @BeforeAll
  static void startNodeAndPythonWorker() throws IOException {
    requirePythonWithRedis();
    db = TestDatabase.create();
    redis = TestRedis.create();
    node = TestNode.start(db, redis, List.of());
    api = new HttpApi(node.httpPort());
    workerLog = Files.createTempFile("igor-python-worker", ".log");
    ProcessBuilder pb =
        new ProcessBuilder(PYTHON, SCRIPT.toString(), "--types", "py_upper,py_fail", "--lease", "5s")
            .redirectErrorStream(true)
            .redirectOutput(workerLog.toFile());
    pb.environment().put("IGOR_REDIS_URL", redis.url());
    pb.environment().put("IGOR_REDIS_KEY_PREFIX", redis.prefix());
    pb.environment().put("IGOR_API_URL", "http://127.0.0.1:" + node.httpPort());
    worker = pb.start();
  }

  /** Fails (never skips) when the interpreter or its redis module is missing: CI installs them. */
  private static void requirePythonWithRedis() {
    if (!Files.isExecutable(Path.of(PYTHON))) {
      fail(PYTHON + " is missing: install python3 and python3-redis (apt-get install -y python3-redis)");
    }
    try {
      Process check =
          new ProcessBuilder(PYTHON, "-c", "import redis").redirectErrorStream(true).start();
      String output = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!check.waitFor(30, TimeUnit.SECONDS) || check.exitValue() != 0) {
        fail(
            PYTHON
                + " cannot import the redis module: install python3-redis"
                + " (apt-get install -y python3-redis); .ci/run does so. Python said: "
                + output.strip());
      }
    } catch (IOException e) {
      fail("could not run " + PYTHON + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      fail("interrupted while checking " + PYTHON, e);
    }
  }

  @AfterAll
  static void stopAll() throws Exception {
    if (worker != null) {
      worker.destroy();
      if (!worker.waitFor(15, TimeUnit.SECONDS)) {
        worker.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    }
    if (node != null) {
      node.close();
    }
    if (redis != null) {
      redis.close();
    }
    if (db != null) {
      db.close();
    }
    if (workerLog != null) {
      Files.deleteIfExists(workerLog);
    }
  }

  @Test
  void pythonWorkerCompletesOneTaskAndFailsTheOtherForGoodSoTheJobEndsErrored() throws IOException {
    HttpApi.Answer created =
        api.post(
            "/api/v1/jobs",
            """
            {"name": "python", "layers": [{"tasks": [
              {"name": "upper", "type": "py_upper", "args": "%s", "retries": 2},
              {"name": "fail", "type": "py_fail", "args": "%s", "retries": 2}
            ]}]}"""
                .formatted(base64("hello igor"), base64("disk full")));
    assertThat(created.status()).as(created.text()).isEqualTo(200);
    String jobId = created.body().path("id").asText();

    JsonNode job;
    try {
      job = api.awaitJob(jobId, status("ERRORED"), WAIT);
    } catch (AssertionError e) {
      throw new AssertionError(e.getMessage() + "\npython worker said:\n" + workerOutput(), e);
    }

    Map<String, JsonNode> tasks = new HashMap<>();
    job.path("layers").get(0).path("tasks").forEach(t -> tasks.put(t.path("name").asText(), t));
    JsonNode upper = tasks.get("upper");
    assertThat(upper.path("status").asText()).isEqualTo("COMPLETED");
    assertThat(upper.path("result").asText()).isEqualTo(base64("HELLO IGOR"));
    assertThat(upper.path("attempts").asInt()).isEqualTo(1);
    JsonNode failed = tasks.get("fail");
    assertThat(failed.path("status").asText()).isEqualTo("ERRORED");
    assertThat(failed.path("message").asText()).isEqualTo("disk full");
    assertThat(failed.path("attempts").asInt()).as("not retried: retryable false").isEqualTo(1);
    assertThat(job.path("layers").get(0).path("status").asText()).isEqualTo("ERRORED");
    assertThat(redis.client().getScoredSortedSet(redis.prefix() + ":leases").size())
        .as("leases dropped with the final reports")
        .isZero();
    assertThat(worker.isAlive()).as("python worker still running:\n" + workerOutput()).isTrue();
  }

  private static String base64(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }

  private static String workerOutput() throws IOException {
    return Files.readString(workerLog);
  }
}
