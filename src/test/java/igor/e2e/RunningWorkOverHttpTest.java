package igor.e2e;

import static igor.testing.GatedHandler.attempt;
import static igor.testing.HttpApi.status;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import igor.app.IgorNode;
import igor.testing.GatedHandler;
import igor.testing.HttpApi;
import igor.testing.Journal;
import igor.testing.TestDatabase;
import igor.testing.TestNode;
import igor.testing.TestRedis;
import igor.testing.TestTime;
import igor.worker.api.Worker;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Pausing and killing a task that runs, and adding paused tasks, over real HTTP with a real worker,
 * PostgreSQL and Redis (SEMANTICS.md sections 1 and 3). Attempts are held by {@link GatedHandler}
 * until the test ends them, so nothing here depends on how fast a node or a worker is.
 */
@Timeout(value = 5, unit = java.util.concurrent.TimeUnit.MINUTES)
class RunningWorkOverHttpTest {
  private static final Duration WAIT = TestTime.scaled(Duration.ofSeconds(30));
  private static final GatedHandler gate = new GatedHandler("gate");
  private static TestDatabase db;
  private static TestRedis redis;
  private static IgorNode node;
  private static HttpApi api;

  @BeforeAll
  static void startNode() {
    db = TestDatabase.create();
    redis = TestRedis.create();
    node = TestNode.start(db, redis, List.of(gate));
    api = new HttpApi(node.httpPort());
  }

  @AfterAll
  static void stopNode() {
    node.close();
    redis.close();
    db.close();
  }

  @Test
  void pausedRunningTaskKeepsItsAttemptAndItsRetryWaitsForTheUnpause() {
    JsonNode job =
        create(
            "{\"layers\": [{\"tasks\": [{\"type\": \"gate\", \"retries\": 1},"
                + " {\"type\": \"gate\", \"retries\": 1}]}]}");
    String paused = taskId(job, 0, 0);
    String other = taskId(job, 0, 1);
    gate.awaitStarted(attempt(paused, 1), WAIT);
    gate.awaitStarted(attempt(other, 1), WAIT);
    await(job, taskIs(0, 0, "RUNNING"));

    assertThat(act("pause", ref("Task", paused))).isEqualTo(1);
    gate.fail(attempt(paused, 1), "failed while paused");

    JsonNode failed =
        await(job, j -> task(j, 0, 0).path("message").asText().equals("failed while paused"));
    assertThat(task(failed, 0, 0).path("status").asText()).isEqualTo("PENDING");
    assertThat(gate.wasCancelled(attempt(paused, 1)))
        .as("the attempt of a paused task is not stopped: its own failure was taken")
        .isFalse();
    long retryAt = retryAtOf(job, paused);
    awaitClockPast(retryAt);
    // The other task fails after the paused one's back-off ran out: the wake that queues its retry
    // would queue the paused one as well if the pause were not honoured.
    gate.fail(attempt(other, 1), "the other fails once");
    gate.awaitStarted(attempt(other, 2), WAIT);

    JsonNode held = api.get("/api/v1/jobs/" + job.path("id").asText()).body();
    assertThat(task(held, 0, 0).path("status").asText()).isEqualTo("PENDING");
    assertThat(task(held, 0, 0).path("attempts").asInt()).isEqualTo(1);
    assertThat(task(held, 0, 0).path("paused_at").asLong()).isPositive();
    assertThat(queuedAfter(job, other, retryAt)).as("the other's retry queued after").isTrue();
    assertThat(gate.hasStarted(attempt(paused, 2))).isFalse();

    assertThat(act("unpause", ref("Task", paused))).isEqualTo(1);
    gate.awaitStarted(attempt(paused, 2), WAIT);
    gate.complete(attempt(paused, 2), null);
    gate.complete(attempt(other, 2), null);

    JsonNode done = await(job, status("COMPLETED"));
    assertThat(task(done, 0, 0).path("attempts").asInt()).isEqualTo(2);
    assertThat(task(done, 0, 0).path("paused_at").asLong()).isZero();
  }

