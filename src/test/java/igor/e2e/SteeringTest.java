package igor.e2e;

import static igor.testing.HttpApi.status;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import igor.app.IgorNode;
import igor.domain.Identifiers;
import igor.testing.HttpApi;
import igor.testing.StoppableHandler;
import igor.testing.TestDatabase;
import igor.testing.TestNode;
import igor.testing.TestRedis;
import igor.testing.TestTime;
import igor.worker.api.TaskHandler;
import igor.worker.builtin.BuiltinHandlers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * People steer running work over PATCH /api/v1/{pause,unpause,skip,kill,retry}: every cell of
 * SEMANTICS.md section 3 over real HTTP, with a real worker, PostgreSQL and Redis.
 */
class SteeringTest {
  private static final Duration WAIT = TestTime.scaled(Duration.ofSeconds(30));
  private static TestDatabase db;
  private static TestRedis redis;
  private static IgorNode node;
  private static HttpApi api;
  private static final StoppableHandler waiting = new StoppableHandler();

  @BeforeAll
  static void startNode() {
    db = TestDatabase.create();
    redis = TestRedis.create();
    List<TaskHandler> handlers = new ArrayList<>(BuiltinHandlers.all());
    handlers.add(waiting);
    handlers.add(StoppableHandler.flaky());
    node = TestNode.start(db, redis, handlers);
    api = new HttpApi(node.httpPort());
  }

  @AfterAll
  static void stopNode() {
    node.close();
    redis.close();
    db.close();
  }

  // --- helpers -------------------------------------------------------------------------------

  static JsonNode create(String body) {
    HttpApi.Answer a = api.post("/api/v1/jobs", body);
    assertThat(a.status()).as(a.text()).isEqualTo(200);
    return a.body();
  }

  static int act(String action, String... refs) {
    HttpApi.Answer a = patch(action, "[" + String.join(", ", refs) + "]");
    assertThat(a.status()).as(a.text()).isEqualTo(200);
    return a.body().path("updated").asInt();
  }

  static HttpApi.Answer patch(String action, String body) {
    return api.send(
        java.net.http.HttpRequest.newBuilder(
                java.net.URI.create("http://127.0.0.1:" + node.httpPort() + "/api/v1/" + action))
            .method("PATCH", java.net.http.HttpRequest.BodyPublishers.ofString(body)));
  }

  static String ref(String kind, JsonNode object) {
    return "{\"kind\": \"" + kind + "\", \"id\": \"" + object.path("id").asText() + "\"}";
  }

  static String refWithEtag(String kind, JsonNode object) {
    return "{\"kind\": \""
        + kind
        + "\", \"id\": \""
        + object.path("id").asText()
        + "\", \"etag\": \""
        + object.path("etag").asText()
        + "\"}";
  }

  static JsonNode job(String id) {
    return api.get("/api/v1/jobs/" + id).body();
  }

  static JsonNode await(JsonNode job, Predicate<JsonNode> condition) {
    return api.awaitJob(job.path("id").asText(), condition, WAIT);
  }

  static JsonNode layer(JsonNode job, int i) {
    return job.path("layers").get(i);
  }

  static JsonNode task(JsonNode job, int layer, int task) {
    return job.path("layers").get(layer).path("tasks").get(task);
  }

  static Predicate<JsonNode> taskIs(int layer, int task, String status) {
    return j -> status.equals(task(j, layer, task).path("status").asText());
  }

  static Predicate<JsonNode> layerIs(int layer, String status) {
    return j -> status.equals(layer(j, layer).path("status").asText());
  }

  static void started(JsonNode job, int layer, int task) {
    String id = task(job, layer, task).path("id").asText() + "/1";
    long deadline = System.currentTimeMillis() + WAIT.toMillis();
    while (!waiting.started().contains(id) && System.currentTimeMillis() < deadline) {
      pause(10);
    }
    assertThat(waiting.started()).contains(id);
    await(job, taskIs(layer, task, "RUNNING"));
  }

  /** The first group waits until its task is skipped, so nothing depends on how fast it runs. */
  static final String A_WAITING_TASK_THEN_TWO_NOOPS =
      "{\"layers\": [{\"tasks\": [{\"type\": \"wait\"}]},"
          + " {\"priority\": 1, \"tasks\": [{\"type\": \"noop\"}, {\"type\": \"noop\"}]}]}";

