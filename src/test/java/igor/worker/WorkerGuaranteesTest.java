package igor.worker;

import static igor.testing.HttpApi.status;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import igor.app.IgorNode;
import igor.testing.CountingHandler;
import igor.testing.HttpApi;
import igor.testing.Journal;
import igor.testing.StoppableHandler;
import igor.testing.TestDatabase;
import igor.testing.TestNode;
import igor.testing.TestRedis;
import igor.testing.TestTime;
import igor.worker.api.BatchContext;
import igor.worker.api.BatchTaskHandler;
import igor.worker.api.TaskContext;
import igor.worker.api.TaskFailedException;
import igor.worker.api.TaskHandler;
import igor.worker.api.TaskSpec;
import igor.worker.api.Worker;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What workers guarantee, with workers built from the SDK (and one separate worker process) against
 * a real node, PostgreSQL and Redis: leases, time-outs, kill, retries and back-off, Redis losing
 * its data, shared queues, batches, adding tasks from a handler, and giving work back on stop.
 */
class WorkerGuaranteesTest {
  private static final Duration LEASE = Duration.ofSeconds(2);
  private static final Duration WAIT = TestTime.scaled(Duration.ofSeconds(40));
  private static TestDatabase db;
  private static TestRedis redis;
  private static IgorNode node;
  private static HttpApi api;

  @BeforeAll
  static void startNode() {
    db = TestDatabase.create();
    redis = TestRedis.create();
    node =
        TestNode.start(
            db,
            redis,
            List.of(),
            Map.of(
                "igor.worker.lease", "2s",
                "igor.worker.lease-check-interval", "200ms",
                "igor.worker.queue-check-interval", "300ms",
                "igor.jobs.retry-initial-delay", "300ms",
                "igor.jobs.retry-max-delay", "1s"));
    api = new HttpApi(node.httpPort());
  }

  @AfterAll
  static void stopNode() {
    node.close();
    redis.close();
    db.close();
  }

  private static Worker.Builder worker() {
    return Worker.connect(redis.url())
        .keyPrefix(redis.prefix())
        .lease(LEASE)
        .apiUrl("http://127.0.0.1:" + node.httpPort())
        .shutdownGrace(Duration.ofSeconds(2));
  }

  private static JsonNode create(String body) {
    HttpApi.Answer a = api.post("/api/v1/jobs", body);
    assertThat(a.status()).as(a.text()).isEqualTo(200);
    return a.body();
  }

  private static JsonNode await(JsonNode job, java.util.function.Predicate<JsonNode> condition) {
    return api.awaitJob(job.path("id").asText(), condition, WAIT);
  }

  private static JsonNode task(JsonNode job, int layer, int task) {
    return job.path("layers").get(layer).path("tasks").get(task);
  }

  private static String taskStatus(JsonNode job) {
    return task(job, 0, 0).path("status").asText();
  }