  @Test
  void killedRunningTaskIsErroredKilledItsHandlerIsStoppedAndItsLateCompletionIsIgnored() {
    // One attempt at a time: the second task starts only once the killed one's handler has ended
    // and its late completion was sent, so the start report of the second proves it was read.
    GatedHandler single = new GatedHandler("one-at-a-time");
    try (Worker worker = worker().concurrency(1).register(single).start()) {
      JsonNode job =
          create(
              "{\"layers\": [{\"tasks\": [{\"type\": \"one-at-a-time\", \"retries\": 2},"
                  + " {\"type\": \"one-at-a-time\"}]}]}");
      String first = awaitFirstStarted(single, taskId(job, 0, 0), taskId(job, 0, 1));
      String second = first.equals(taskId(job, 0, 0)) ? taskId(job, 0, 1) : taskId(job, 0, 0);
      int firstIndex = first.equals(taskId(job, 0, 0)) ? 0 : 1;
      await(job, taskIs(0, firstIndex, "RUNNING"));

      assertThat(act("kill", ref("Task", first))).isEqualTo(1);

      JsonNode killed = await(job, taskIs(0, firstIndex, "ERRORED"));
      assertThat(task(killed, 0, firstIndex).path("message").asText()).isEqualTo("killed");
      assertThat(task(killed, 0, firstIndex).path("attempts").asInt()).isEqualTo(1);
      assertThat(killed.path("status").asText())
          .as("the other task of its layer still waits")
          .isEqualTo("RUNNING");
      single.awaitCancelled(attempt(first, 1), WAIT);
      single.complete(attempt(first, 1), "too late".getBytes(StandardCharsets.UTF_8));
      single.awaitStarted(attempt(second, 1), WAIT);
      await(job, taskIs(0, 1 - firstIndex, "RUNNING"));

      JsonNode after = api.get("/api/v1/jobs/" + job.path("id").asText()).body();
      assertThat(task(after, 0, firstIndex).path("status").asText()).isEqualTo("ERRORED");
      assertThat(task(after, 0, firstIndex).path("message").asText()).isEqualTo("killed");
      assertThat(task(after, 0, firstIndex).path("result").asText("")).isEmpty();
      assertThat(Journal.attemptsByTask(db, job.path("id").asText(), "TaskCompleted"))
          .doesNotContainKey(first);

      single.complete(attempt(second, 1), null);
      JsonNode errored = await(job, status("ERRORED"));
      assertThat(task(errored, 0, 1 - firstIndex).path("status").asText()).isEqualTo("COMPLETED");
    }
  }

  @Test
  void taskAddedPausedIsNotQueuedWhenItsLayerStartsUntilUnpaused() {
    JsonNode job =
        create(
            "{\"layers\": [{\"tasks\": [{\"type\": \"gate\"}]},"
                + " {\"priority\": 1, \"tasks\": [{\"type\": \"gate\"}]}]}");
    String later = job.path("layers").get(1).path("id").asText();
    HttpApi.Answer added =
        api.post(
            "/api/v1/tasks",
            "[{\"layer_id\": \""
                + later
                + "\", \"type\": \"gate\","
                + " \"paused_at\": 1700000000}]");
    assertThat(added.status()).as(added.text()).isEqualTo(200);
    String pausedTask = added.body().get(0).path("id").asText();
    assertThat(added.body().get(0).path("paused_at").asLong()).isEqualTo(1700000000L);

    gate.complete(attempt(taskId(job, 0, 0), 1), null);
    gate.awaitStarted(attempt(taskId(job, 1, 0), 1), WAIT);

    // The layer's tasks were queued in the decision that started it: what it left is final.
    JsonNode started = await(job, taskIs(1, 0, "RUNNING"));
    assertThat(started.path("layers").get(1).path("status").asText()).isEqualTo("RUNNING");
    JsonNode held = taskById(started, pausedTask);
    assertThat(held.path("status").asText()).isEqualTo("PENDING");
    assertThat(held.path("attempts").asInt()).isZero();
    gate.complete(attempt(taskId(job, 1, 0), 1), null);
    JsonNode waiting = await(job, taskIs(1, 0, "COMPLETED"));
    assertThat(waiting.path("layers").get(1).path("status").asText()).isEqualTo("RUNNING");
    assertThat(waiting.path("status").asText()).isEqualTo("RUNNING");
    assertThat(gate.hasStarted(attempt(pausedTask, 1))).isFalse();

    assertThat(act("unpause", ref("Task", pausedTask))).isEqualTo(1);
    gate.awaitStarted(attempt(pausedTask, 1), WAIT);
    gate.complete(attempt(pausedTask, 1), null);

    JsonNode done = await(job, status("COMPLETED"));
    assertThat(taskById(done, pausedTask).path("attempts").asInt()).isEqualTo(1);
  }

