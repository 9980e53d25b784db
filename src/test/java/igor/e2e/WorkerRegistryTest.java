package igor.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import igor.app.IgorNode;
import igor.testing.CountingHandler;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.redisson.client.codec.StringCodec;

/**
 * The worker registry with real processes: the Java worker of a node and Python worker processes
 * (examples/python-worker) announce themselves and are listed by GET /api/v1/workers; one that is
 * killed is shown gone within a lease, one stopped with SIGTERM is shown stopped; a task of a type
 * no live worker takes says why it waits.
 */
class WorkerRegistryTest {
  private static final String PYTHON = "/usr/bin/python3";
  private static final Path SCRIPT = Path.of("examples/python-worker/igor_worker.py");
  private static final Duration WAIT = TestTime.scaled(Duration.ofSeconds(30));
  private static final Duration LEASE = TestTime.scaled(Duration.ofSeconds(2));

  private static TestDatabase db;
  private static TestRedis redis;
  private static IgorNode node;
  private static HttpApi api;
  private final List<Process> pythons = new ArrayList<>();
  private final List<Path> logs = new ArrayList<>();

  @BeforeAll
  static void startNodeWithAJavaWorker() {
    db = TestDatabase.create();
    redis = TestRedis.create();
    node =
        TestNode.start(
            db,
            redis,
            List.of(new CountingHandler("java_type", 0)),
            Map.of("igor.worker.lease", LEASE.toMillis() + "ms"));
    api = new HttpApi(node.httpPort());
  }

  @AfterAll
  static void stopAll() {
    if (node != null) {
      node.close();
    }
    if (redis != null) {
      redis.close();
    }
    if (db != null) {
      db.close();
    }
  }

  @AfterEach
  void stopPythonWorkers() throws Exception {
    for (Process p : pythons) {
      p.destroyForcibly().waitFor(15, TimeUnit.SECONDS);
    }
    for (Path log : logs) {
      Files.deleteIfExists(log);
    }
  }

  @Test
  void theNodesJavaWorkerAndAPythonWorkerProcessAreBothListedLiveWithTheirTypes()
      throws IOException {
    Process python = startPython("registry-py", "py_upper,py_fail");

    JsonNode listed =
        awaitWorkers(w -> worker(w, "registry-py") != null && live(w) >= 2, "both workers live");

    JsonNode py = worker(listed, "registry-py");
    assertThat(py.path("status").asText()).isEqualTo("live");
    assertThat(py.path("pid").asLong()).isEqualTo(python.pid());
    assertThat(py.path("sdk").asText()).isEqualTo("igor-python-example");
    assertThat(py.path("protocol").asInt()).isEqualTo(2);
    assertThat(py.path("types").path("py_upper").asInt()).isEqualTo(2);
    assertThat(py.path("types").path("py_fail").asInt()).isEqualTo(2);
    assertThat(py.path("heartbeat_ms").asLong()).isEqualTo(LEASE.toMillis());
    JsonNode java = javaWorker(listed);
    assertThat(java).as("the node's own worker: %s", listed).isNotNull();
    assertThat(java.path("status").asText()).isEqualTo("live");
    assertThat(java.path("pid").asLong()).isEqualTo(ProcessHandle.current().pid());
    assertThat(java.path("types").has("java_type")).isTrue();
    assertThat(java.path("in_flight").asInt()).isZero();
    assertThat(listed.path("live_by_type").path("py_upper").asInt()).isEqualTo(1);
    assertThat(listed.path("live_by_type").path("java_type").asInt()).isEqualTo(1);
    assertThat(listed.path("unannounced")).as("every taker announced itself").isEmpty();
    HttpApi.Answer metrics =
        api.awaitGet(
            "/metrics",
            a -> a.text().contains("igor_workers_by_type{type=\"py_upper\"} 1.0"),
            WAIT);
    assertThat(metrics.text())
        .as("the two, and those of other tests for a lease after them")
        .containsPattern("(?m)^igor_workers [2-9]\\.0$");

    String key = redis.prefix() + ":worker:" + py.path("id").asText();
    long ttl = redis.client().getBucket(key, StringCodec.INSTANCE).remainTimeToLive();
    assertThat(ttl)
        .as("a worker's hash lives at most ten leases after its last heartbeat")
        .isPositive()
        .isLessThanOrEqualTo(10 * LEASE.toMillis());
  }