  static final String TWO_GROUPS_WITH_A_WAITING_TASK =
      "{\"layers\": [{\"tasks\": [{\"type\": \"wait\"}, {\"type\": \"noop\"}]},"
          + " {\"priority\": 1, \"tasks\": [{\"type\": \"noop\"}]}]}";

  // --- tasks ---------------------------------------------------------------------------------

  @Nested
  class OnATask {
    @Test
    void pauseKeepsItFromBeingQueuedUntilUnpaused() {
      JsonNode job = create(A_WAITING_TASK_THEN_TWO_NOOPS);

      assertThat(act("pause", ref("Task", task(job, 1, 0)))).isEqualTo(1);
      assertThat(act("skip", ref("Task", task(job, 0, 0)))).as("the first group ends").isEqualTo(1);
      JsonNode held = await(job, taskIs(1, 1, "COMPLETED"));
      assertThat(task(held, 1, 0).path("status").asText()).isEqualTo("PENDING");
      assertThat(task(held, 1, 0).path("paused_at").asLong()).isPositive();
      assertThat(held.path("status").asText()).isEqualTo("RUNNING");

      assertThat(act("unpause", ref("Task", task(job, 1, 0)))).isEqualTo(1);
      JsonNode done = await(job, status("COMPLETED"));
      assertThat(task(done, 1, 0).path("paused_at").asLong()).isZero();
    }

    @Test
    void pauseOfACompletedTaskChangesNothing() {
      JsonNode job =
          await(create("{\"layers\": [{\"tasks\": [{\"type\": \"noop\"}]}]}"), status("COMPLETED"));

      assertThat(act("pause", ref("Task", task(job, 0, 0)))).isZero();
      assertThat(act("unpause", ref("Task", task(job, 0, 0)))).isZero();
    }

    @Test
    void skipStopsItsRunningAttemptAndCountsAsDone() {
      JsonNode job = create(TWO_GROUPS_WITH_A_WAITING_TASK);
      started(job, 0, 0);

      assertThat(act("skip", ref("Task", task(job, 0, 0)))).isEqualTo(1);

      JsonNode done = await(job, status("COMPLETED"));
      assertThat(task(done, 0, 0).path("status").asText()).isEqualTo("SKIPPED");
      assertThat(layer(done, 0).path("status").asText()).isEqualTo("COMPLETED");
      awaitStopped(task(job, 0, 0));
    }

    @Test
    void killStopsTheRunningHandlerAndRetryRunsANewAttemptThatCompletes() {
      JsonNode job = create("{\"layers\": [{\"tasks\": [{\"type\": \"wait\", \"retries\": 3}]}]}");
      started(job, 0, 0);

      assertThat(act("kill", ref("Task", task(job, 0, 0)))).isEqualTo(1);

      JsonNode killed = await(job, status("ERRORED"));
      assertThat(task(killed, 0, 0).path("status").asText()).isEqualTo("ERRORED");
      assertThat(task(killed, 0, 0).path("message").asText()).isEqualTo("killed");
      assertThat(task(killed, 0, 0).path("attempts").asInt()).isEqualTo(1);
      awaitStopped(task(job, 0, 0));

      assertThat(act("retry", ref("Task", task(job, 0, 0)))).isEqualTo(1);
      JsonNode again = await(job, j -> task(j, 0, 0).path("attempts").asInt() == 2);
      assertThat(again.path("status").asText()).isEqualTo("RUNNING");
      assertThat(act("skip", ref("Task", task(job, 0, 0)))).isEqualTo(1);
      await(job, status("COMPLETED"));
    }

    @Test
    void retryOfAnErroredTaskRunsItAgainAndTheJobCompletes() {
      JsonNode job =
          await(create("{\"layers\": [{\"tasks\": [{\"type\": \"flaky\"}]}]}"), status("ERRORED"));

      assertThat(act("retry", ref("Task", task(job, 0, 0)))).isEqualTo(1);

      JsonNode done = await(job, status("COMPLETED"));
      assertThat(task(done, 0, 0).path("attempts").asInt()).isEqualTo(2);
      assertThat(act("retry", ref("Task", task(done, 0, 0)))).isZero();
    }