  @Test
  void tasksAddedToARunningPausedLayerRunOnceItIsUnpaused() {
    JsonNode job = create("{\"layers\": [{\"tasks\": [{\"type\": \"gate\"}]}]}");
    String layer = job.path("layers").get(0).path("id").asText();
    String running = taskId(job, 0, 0);
    gate.awaitStarted(attempt(running, 1), WAIT);
    // the job knows it runs once it applied the attempt's started report (the handler may begin a
    // moment before): a pause before that would withdraw the attempt as queued
    await(job, taskIs(0, 0, "RUNNING"));
    HttpApi.Answer refused =
        api.post("/api/v1/tasks", "[{\"layer_id\": \"" + layer + "\", \"type\": \"gate\"}]");
    assertThat(refused.status()).as("a running layer that is not paused").isEqualTo(409);

    assertThat(act("pause", ref("Layer", layer))).isEqualTo(1);
    HttpApi.Answer added =
        api.post(
            "/api/v1/tasks",
            "[{\"layer_id\": \""
                + layer
                + "\", \"type\": \"gate\"},"
                + " {\"layer_id\": \""
                + layer
                + "\", \"type\": \"gate\"}]");

    assertThat(added.status()).as(added.text()).isEqualTo(200);
    assertThat(added.body()).hasSize(2);
    List<String> addedIds = new ArrayList<>();
    added.body().forEach(t -> addedIds.add(t.path("id").asText()));
    gate.complete(attempt(running, 1), null);
    JsonNode held = await(job, taskIs(0, 0, "COMPLETED"));
    for (String id : addedIds) {
      assertThat(taskById(held, id).path("status").asText()).as(id).isEqualTo("PENDING");
      assertThat(gate.hasStarted(attempt(id, 1))).isFalse();
    }
    assertThat(held.path("layers").get(0).path("status").asText()).isEqualTo("RUNNING");

    assertThat(act("unpause", ref("Layer", layer))).isEqualTo(1);
    for (String id : addedIds) {
      gate.awaitStarted(attempt(id, 1), WAIT);
      gate.complete(attempt(id, 1), null);
    }

    JsonNode done = await(job, status("COMPLETED"));
    assertThat(done.path("layers").get(0).path("tasks")).hasSize(3);
  }

  // --- helpers -------------------------------------------------------------------------------

  private static Worker.Builder worker() {
    return Worker.connect(redis.url())
        .keyPrefix(redis.prefix())
        .apiUrl("http://127.0.0.1:" + node.httpPort());
  }

  private static JsonNode create(String body) {
    HttpApi.Answer a = api.post("/api/v1/jobs", body);
    assertThat(a.status()).as(a.text()).isEqualTo(200);
    return a.body();
  }

  private static int act(String action, String ref) {
    HttpApi.Answer a = api.patch("/api/v1/" + action, "[" + ref + "]");
    assertThat(a.status()).as(a.text()).isEqualTo(200);
    return a.body().path("updated").asInt();
  }

  private static String ref(String kind, String id) {
    return "{\"kind\": \"" + kind + "\", \"id\": \"" + id + "\"}";
  }

  private static JsonNode await(JsonNode job, Predicate<JsonNode> condition) {
    return api.awaitJob(job.path("id").asText(), condition, WAIT);
  }

  private static JsonNode task(JsonNode job, int layer, int task) {
    return job.path("layers").get(layer).path("tasks").get(task);
  }

  private static String taskId(JsonNode job, int layer, int task) {
    return task(job, layer, task).path("id").asText();
  }

  private static JsonNode taskById(JsonNode job, String id) {
    for (JsonNode layer : job.path("layers")) {
      for (JsonNode task : layer.path("tasks")) {
        if (task.path("id").asText().equals(id)) {
          return task;
        }
      }
    }
    throw new AssertionError("task " + id + " is not in job " + job);
  }

  private static Predicate<JsonNode> taskIs(int layer, int task, String status) {
    return j -> status.equals(task(j, layer, task).path("status").asText());
  }

  /** When the task's failed attempt is due for a retry (unix millis), as journaled. */
  private static long retryAtOf(JsonNode job, String taskId) {
    long retryAt = 0;
    for (Journal.Entry e : Journal.events(db, job.path("id").asText())) {
      if (e.type().equals("TaskFailed") && e.json().path("taskId").asText().equals(taskId)) {
        retryAt = e.json().path("retryAt").asLong();
      }
    }
    assertThat(retryAt).as("retry time of %s in %s", taskId, job).isPositive();
    return retryAt;
  }

  /** Whether the task was queued at or after this time (unix millis), as journaled. */
  private static boolean queuedAfter(JsonNode job, String taskId, long time) {
    for (Journal.Entry e : Journal.events(db, job.path("id").asText())) {
      if (e.type().equals("TasksQueued")
          && e.json().path("at").asLong() >= time
          && e.json().path("taskIds").toString().contains(taskId)) {
        return true;
      }
    }
    return false;
  }

  /** Waits until the machine's clock, which is Igor's, has passed this time (unix millis). */
  private static void awaitClockPast(long time) {
    long until = System.nanoTime() + WAIT.toNanos();
    while (System.currentTimeMillis() <= time) {
      if (System.nanoTime() > until) {
        throw new AssertionError("the clock did not pass " + time);
      }
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }

  /** The one of the two tasks whose first attempt starts first (a worker runs one at a time). */
  private static String awaitFirstStarted(GatedHandler handler, String a, String b) {
    long until = System.nanoTime() + WAIT.toNanos();
    while (System.nanoTime() < until) {
      if (handler.hasStarted(attempt(a, 1))) {
        return a;
      }
      if (handler.hasStarted(attempt(b, 1))) {
        return b;
      }
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
    throw new AssertionError("neither task started within " + WAIT);
  }
}