  @Test
  void aKilledWorkerIsShownGoneWithinALeaseAndAStoppedOneStopped() throws Exception {
    Process killed = startPython("registry-killed", "py_upper");
    Process stopped = startPython("registry-stopped", "py_upper");
    awaitWorkers(
        w ->
            "live".equals(statusOf(w, "registry-killed"))
                && "live".equals(statusOf(w, "registry-stopped")),
        "both Python workers live");

    killed.destroyForcibly().waitFor(15, TimeUnit.SECONDS);
    long killedAt = System.nanoTime();
    JsonNode gone =
        awaitWorkers(w -> "gone".equals(statusOf(w, "registry-killed")), "the killed one gone");
    Duration tookToShow = Duration.ofNanos(System.nanoTime() - killedAt);
    assertThat(tookToShow)
        .as("shown gone within a lease of its death (and a poll of the test)")
        .isLessThanOrEqualTo(LEASE.plus(TestTime.scaled(Duration.ofMillis(1500))));
    assertThat(worker(gone, "registry-killed").path("last_seen_ago_ms").asLong())
        .isGreaterThan(LEASE.toMillis());

    stopped.destroy(); // SIGTERM: a graceful stop
    assertThat(stopped.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
    JsonNode after =
        awaitWorkers(
            w -> "stopped".equals(statusOf(w, "registry-stopped")), "the stopped one stopped");
    assertThat(after.path("live_by_type").has("py_upper")).isFalse();
  }

  @Test
  void aTaskOfATypeNoLiveWorkerTakesSaysWhyItWaitsAndStopsSayingSoOnceAWorkerComes()
      throws IOException {
    String jobId =
        api.createJob(
            "{\"name\": \"waits\", \"layers\": [{\"tasks\": [{\"type\": \"py_fail\"}]}]}");
    JsonNode job =
        api.awaitJob(
            jobId, j -> onlyTask(j).path("waiting_reason").asText().contains("py_fail"), WAIT);
    JsonNode task = onlyTask(job);
    assertThat(task.path("status").asText()).isEqualTo("QUEUED");
    assertThat(task.path("waiting_reason").asText())
        .isEqualTo("no live worker takes type \"py_fail\"");
    assertThat(job.path("waiting_reason").asText())
        .isEqualTo("1 queued task waits for a type no live worker takes: py_fail");
    HttpApi.Answer one =
        api.awaitGet(
            "/api/v1/tasks/" + task.path("id").asText(), a -> a.body().has("waiting_reason"), WAIT);
    assertThat(one.body().path("waiting_reason").asText()).contains("py_fail");

    startPython("registry-late", "py_fail");
    JsonNode ended = api.awaitJob(jobId, HttpApi.status("ERRORED"), WAIT);
    assertThat(onlyTask(ended).has("waiting_reason")).isFalse();
    assertThat(ended.has("waiting_reason")).isFalse();
  }

  private static JsonNode onlyTask(JsonNode job) {
    return job.path("layers").path(0).path("tasks").path(0);
  }

  private Process startPython(String name, String types) throws IOException {
    Path log = Files.createTempFile("igor-registry-worker", ".log");
    logs.add(log);
    ProcessBuilder pb =
        new ProcessBuilder(
                PYTHON,
                SCRIPT.toString(),
                "--types",
                types,
                "--name",
                name,
                "--concurrency",
                "2",
                "--lease",
                LEASE.toMillis() + "ms",
                "--shutdown-grace",
                "1s")
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    pb.environment().put("IGOR_REDIS_URL", redis.url());
    pb.environment().put("IGOR_REDIS_KEY_PREFIX", redis.prefix());
    pb.environment().put("IGOR_API_URL", "http://127.0.0.1:" + node.httpPort());
    Process p = pb.start();
    pythons.add(p);
    return p;
  }

  private JsonNode awaitWorkers(Predicate<JsonNode> condition, String what) {
    try {
      return api.awaitGet("/api/v1/workers", a -> condition.test(a.body()), WAIT).body();
    } catch (AssertionError e) {
      StringBuilder said = new StringBuilder();
      for (Path log : logs) {
        try {
          said.append(Files.readString(log, StandardCharsets.UTF_8));
        } catch (IOException io) {
          said.append(io);
        }
      }
      throw new AssertionError(what + ": " + e.getMessage() + "\nPython said:\n" + said, e);
    }
  }

  private static JsonNode worker(JsonNode listed, String name) {
    for (JsonNode w : listed.path("workers")) {
      if (w.path("name").asText().equals(name)) {
        return w;
      }
    }
    return null;
  }

  private static JsonNode javaWorker(JsonNode listed) {
    for (JsonNode w : listed.path("workers")) {
      if (w.path("sdk").asText().equals("igor-java")) {
        return w;
      }
    }
    return null;
  }

  private static String statusOf(JsonNode listed, String name) {
    JsonNode w = worker(listed, name);
    return w == null ? null : w.path("status").asText();
  }

  private static int live(JsonNode listed) {
    return listed.path("live").asInt();
  }
}