    @Test
    void killOfAPendingTaskChangesNothing() {
      JsonNode job = create(TWO_GROUPS_WITH_A_WAITING_TASK);

      assertThat(act("kill", ref("Task", task(job, 1, 0)))).isZero();
      act("skip", ref("Job", job));
    }
  }

  // --- layers --------------------------------------------------------------------------------

  @Nested
  class OnALayer {
    @Test
    void pauseHoldsItsTasksAndUnpauseQueuesThem() {
      JsonNode job = create(A_WAITING_TASK_THEN_TWO_NOOPS);
      assertThat(act("pause", ref("Layer", layer(job, 1)))).isEqualTo(1);
      assertThat(act("skip", ref("Task", task(job, 0, 0)))).as("the first group ends").isEqualTo(1);

      JsonNode held = await(job, layerIs(1, "RUNNING"));
      assertThat(task(held, 1, 0).path("status").asText()).isEqualTo("PENDING");

      assertThat(act("unpause", ref("Layer", layer(job, 1)))).isEqualTo(1);
      await(job, status("COMPLETED"));
    }

    @Test
    void skipOfAnErroredLayerLetsTheJobGoOn() {
      JsonNode job =
          create(
              "{\"layers\": [{\"tasks\": [{\"type\": \"fail\"}]},"
                  + " {\"priority\": 1, \"tasks\": [{\"type\": \"noop\"}]}]}");
      await(job, status("ERRORED"));

      assertThat(act("skip", ref("Layer", layer(job, 0)))).isEqualTo(1);

      JsonNode done = await(job, status("COMPLETED"));
      assertThat(layer(done, 0).path("status").asText()).isEqualTo("SKIPPED");
      assertThat(task(done, 0, 0).path("status").asText()).isEqualTo("ERRORED");
      assertThat(act("skip", ref("Layer", layer(done, 0)))).isZero();
    }

    @Test
    void skipOfALayerNotStartedYetSkipsItsTasks() {
      JsonNode job = create(TWO_GROUPS_WITH_A_WAITING_TASK);

      assertThat(act("skip", ref("Layer", layer(job, 1)))).isEqualTo(1);
      assertThat(act("skip", ref("Task", task(job, 0, 0)))).isEqualTo(1);

      JsonNode done = await(job, status("COMPLETED"));
      assertThat(task(done, 1, 0).path("status").asText()).isEqualTo("SKIPPED");
    }

    @Test
    void killStopsEveryRunningTaskOfIt() {
      JsonNode job =
          create("{\"layers\": [{\"tasks\": [{\"type\": \"wait\"}, {\"type\": \"wait\"}]}]}");
      started(job, 0, 0);
      started(job, 0, 1);

      assertThat(act("kill", ref("Layer", layer(job, 0)))).isEqualTo(1);

      JsonNode killed = await(job, status("ERRORED"));
      assertThat(layer(killed, 0).path("status").asText()).isEqualTo("ERRORED");
      assertThat(task(killed, 0, 1).path("message").asText()).isEqualTo("killed");
      awaitStopped(task(job, 0, 0));
      awaitStopped(task(job, 0, 1));
    }

    @Test
    void retryRunsEveryErroredTaskOfItAgain() {
      JsonNode job =
          create(
              "{\"layers\": [{\"tasks\": [{\"type\": \"flaky\"}, {\"type\": \"flaky\"}, {\"type\":"
                  + " \"noop\"}]}]}");
      JsonNode errored = await(job, status("ERRORED"));
      assertThat(layer(errored, 0).path("status").asText()).isEqualTo("ERRORED");

      assertThat(act("retry", ref("Layer", layer(job, 0)))).isEqualTo(1);

      JsonNode done = await(job, status("COMPLETED"));
      assertThat(task(done, 0, 0).path("attempts").asInt()).isEqualTo(2);
      assertThat(task(done, 0, 2).path("attempts").asInt()).isEqualTo(1);
    }
  }

  // --- jobs ----------------------------------------------------------------------------------