  private static String base64(String text) {
    return java.util.Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void attemptOfAWorkerProcessKilledMidTaskIsLostAfterItsLeaseAndRunsOnAnotherWorker()
      throws Exception {
    JsonNode job =
        create(
            "{\"layers\": [{\"tasks\": [{\"type\": \"sleep\", \"args\": \""
                + base64("60")
                + "\", \"retries\": 1}]}]}");
    Process process = startWorkerProcess("sleep");
    try {
      await(job, j -> taskStatus(j).equals("RUNNING"));
    } finally {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
    TaskHandler quickSleep = handler("sleep", context -> null);

    try (Worker other = worker().register(quickSleep).start()) {
      JsonNode done = await(job, status("COMPLETED"));
      assertThat(task(done, 0, 0).path("attempts").asInt()).isEqualTo(2);
      assertThat(Journal.events(db, job.path("id").asText()))
          .anySatisfy(
              e -> {
                assertThat(e.type()).isEqualTo("TaskFailed");
                assertThat(e.json().path("message").asText()).isEqualTo("lost worker");
              });
    }
  }

  @Test
  void workerProcessStoppedBySigtermGivesItsAttemptBackAndExitsWithinItsGrace() throws Exception {
    JsonNode job =
        create(
            "{\"layers\": [{\"tasks\": [{\"type\": \"sleep\", \"args\": \""
                + base64("60")
                + "\", \"retries\": 0}]}]}");
    Process process = startWorkerProcess("sleep", "IGOR_WORKER_SHUTDOWN_GRACE", "1s");
    long stopAsked;
    try {
      await(job, j -> taskStatus(j).equals("RUNNING"));
      stopAsked = System.nanoTime();
      process.destroy();
      assertThat(process.waitFor(15, TimeUnit.SECONDS)).as("exited within 15 s").isTrue();
    } finally {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
    long stoppedInMillis = (System.nanoTime() - stopAsked) / 1_000_000;

    try (Worker other = worker().register(handler("sleep", context -> null)).start()) {
      JsonNode done = await(job, status("COMPLETED"));
      assertThat(task(done, 0, 0).path("attempts").asInt())
          .as("given back, not failed: the task has no retries and still completes")
          .isEqualTo(2);
    }
    assertThat(stoppedInMillis)
        .as("grace 1 s + at most 5 s for handlers to stop")
        .isLessThan(6_500);
    assertThat(Journal.events(db, job.path("id").asText()))
        .noneSatisfy(e -> assertThat(e.json().path("message").asText()).isEqualTo("lost worker"));
  }

  @Test
  void steadyStreamOfOneTypeDoesNotStarveAnotherTypeOfTheSameWorker() {
    java.util.concurrent.atomic.AtomicInteger busyDone =
        new java.util.concurrent.atomic.AtomicInteger();
    java.util.concurrent.atomic.AtomicInteger busyDoneWhenRareRan =
        new java.util.concurrent.atomic.AtomicInteger(-1);
    TaskHandler busy =
        handler(
            "busy",
            context -> {
              Thread.sleep(5);
              busyDone.incrementAndGet();
              return null;
            });
    TaskHandler rare =
        handler(
            "rare",
            context -> {
              busyDoneWhenRareRan.set(busyDone.get());
              return null;
            });
    String busyTasks = String.join(",", java.util.Collections.nCopies(300, "{\"type\": \"busy\"}"));
    JsonNode job = create("{\"layers\": [{\"tasks\": [" + busyTasks + ", {\"type\": \"rare\"}]}]}");

    try (Worker worker = worker().concurrency(1).register(busy).register(rare).start()) {
      await(job, status("COMPLETED"));
    }

    assertThat(busyDoneWhenRareRan.get())
        .as("busy tasks done before the one rare task ran (of 300)")
        .isBetween(0, 50);
  }

  @Test
  void attemptThatOutlivesItsTimeOutFailsAndItsHandlerIsStopped() {
    StoppableHandler waiting = new StoppableHandler();
    try (Worker w = worker().register(waiting).start()) {
      JsonNode job = create("{\"layers\": [{\"tasks\": [{\"type\": \"wait\", \"timeout\": 1}]}]}");

      JsonNode done = await(job, status("ERRORED"));

      assertThat(task(done, 0, 0).path("message").asText()).isEqualTo("timed out");
      assertThat(task(done, 0, 0).path("timeout").asInt()).isEqualTo(1);
      awaitTrue(() -> waiting.stopped().contains(task(job, 0, 0).path("id").asText() + "/1"));
    }
  }

  @Test
  void killOfARunningTaskStopsItsHandler() {
    StoppableHandler waiting = new StoppableHandler();
    try (Worker w = worker().register(waiting).start()) {
      JsonNode job = create("{\"layers\": [{\"tasks\": [{\"type\": \"wait\"}]}]}");
      String attempt = task(job, 0, 0).path("id").asText() + "/1";
      awaitTrue(() -> waiting.started().contains(attempt));

      HttpApi.Answer killed =
          api.send(
              java.net.http.HttpRequest.newBuilder(
                      java.net.URI.create("http://127.0.0.1:" + node.httpPort() + "/api/v1/kill"))
                  .method(
                      "PATCH",
                      java.net.http.HttpRequest.BodyPublishers.ofString(
                          "[{\"kind\": \"Task\", \"id\": \""
                              + task(job, 0, 0).path("id").asText()
                              + "\"}]")));
      assertThat(killed.body().path("updated").asInt()).isEqualTo(1);
      // The "wait" handler runs a minute unless stopped, and WAIT is shorter than that: only the
      // kill reaching the handler lets this pass. How fast it does is igor bench's to measure.
      awaitTrue(() -> waiting.stopped().contains(attempt));
      assertThat(WAIT).isLessThan(Duration.ofMinutes(1));
    }
  }

  @Test
  void failedAttemptsWaitTheirBackOffAndANonRetryableFailureEndsTheTaskAtOnce() {
    TaskHandler failing =
        handler(
            "fails",
            context -> {
              throw new TaskFailedException("try again");
            });
    TaskHandler failingForGood =
        handler(
            "fails-for-good",
            context -> {
              throw new TaskFailedException("no use", false);
            });
    try (Worker w = worker().register(failing).register(failingForGood).start()) {
      JsonNode retried =
          create("{\"layers\": [{\"tasks\": [{\"type\": \"fails\", \"retries\": 2}]}]}");
      JsonNode once =
          create("{\"layers\": [{\"tasks\": [{\"type\": \"fails-for-good\", \"retries\": 5}]}]}");

      JsonNode errored = await(retried, status("ERRORED"));
      JsonNode erroredOnce = await(once, status("ERRORED"));

      assertThat(task(errored, 0, 0).path("attempts").asInt()).isEqualTo(3);
      assertThat(task(erroredOnce, 0, 0).path("attempts").asInt()).isEqualTo(1);
      assertThat(task(erroredOnce, 0, 0).path("message").asText()).isEqualTo("no use");
      List<Long> waits = new ArrayList<>();
      long failedAt = 0;
      for (Journal.Entry e : Journal.events(db, retried.path("id").asText())) {
        if (e.type().equals("TaskFailed")) {
          failedAt = e.json().path("at").asLong();
        } else if (e.type().equals("TasksQueued") && failedAt > 0) {
          waits.add(e.json().path("at").asLong() - failedAt);
        }
      }
      // Back-off: 300 ms then 600 ms, each with jitter over its upper half.
      assertThat(waits).hasSize(2);
      assertThat(waits.get(0)).isBetween(150L, 1000L);
      assertThat(waits.get(1)).isBetween(300L, 1500L);
    }
  }

  @Test
  void jobCompletesWhenRedisLosesItsDataWhileItsTasksWaitInTheQueue() {
    JsonNode job =
        create(
            "{\"layers\": [{\"tasks\": [{\"type\": \"lost-queue\"}, {\"type\":"
                + " \"lost-queue\"}]}]}");
    assertThat(taskStatus(job)).isEqualTo("QUEUED");

    redis.client().getKeys().deleteByPattern(redis.prefix() + ":*");

    CountingHandler counting = new CountingHandler("lost-queue", 0);
    try (Worker w = worker().register(counting).start()) {
      JsonNode done = await(job, status("COMPLETED"));
      assertThat(task(done, 0, 1).path("attempts").asInt()).isEqualTo(1);
      assertThat(counting.runs()).hasSize(2);
    }
  }

  @Test
  void fourWorkersShareOneQueueAndEachAttemptRunsOnce() throws Exception {
    CountingHandler counting = new CountingHandler("shared", 0);
    List<Worker> workers = new ArrayList<>();
    try {
      for (int i = 0; i < 4; i++) {
        workers.add(worker().name("w" + i).concurrency(4).register(counting).start());
      }
      String tasks = String.join(",", Collections.nCopies(1000, "{\"type\": \"shared\"}"));
      JsonNode job = create("{\"layers\": [{\"tasks\": [" + tasks + "]}]}");

      api.awaitJob(job.path("id").asText(), status("COMPLETED"), Duration.ofSeconds(120));

      assertThat(counting.runs()).hasSize(1000);
      assertThat(counting.runs().values()).extracting(AtomicInteger::get).containsOnly(1);
      // each attempt is recorded once: one start and one completion per task
      Map<String, Integer> starts = new java.util.HashMap<>();
      Map<String, Integer> ends = new java.util.HashMap<>();
      for (Journal.Entry e : Journal.events(db, job.path("id").asText())) {
        if (e.type().equals("TaskStarted")) {
          starts.merge(e.json().path("taskId").asText(), 1, Integer::sum);
        } else if (e.type().equals("TaskCompleted")) {
          ends.merge(e.json().path("taskId").asText(), 1, Integer::sum);
        }
      }
      assertThat(ends).hasSize(1000).allSatisfy((task, n) -> assertThat(n).isEqualTo(1));
      // Every start journaled once, before its end: a job gets its reports in the order they were
      // read, whichever batch holds them (ReportRouter).
      assertThat(starts).hasSize(1000).allSatisfy((task, n) -> assertThat(n).isEqualTo(1));
    } finally {
      workers.forEach(Worker::close);
    }
  }

  @Test
  void batchHandlerTakesTasksInBatchesAndEachTaskGetsItsOwnResult() {
    List<Integer> sizes = new CopyOnWriteArrayList<>();
    BatchTaskHandler batch =
        new BatchTaskHandler() {
          @Override
          public String type() {
            return "batched";
          }

          @Override
          public int maxBatchSize() {
            return 5;
          }

          @Override
          public Duration maxWait() {
            return Duration.ofMillis(300);
          }

          @Override
          public void handle(BatchContext batch) {
            assertThat(batch.type()).isEqualTo("batched");
            sizes.add(batch.tasks().size());
            for (TaskContext t : batch.tasks()) {
              if (t.argsAsText().equals("skip")) {
                t.skip("not needed");
              } else {
                t.complete(t.argsAsText().toUpperCase().getBytes(StandardCharsets.UTF_8));
              }
            }
          }
        };
    List<String> specs = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      specs.add("{\"type\": \"batched\", \"args\": \"" + base64(i == 3 ? "skip" : "t" + i) + "\"}");
    }
    JsonNode job = create("{\"layers\": [{\"tasks\": [" + String.join(",", specs) + "]}]}");

    try (Worker w = worker().register(batch).start()) {
      JsonNode done = await(job, status("COMPLETED"));

      assertThat(sizes).allSatisfy(size -> assertThat(size).isBetween(1, 5));
      assertThat(sizes.stream().mapToInt(Integer::intValue).sum()).isEqualTo(12);
      assertThat(sizes).anySatisfy(size -> assertThat(size).isGreaterThan(1));
      assertThat(task(done, 0, 0).path("result").asText()).isEqualTo(base64("T0"));
      assertThat(task(done, 0, 11).path("result").asText()).isEqualTo(base64("T11"));
      assertThat(task(done, 0, 3).path("status").asText()).isEqualTo("SKIPPED");
    }
  }

  @Test
  void handlerAddsTasksToALaterLayerOfItsJob() {
    CountDownLatch expanded = new CountDownLatch(1);
    TaskHandler expand =
        handler(
            "expand",
            context -> {
              List<String> ids =
                  context.addTasks(
                      context.argsAsText(),
                      List.of(
                          TaskSpec.of("echo-later", "one".getBytes(StandardCharsets.UTF_8)),
                          TaskSpec.of("echo-later", "two".getBytes(StandardCharsets.UTF_8))));
              expanded.countDown();
              return String.join(",", ids).getBytes(StandardCharsets.UTF_8);
            });
    TaskHandler echo = handler("echo-later", TaskContext::args);
    JsonNode job =
        create("{\"layers\": [{\"tasks\": [{\"type\": \"noop-first\"}]}, {\"priority\": 1}]}");
    String later = job.path("layers").get(1).path("id").asText();
    // the first layer's task adds to the second layer; created apart so its args name the layer
    JsonNode expanding =
        create(
            "{\"layers\": [{\"tasks\": [{\"type\": \"expand\", \"args\": \""
                + base64(later)
                + "\"}]}]}");

    try (Worker w =
        worker()
            .register(expand)
            .register(echo)
            .register(
                handler(
                    "noop-first",
                    c -> {
                      // holds the first layer until the expansion is in
                      assertThat(expanded.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
                      return null;
                    }))
            .start()) {
      await(expanding, status("COMPLETED"));
      JsonNode done = await(job, status("COMPLETED"));

      JsonNode added = done.path("layers").get(1).path("tasks");
      assertThat(added).hasSize(2);
      assertThat(added.get(0).path("result").asText()).isEqualTo(base64("one"));
      assertThat(added.get(1).path("status").asText()).isEqualTo("COMPLETED");
    }
  }

  @Test
  void stoppingAWorkerGivesItsUnfinishedAttemptsBackToRunElsewhere() {
    StoppableHandler waiting = new StoppableHandler();
    JsonNode job = create("{\"layers\": [{\"tasks\": [{\"type\": \"wait\", \"retries\": 0}]}]}");
    String attempt = task(job, 0, 0).path("id").asText() + "/1";
    Worker first = worker().shutdownGrace(Duration.ofMillis(200)).register(waiting).start();
    awaitTrue(() -> waiting.started().contains(attempt));

    first.close();

    try (Worker second = worker().register(handler("wait", context -> null)).start()) {
      JsonNode done = await(job, status("COMPLETED"));
      assertThat(task(done, 0, 0).path("attempts").asInt()).isEqualTo(2);
      assertThat(waiting.stopped()).contains(attempt);
    }
  }

  @Test
  void pausedTaskWaitingInTheQueueIsNotRunUntilUnpaused() throws Exception {
    JsonNode job = create("{\"layers\": [{\"tasks\": [{\"type\": \"held\"}]}]}");
    String taskId = task(job, 0, 0).path("id").asText();
    assertThat(taskStatus(job)).isEqualTo("QUEUED");
    HttpApi.Answer paused = patch("pause", "[{\"kind\": \"Task\", \"id\": \"" + taskId + "\"}]");
    assertThat(paused.body().path("updated").asInt()).isEqualTo(1);

    CountingHandler counting = new CountingHandler("held", 0);
    try (Worker w = worker().register(counting).start()) {
      // A task of the same type queued after the paused one runs: the worker took the queue past
      // the paused task's delivery without running it.
      JsonNode after = create("{\"layers\": [{\"tasks\": [{\"type\": \"held\"}]}]}");
      await(after, status("COMPLETED"));
      String afterAttempt = task(after, 0, 0).path("id").asText() + "/1";
      assertThat(counting.runs()).containsOnlyKeys(afterAttempt);
      assertThat(taskStatus(api.get("/api/v1/jobs/" + job.path("id").asText()).body()))
          .isEqualTo("PENDING");

      patch("unpause", "[{\"kind\": \"Task\", \"id\": \"" + taskId + "\"}]");

      JsonNode done = await(job, status("COMPLETED"));
      assertThat(task(done, 0, 0).path("attempts").asInt()).isEqualTo(2);
      assertThat(counting.runs()).containsOnlyKeys(afterAttempt, taskId + "/2");
    }
  }

  private static HttpApi.Answer patch(String action, String body) {
    return api.send(
        java.net.http.HttpRequest.newBuilder(
                java.net.URI.create("http://127.0.0.1:" + node.httpPort() + "/api/v1/" + action))
            .method("PATCH", java.net.http.HttpRequest.BodyPublishers.ofString(body)));
  }

  /** A handler of a type from a lambda. */
  interface Body {
    byte[] run(TaskContext context) throws Exception;
  }

  private static TaskHandler handler(String type, Body body) {
    return new TaskHandler() {
      @Override
      public String type() {
        return type;
      }

      @Override
      public byte[] handle(TaskContext context) throws Exception {
        return body.run(context);
      }
    };
  }

  private static void awaitTrue(java.util.function.BooleanSupplier condition) {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not met within " + WAIT);
      }
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted", e);
      }
    }
  }

  /** `igor worker` as a process of its own, so that it can be killed with SIGKILL. */
  private static Process startWorkerProcess(String types, String... environment) throws Exception {
    String java =
        System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
    ProcessBuilder pb =
        new ProcessBuilder(
            java,
            "-Xmx256m",
            "-cp",
            System.getProperty("java.class.path"),
            "igor.cli.IgorCommand",
            "worker",
            "--types",
            types);
    pb.environment().put("IGOR_REDIS_URL", redis.url());
    pb.environment().put("IGOR_REDIS_KEY_PREFIX", redis.prefix());
    pb.environment().put("IGOR_WORKER_LEASE", "2s");
    for (int i = 0; i + 1 < environment.length; i += 2) {
      pb.environment().put(environment[i], environment[i + 1]);
    }
    pb.redirectErrorStream(true);
    pb.redirectOutput(new File("target/worker-process.log"));
    return pb.start();
  }
}
