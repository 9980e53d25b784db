package igor.e2e;

import static igor.testing.HttpApi.status;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import igor.app.IgorNode;
import igor.testing.HttpApi;
import igor.testing.Python;
import igor.testing.TemporaryDirectories;
import igor.testing.TestDatabase;
import igor.testing.TestNode;
import igor.testing.TestRedis;
import igor.testing.TestTime;
import igor.tracing.NodeTracing;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.redisson.api.RScoredSortedSet;
import org.redisson.client.codec.StringCodec;

/**
 * Python workers run the tasks of a real node that has no Java worker of its own: the example
 * (examples/python-worker, written only against docs/worker-protocol.md) with its built-in types as
 * a command, and Igor's Python SDK (sdk/python, package igor_sdk) with the handlers of
 * src/test/python/igor_test_worker.py for heartbeats, cancellation, retries, duplicate deliveries
 * and SIGTERM. Those handlers append a line per run to a file, so the tests wait for what the
 * worker did instead of sleeping. The SDK's own tests run in {@link PythonSdkTest}.
 */
class PythonWorkerTest {
  private static final String PYTHON = Python.PYTHON;
  private static final Path SCRIPT = Path.of("examples/python-worker/igor_worker.py");
  private static final Path TEST_WORKER = Path.of("src/test/python/igor_test_worker.py");
  private static final Path SDK_SOURCES = Path.of("sdk/python/src");
  private static final Duration WAIT = TestTime.scaled(Duration.ofSeconds(30));

  /** The lease of the node and of the test workers: short, so a task can outlive several. */
  private static final Duration LEASE = TestTime.scaled(Duration.ofSeconds(2));

  /** The node's spans (it traces: the worker must send each job's trace back). */
  private static final InMemorySpanExporter SPANS = InMemorySpanExporter.create();

  private static TestDatabase db;
  private static TestRedis redis;
  private static IgorNode node;
  private static HttpApi api;
  private static Process worker;
  private static Path workerLog;
  private final List<Process> testWorkers = new ArrayList<>();
  private final List<Path> testWorkerLogs = new ArrayList<>();
  private Path marks;