  @Nested
  class OnAJob {
    @Test
    void pauseHoldsTheNextGroupAndUnpauseReleasesIt() {
      JsonNode job =
          create(
              "{\"layers\": [{\"tasks\": [{\"type\": \"sleep\", \"args\": \"MQ==\"}]},"
                  + " {\"priority\": 1, \"tasks\": [{\"type\": \"noop\"}]}]}");
      await(job, taskIs(0, 0, "RUNNING"));
      assertThat(act("pause", ref("Job", job))).isEqualTo(1);

      JsonNode held = await(job, layerIs(1, "RUNNING"));
      assertThat(task(held, 1, 0).path("status").asText()).isEqualTo("PENDING");
      assertThat(held.path("paused_at").asLong()).isPositive();

      assertThat(act("unpause", ref("Job", job))).isEqualTo(1);
      await(job, status("COMPLETED"));
    }

    @Test
    void skipSkipsEverythingUnfinished() {
      JsonNode job = create(TWO_GROUPS_WITH_A_WAITING_TASK);
      started(job, 0, 0);

      assertThat(act("skip", ref("Job", job))).isEqualTo(1);

      JsonNode skipped = await(job, status("SKIPPED"));
      assertThat(layer(skipped, 0).path("status").asText()).isEqualTo("SKIPPED");
      assertThat(layer(skipped, 1).path("status").asText()).isEqualTo("SKIPPED");
      assertThat(task(skipped, 1, 0).path("status").asText()).isEqualTo("SKIPPED");
      awaitStopped(task(job, 0, 0));
    }

    @Test
    void killStopsEveryRunningTaskOfIt() {
      JsonNode job = create(TWO_GROUPS_WITH_A_WAITING_TASK);
      started(job, 0, 0);

      assertThat(act("kill", ref("Job", job))).isEqualTo(1);

      JsonNode killed = await(job, status("ERRORED"));
      assertThat(task(killed, 0, 0).path("message").asText()).isEqualTo("killed");
      assertThat(layer(killed, 1).path("status").asText()).isEqualTo("PENDING");
      awaitStopped(task(job, 0, 0));
    }

    @Test
    void retryRunsItsErroredTasksAndTheJobCompletes() {
      JsonNode job =
          create(
              "{\"layers\": [{\"tasks\": [{\"type\": \"flaky\"}]}, {\"tasks\": [{\"type\":"
                  + " \"flaky\"}]}, {\"priority\": 1, \"tasks\": [{\"type\": \"noop\"}]}]}");
      await(job, status("ERRORED"));

      assertThat(act("retry", ref("Job", job))).isEqualTo(1);

      JsonNode done = await(job, status("COMPLETED"));
      assertThat(task(done, 2, 0).path("status").asText()).isEqualTo("COMPLETED");
      JsonNode audit = api.get("/api/v1/jobs/" + job.path("id").asText() + "/audit").body();
      assertThat(audit)
          .singleElement()
          .satisfies(
              entry -> {
                assertThat(entry.path("action").asText()).isEqualTo("retry");
                assertThat(entry.path("kind").asText()).isEqualTo("Job");
              });
    }
  }

  @Test
  void pausingATaskThatWaitsInTheQueueKeepsItFromRunning() {
    JsonNode job =
        create(
            "{\"layers\": [{\"tasks\": [{\"type\": \"wait\"}]}, {\"priority\": 1, \"tasks\":"
                + " [{\"type\": \"echo\"}]}]}");
    started(job, 0, 0);
    act("pause", ref("Layer", layer(job, 1)));
    act("unpause", ref("Layer", layer(job, 1)));
    // the echo task is still PENDING (its layer has not started); pause it, then let it start
    assertThat(act("pause", ref("Task", task(job, 1, 0)))).isEqualTo(1);
    assertThat(act("skip", ref("Task", task(job, 0, 0)))).isEqualTo(1);

    JsonNode held = await(job, layerIs(1, "RUNNING"));
    assertThat(task(held, 1, 0).path("status").asText()).isEqualTo("PENDING");
    assertThat(task(held, 1, 0).path("attempts").asInt()).isZero();

    assertThat(act("unpause", ref("Task", task(job, 1, 0)))).isEqualTo(1);
    await(job, status("COMPLETED"));
  }

  // --- the original scenarios, etags and bad refs ---------------------------------------------

  @Test
  void pausedLayersRunOnceUnpausedWithTheEtagsTheyWereCreatedWith() {
    JsonNode job =
        create(
            "{\"layers\": [{\"name\": \"a\", \"paused_at\": 1700000000, \"tasks\": [{\"type\":"
                + " \"noop\", \"paused_at\": 1700000000}, {\"type\": \"noop\"}]},{\"name\": \"b\","
                + " \"paused_at\": 1700000000, \"tasks\": [{\"type\": \"echo\"}]},{\"name\": \"c\","
                + " \"priority\": 10}]}");
    HttpApi.Answer added =
        api.post(
            "/api/v1/tasks",
            "[{\"layer_id\": \"" + layer(job, 2).path("id").asText() + "\", \"type\": \"noop\"}]");
    assertThat(added.status()).isEqualTo(200);

    int updated =
        act(
            "unpause",
            refWithEtag("Layer", layer(job, 0)),
            refWithEtag("Layer", layer(job, 1)),
            refWithEtag("Task", task(job, 0, 0)));

    assertThat(updated).isEqualTo(3);
    JsonNode done = await(job, status("COMPLETED"));
    assertThat(layer(done, 2).path("tasks")).hasSize(1);
  }

  @Test
  void skippingTheFailuresOfAnErroredJobLetsItComplete() {
    JsonNode job =
        create(
            "{\"layers\": [{\"tasks\": [{\"type\": \"fail\"}]}, {\"tasks\": [{\"type\": \"fail\"},"
                + " {\"type\": \"noop\"}]}]}");
    JsonNode errored =
        await(
            job,
            j ->
                status("ERRORED").test(j)
                    && layerIs(0, "ERRORED").test(j)
                    && taskIs(1, 0, "ERRORED").test(j));

    int updated = act("skip", ref("Layer", layer(errored, 0)), ref("Task", task(errored, 1, 0)));

    assertThat(updated).isEqualTo(2);
    await(job, status("COMPLETED"));
  }

  @Test
  void aStaleEtagIsPassedOverAndNotCounted() {
    JsonNode job = create(TWO_GROUPS_WITH_A_WAITING_TASK);
    JsonNode pending = layer(job, 1);
    assertThat(act("pause", refWithEtag("Layer", pending))).isEqualTo(1);

    assertThat(act("unpause", refWithEtag("Layer", pending))).isZero();
    assertThat(act("unpause", ref("Layer", pending))).isEqualTo(1);
    act("skip", ref("Job", job));
  }

  @Test
  void oneRequestSteersLayersOfSeveralJobs() {
    JsonNode one = create(TWO_GROUPS_WITH_A_WAITING_TASK);
    JsonNode two = create(TWO_GROUPS_WITH_A_WAITING_TASK);

    assertThat(act("skip", ref("Job", one), ref("Job", two))).isEqualTo(2);
  }

  @Test
  void invalidRefsRejectTheWholeRequestBeforeAnyChange() {
    JsonNode job = create(TWO_GROUPS_WITH_A_WAITING_TASK);

    HttpApi.Answer badKind =
        patch(
            "pause",
            "["
                + ref("Layer", layer(job, 1))
                + ", {\"kind\": \"Pod\", \"id\": \""
                + Identifiers.newId()
                + "\"}]");
    HttpApi.Answer badId =
        patch(
            "pause", "[" + ref("Layer", layer(job, 1)) + ", {\"kind\": \"Task\", \"id\": \"12\"}]");
    HttpApi.Answer unknownField =
        patch("kill", "[{\"kind\": \"Job\", \"id\": \"" + Identifiers.newId() + "\", \"why\": 1}]");

    assertThat(badKind.status()).isEqualTo(400);
    assertThat(badKind.error()).contains("[1].kind").contains("Pod");
    assertThat(badId.status()).isEqualTo(400);
    assertThat(badId.error()).contains("[1].id");
    assertThat(unknownField.status()).isEqualTo(400);
    assertThat(unknownField.error()).contains("why");
    assertThat(layer(job(job.path("id").asText()), 1).path("paused_at").asLong()).isZero();
    act("skip", ref("Job", job));
  }

  private static void pause(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  static void awaitStopped(JsonNode task) {
    String id = task.path("id").asText() + "/1";
    long deadline = System.currentTimeMillis() + WAIT.toMillis();
    while (!waiting.stopped().contains(id) && System.currentTimeMillis() < deadline) {
      pause(10);
    }
    assertThat(waiting.stopped()).as("handler of " + id + " was stopped").contains(id);
  }
}