  @BeforeAll
  static void startNodeAndPythonWorker() throws IOException {
    Python.requireWithRedis();
    db = TestDatabase.create();
    redis = TestRedis.create();
    node =
        TestNode.start(
            db,
            redis,
            List.of(),
            Map.of("igor.worker.lease", LEASE.toMillis() + "ms"),
            NodeTracing.with(
                OpenTelemetrySdk.builder()
                    .setTracerProvider(
                        SdkTracerProvider.builder()
                            .addSpanProcessor(SimpleSpanProcessor.create(SPANS))
                            .build())
                    .build()));
    api = new HttpApi(node.httpPort());
    workerLog = Files.createTempFile("igor-python-worker", ".log");
    ProcessBuilder pb =
        new ProcessBuilder(
                PYTHON, SCRIPT.toString(), "--types", "py_upper,py_fail", "--lease", "5s")
            .redirectErrorStream(true)
            .redirectOutput(workerLog.toFile());
    pb.environment().put("IGOR_REDIS_URL", redis.url());
    pb.environment().put("IGOR_REDIS_KEY_PREFIX", redis.prefix());
    pb.environment().put("IGOR_API_URL", "http://127.0.0.1:" + node.httpPort());
    worker = pb.start();
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
  void pythonWorkerSendsTheJobsTraceBackOnItsReports() {
    String jobId =
        api.createJob(
            """
            {"layers": [{"tasks": [{"type": "py_upper", "args": "%s"}]}]}"""
                .formatted(base64("traced")));
    api.awaitJob(jobId, status("COMPLETED"), WAIT);

    List<SpanData> spans = SPANS.getFinishedSpanItems();
    SpanData created =
        spans.stream()
            .filter(s -> s.getName().equals("job create"))
            .filter(s -> s.getAttributes().asMap().containsValue(jobId))
            .findFirst()
            .orElseThrow();
    List<SpanData> applied =
        spans.stream()
            .filter(s -> s.getName().equals("job apply reports"))
            .filter(s -> s.getTraceId().equals(created.getTraceId()))
            .toList();
    assertThat(applied)
        .as("the job's decisions on the Python worker's reports, in the job's trace")
        .isNotEmpty()
        .allSatisfy(
            a ->
                assertThat(a.getLinks())
                    .as("linked to the span that handed the attempt out (echoed traceparent)")
                    .extracting(l -> l.getSpanContext().getSpanId())
                    .contains(created.getSpanId()));
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
    // it takes the reliable way: into an in-flight list of its own, under a heartbeat
    java.util.Set<String> takers =
        redis.client().<String>getSet(redis.prefix() + ":takers", StringCodec.INSTANCE).readAll();
    assertThat(takers).as("takers known to the nodes").isNotEmpty();
    assertThat(takers)
        .as("a taker whose heartbeat lives")
        .anyMatch(t -> redis.client().getBucket(redis.prefix() + ":taker:" + t).isExists());
    assertThat(worker.isAlive()).as("python worker still running:\n" + workerOutput()).isTrue();
  }

  @AfterEach
  void stopTestWorkers() throws Exception {
    for (Process p : testWorkers) {
      p.destroyForcibly().waitFor(15, TimeUnit.SECONDS);
    }
    for (Path log : testWorkerLogs) {
      Files.deleteIfExists(log);
    }
    if (marks != null) {
      TemporaryDirectories.delete(marks);
    }
  }

  @Test
  void heartbeatsKeepATaskThatRunsForSeveralLeasesOnItsFirstAttempt() throws IOException {
    startTestWorker("hb", 1, "10s");
    double seconds = LEASE.toMillis() * 3.5 / 1000;
    String jobId =
        createJob(
            task(
                "long",
                1,
                "{\"mark\": \"long\", \"act\": \"sleep\", \"seconds\": " + seconds + "}"));
    awaitTrue("the handler started", () -> runs("long").size() == 1);
    JsonNode running = onlyTask(awaitJob(jobId, job -> "RUNNING".equals(statusOf(onlyTask(job)))));
    String lease = jobId + "|" + running.path("id").asText() + "|1";
    Double firstExpiry = leases().getScore(lease);
    assertThat(firstExpiry).as("lease of the running attempt " + lease).isNotNull();
    awaitTrue(
        "the heartbeat pushed the lease's expiry forward",
        () -> {
          Double expiry = leases().getScore(lease);
          return expiry != null && expiry > firstExpiry;
        });

    JsonNode done =
        onlyTask(awaitJob(jobId, status("COMPLETED"), WAIT.plusMillis((long) (seconds * 1000))));
    assertThat(done.path("attempts").asInt()).as("no lost worker, no retry").isEqualTo(1);
    assertThat(done.path("message").asText()).isEmpty();
    assertThat(done.path("result").asText()).isEqualTo(base64("slept"));
    assertThat(runs("long")).containsExactly("1 hb");
    awaitTrue("the lease dropped with the final report", () -> leases().size() == 0);
  }

  @Test
  void aKillOfARunningTaskReachesThePythonHandlerWhichStops() throws IOException {
    startTestWorker("k", 2, "10s");
    String jobId = createJob(task("killed", 2, "{\"mark\": \"killed\", \"act\": \"block\"}"));
    awaitTrue("the handler started", () -> runs("killed").size() == 1);
    JsonNode running = onlyTask(awaitJob(jobId, job -> "RUNNING".equals(statusOf(onlyTask(job)))));

    HttpApi.Answer killed =
        api.patch(
            "/api/v1/kill",
            "[{\"kind\": \"Task\", \"id\": \"" + running.path("id").asText() + "\"}]");
    assertThat(killed.status()).as(killed.text()).isEqualTo(200);

    JsonNode task = onlyTask(awaitJob(jobId, status("ERRORED")));
    assertThat(task.path("status").asText()).isEqualTo("ERRORED");
    assertThat(task.path("message").asText()).isEqualTo("killed");
    assertThat(task.path("attempts").asInt()).as("a kill is not retried").isEqualTo(1);
    awaitTrue(
        "the handler saw the cancellation and stopped",
        () -> lines(marks.resolve("killed.cancelled")).equals(List.of("1 k")));
    awaitTrue("the stopped attempt's lease dropped", () -> leases().size() == 0);
    assertThat(runs("killed")).containsExactly("1 k");
  }

  @Test
  void aRetryableFailureIsRetriedAndANonRetryableOneEndsTheTaskAtOnce() throws IOException {
    startTestWorker("f", 2, "10s");
    String jobId =
        createJob(
            task("flaky", 1, "{\"mark\": \"flaky\", \"act\": \"fail\", \"retryable\": true}"),
            task("broken", 1, "{\"mark\": \"broken\", \"act\": \"fail\", \"retryable\": false}"));

    JsonNode job =
        awaitJob(
            jobId,
            j ->
                "ERRORED".equals(statusOf(taskNamed(j, "flaky")))
                    && "ERRORED".equals(statusOf(taskNamed(j, "broken"))));
    JsonNode flaky = taskNamed(job, "flaky");
    assertThat(flaky.path("attempts").asInt()).as("retried once: retries 1").isEqualTo(2);
    assertThat(flaky.path("message").asText()).isEqualTo("failed on purpose");
    assertThat(runs("flaky")).containsExactly("1 f", "2 f");
    JsonNode broken = taskNamed(job, "broken");
    assertThat(broken.path("attempts").asInt()).as("not retried: retryable false").isEqualTo(1);
    assertThat(broken.path("message").asText()).isEqualTo("failed on purpose");
    assertThat(runs("broken")).containsExactly("1 f");
  }

  @Test
  void aDuplicateDeliveryOfAnAttemptRunsOnlyOnce() throws IOException {
    startTestWorker("d", 2, "10s");
    String args = "{\"mark\": \"dup\", \"act\": \"gate\"}";
    String jobId = createJob(task("dup", 0, args));
    awaitTrue("the handler started", () -> runs("dup").size() == 1);
    JsonNode job = awaitJob(jobId, j -> "RUNNING".equals(statusOf(onlyTask(j))));
    JsonNode task = onlyTask(job);
    String deliveryId = task.path("queue_task_id").asText();
    assertThat(deliveryId).as("queue_task_id of the running task").isNotEmpty();
    String copy =
        """
        {"v":1,"job_id":"%s","layer_id":"%s","task_id":"%s","attempt":1,"delivery_id":"%s",\
        "type":"py_test","args":"%s"}"""
            .formatted(
                jobId,
                job.path("layers").get(0).path("id").asText(),
                task.path("id").asText(),
                deliveryId,
                base64(args));
    var queue =
        redis.client().<String>getList(redis.prefix() + ":queue:py_test", StringCodec.INSTANCE);

    queue.add(copy); // while the attempt runs, with a free slot to take it
    awaitTrue("the worker took the copy", () -> queue.size() == 0);
    Files.writeString(marks.resolve("dup.go"), "go");
    assertThat(onlyTask(awaitJob(jobId, status("COMPLETED"))).path("attempts").asInt())
        .isEqualTo(1);
    queue.add(copy); // and once more after it completed
    awaitTrue("the worker took the second copy", () -> queue.size() == 0);
    // The worker claims what it pops in order, so once a later task has run, both copies had
    // their turn: a copy run by mistake would have added its line before.
    String later = createJob(task("later", 0, "{\"mark\": \"later\", \"act\": \"done\"}"));
    awaitJob(later, status("COMPLETED"));

    assertThat(runs("dup")).as("the copies were dropped, not run").containsExactly("1 d");
    JsonNode after = onlyTask(awaitJob(jobId, status("COMPLETED")));
    assertThat(after.path("attempts").asInt()).isEqualTo(1);
    assertThat(after.path("result").asText()).isEqualTo(base64("done"));
  }

  @Test
  void sigtermGivesTheRunningAttemptBackAndAnotherWorkerCompletesItWithoutARetry()
      throws Exception {
    Process stopping = startTestWorker("a", 1, "500ms");
    String jobId =
        createJob(
            task("given", 0, "{\"mark\": \"given\", \"act\": \"block\", \"first_only\": true}"));
    awaitTrue("the handler started on worker a", () -> runs("given").equals(List.of("1 a")));
    awaitJob(jobId, j -> "RUNNING".equals(statusOf(onlyTask(j))));
    startTestWorker("b", 1, "10s");

    stopping.destroy(); // SIGTERM
    assertThat(stopping.waitFor(WAIT.toMillis(), TimeUnit.MILLISECONDS))
        .as("worker a stops after its grace time:\n" + testWorkerOutput())
        .isTrue();
    assertThat(stopping.exitValue()).as(testWorkerOutput()).isZero();

    JsonNode task = onlyTask(awaitJob(jobId, status("COMPLETED")));
    assertThat(task.path("attempts").asInt())
        .as("attempt 1 given back, attempt 2 completed, with retries 0")
        .isEqualTo(2);
    assertThat(task.path("result").asText()).isEqualTo(base64("done"));
    assertThat(runs("given")).containsExactly("1 a", "2 b");
    assertThat(lines(marks.resolve("given.cancelled")))
        .as("the handler on worker a saw the stop")
        .containsExactly("1 a");
    assertThat(testWorkerOutput()).contains("kind=released");
    awaitTrue("no lease left", () -> leases().size() == 0);
  }

  /**
   * Starts src/test/python/igor_test_worker.py (a worker of the Python SDK) as worker `name`, with
   * the node's lease.
   */
  private Process startTestWorker(String name, int concurrency, String shutdownGrace)
      throws IOException {
    if (marks == null) {
      marks = TemporaryDirectories.create("igor-python-marks");
    }
    Path log = Files.createTempFile("igor-python-test-worker-" + name, ".log");
    testWorkerLogs.add(log);
    ProcessBuilder pb =
        new ProcessBuilder(
                PYTHON,
                TEST_WORKER.toString(),
                "--marks",
                marks.toString(),
                "--name",
                name,
                "--concurrency",
                String.valueOf(concurrency),
                "--lease",
                LEASE.toMillis() + "ms",
                "--shutdown-grace",
                shutdownGrace)
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    pb.environment().put("PYTHONPATH", SDK_SOURCES.toString());
    pb.environment().put("PYTHONDONTWRITEBYTECODE", "1"); // no __pycache__ in the source tree
    pb.environment().put("IGOR_REDIS_URL", redis.url());
    pb.environment().put("IGOR_REDIS_KEY_PREFIX", redis.prefix());
    Process p = pb.start();
    testWorkers.add(p);
    return p;
  }

  /** A task of the test worker's type `py_test`, its args the JSON given. */
  private static String task(String name, int retries, String argsJson) {
    return "{\"name\": \"%s\", \"type\": \"py_test\", \"args\": \"%s\", \"retries\": %d}"
        .formatted(name, base64(argsJson), retries);
  }

  private static String createJob(String... tasks) {
    HttpApi.Answer created =
        api.post("/api/v1/jobs", "{\"layers\": [{\"tasks\": [" + String.join(", ", tasks) + "]}]}");
    assertThat(created.status()).as(created.text()).isEqualTo(200);
    return created.body().path("id").asText();
  }

  private JsonNode awaitJob(String jobId, Predicate<JsonNode> condition) {
    return awaitJob(jobId, condition, WAIT);
  }

  private JsonNode awaitJob(String jobId, Predicate<JsonNode> condition, Duration bound) {
    try {
      return api.awaitJob(jobId, condition, bound);
    } catch (AssertionError e) {
      throw new AssertionError(e.getMessage() + "\npython workers said:\n" + testWorkerOutput(), e);
    }
  }

  private void awaitTrue(String what, BooleanSupplier condition) {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        fail("not within " + WAIT + ": " + what + "\npython workers said:\n" + testWorkerOutput());
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
  }

  private static JsonNode onlyTask(JsonNode job) {
    JsonNode tasks = job.path("layers").get(0).path("tasks");
    assertThat(tasks.size()).isEqualTo(1);
    return tasks.get(0);
  }

  private static JsonNode taskNamed(JsonNode job, String name) {
    for (JsonNode t : job.path("layers").get(0).path("tasks")) {
      if (name.equals(t.path("name").asText())) {
        return t;
      }
    }
    throw new AssertionError("no task named " + name + " in " + job);
  }

  private static String statusOf(JsonNode task) {
    return task.path("status").asText();
  }

  private static RScoredSortedSet<String> leases() {
    return redis.client().getScoredSortedSet(redis.prefix() + ":leases", StringCodec.INSTANCE);
  }

  /** The runs of the tasks with this mark: "<attempt> <worker name>", one line each. */
  private List<String> runs(String mark) {
    return lines(marks.resolve(mark + ".runs"));
  }

  /** The file's complete lines (none while it does not exist). */
  private static List<String> lines(Path file) {
    try {
      if (!Files.exists(file)) {
        return List.of();
      }
      String text = Files.readString(file);
      int end = text.lastIndexOf('\n');
      return end < 0 ? List.of() : List.of(text.substring(0, end).split("\n"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private String testWorkerOutput() {
    StringBuilder out = new StringBuilder();
    for (Path log : testWorkerLogs) {
      try {
        out.append("--- ").append(log.getFileName()).append('\n').append(Files.readString(log));
      } catch (IOException e) {
        out.append("(cannot read ").append(log).append(": ").append(e.getMessage()).append(")\n");
      }
    }
    return out.toString();
  }

  private static String base64(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }

  private static String workerOutput() throws IOException {
    return Files.readString(workerLog);
  }
}
