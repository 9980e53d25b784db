package igor.e2e;

import static igor.testing.HttpApi.status;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import igor.app.IgorNode;
import igor.domain.Identifiers;
import igor.testing.CountingHandler;
import igor.testing.HttpApi;
import igor.testing.Journal;
import igor.testing.TestDatabase;
import igor.testing.TestNode;
import igor.testing.TestRedis;
import igor.testing.TestTime;
import igor.worker.api.TaskHandler;
import igor.worker.builtin.BuiltinHandlers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Jobs submitted over real HTTP to a real node, run by its worker on real PostgreSQL and Redis. */
class JobLifecycleTest {
  private static final Duration WAIT = TestTime.scaled(Duration.ofSeconds(30));
  private static TestDatabase db;
  private static TestRedis redis;
  private static IgorNode node;
  private static HttpApi api;
  private static final CountingHandler counting = new CountingHandler("count", 50);

  @BeforeAll
  static void startNode() {
    db = TestDatabase.create();
    redis = TestRedis.create();
    List<TaskHandler> handlers = new ArrayList<>(BuiltinHandlers.all());
    handlers.add(counting);
    node = TestNode.start(db, redis, handlers);
    api = new HttpApi(node.httpPort());
  }

  @AfterAll
  static void stopNode() {
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

  @Test
  void jobRunsItsLayersInPriorityOrderToCompletionRunningEveryTaskOnce() {
    HttpApi.Answer created =
        api.post(
            "/api/v1/jobs",
            """
            {"name": "lifecycle", "layers": [
              {"name": "first-a", "priority": 0, "tasks": [
                {"type": "sleep", "args": "MC4y", "name": "nap"},
                {"type": "noop"}, {"type": "count"}]},
              {"name": "first-b", "priority": 0, "tasks": [
                {"type": "echo", "args": "aGk="}, {"type": "count"}]},
              {"name": "empty", "priority": 5},
              {"name": "last", "priority": 10, "tasks": [{"type": "count"}, {"type": "noop"}]}
            ]}""");

    assertThat(created.status()).isEqualTo(200);
    JsonNode job = created.body();
    assertThat(Identifiers.isId(job.path("id").asText())).isTrue();
    assertThat(Identifiers.isId(job.path("etag").asText())).isTrue();
    assertThat(job.path("status").asText()).isEqualTo("RUNNING");
    Map<String, JsonNode> layers = byName(job.path("layers"));
    assertThat(layers.get("first-a").path("status").asText()).isEqualTo("RUNNING");
    assertThat(layers.get("first-b").path("status").asText()).isEqualTo("RUNNING");
    assertThat(layers.get("empty").path("status").asText()).isEqualTo("PENDING");
    assertThat(layers.get("last").path("status").asText()).isEqualTo("PENDING");
    assertThat(layers.get("last").path("tasks").get(0).path("status").asText())
        .isEqualTo("PENDING");
    assertThat(layers.get("first-a").path("tasks").get(0).path("status").asText())
        .isIn("QUEUED", "RUNNING", "COMPLETED");

    String jobId = job.path("id").asText();
    JsonNode done = api.awaitJob(jobId, status("COMPLETED"), WAIT);

    List<String> taskIds = new ArrayList<>();
    for (JsonNode layer : done.path("layers")) {
      assertThat(layer.path("status").asText()).isEqualTo("COMPLETED");
      for (JsonNode task : layer.path("tasks")) {
        assertThat(task.path("status").asText()).isEqualTo("COMPLETED");
        assertThat(task.path("attempts").asInt()).isEqualTo(1);
        assertThat(task.path("queue_task_id").asText()).isEmpty();
        taskIds.add(task.path("id").asText());
      }
    }
    assertThat(taskIds).hasSize(7);
    JsonNode echo = byName(done.path("layers")).get("first-b").path("tasks").get(0);
    assertThat(echo.path("result").asText()).isEqualTo("aGk=");
    for (JsonNode task : byName(done.path("layers")).get("last").path("tasks")) {
      if (task.path("type").asText().equals("count")) {
        assertThat(counting.runs().get(task.path("id").asText() + "/1").get()).isEqualTo(1);
      }
    }

    List<Journal.Entry> events = Journal.events(db, jobId);
    Map<String, Integer> completions = new HashMap<>();
    List<String> finishedLayers = new ArrayList<>();
    for (Journal.Entry e : events) {
      if (e.type().equals("TaskCompleted")) {
        completions.merge(e.json().path("taskId").asText(), 1, Integer::sum);
      }
      if (e.type().equals("LayerFinished")) {
        finishedLayers.add(e.json().path("layerId").asText());
      }
    }
    assertThat(completions).hasSize(7).allSatisfy((task, count) -> assertThat(count).isEqualTo(1));
    Map<String, JsonNode> doneLayers = byName(done.path("layers"));
    assertThat(finishedLayers)
        .hasSize(4)
        .endsWith(
            doneLayers.get("empty").path("id").asText(),
            doneLayers.get("last").path("id").asText());
  }

  @Test
  void jobWithAFailingTaskEndsErroredAndDoesNotStartItsNextGroup() {
    HttpApi.Answer created =
        api.post(
            "/api/v1/jobs",
            """
{"layers": [
  {"name": "breaks", "tasks": [{"type": "fail", "args": "Ym9vbQ=="}, {"type": "noop"}]},
  {"name": "after", "priority": 10, "tasks": [{"type": "noop"}]}
]}""");
    assertThat(created.status()).isEqualTo(200);

    JsonNode job = api.awaitJob(created.body().path("id").asText(), status("ERRORED"), WAIT);

    Map<String, JsonNode> layers = byName(job.path("layers"));
    assertThat(layers.get("breaks").path("status").asText()).isEqualTo("ERRORED");
    JsonNode failed = layers.get("breaks").path("tasks").get(0);
    assertThat(failed.path("status").asText()).isEqualTo("ERRORED");
    assertThat(failed.path("message").asText()).isEqualTo("boom");
    assertThat(failed.path("attempts").asInt()).isEqualTo(1);
    assertThat(layers.get("breaks").path("tasks").get(1).path("status").asText())
        .isEqualTo("COMPLETED");
    assertThat(layers.get("after").path("status").asText()).isEqualTo("PENDING");
  }

  @Test
  void failingTaskIsRetriedUntilItsRetriesRunOut() {
    HttpApi.Answer created =
        api.post(
            "/api/v1/jobs",
            """
            {"layers": [{"tasks": [{"type": "fail", "args": "YWdhaW4=", "retries": 2}]}]}""");

    JsonNode job = api.awaitJob(created.body().path("id").asText(), status("ERRORED"), WAIT);

    JsonNode task = job.path("layers").get(0).path("tasks").get(0);
    assertThat(task.path("attempts").asInt()).isEqualTo(3);
    assertThat(task.path("retries").asInt()).isEqualTo(2);
    assertThat(task.path("message").asText()).isEqualTo("again");
  }

  @Test
  void tasksAddedToALayerBeforeItStartsRunWhenItDoes() {
    HttpApi.Answer created =
        api.post(
            "/api/v1/jobs",
            """
            {"paused_at": 1, "layers": [
              {"tasks": [{"type": "noop"}]},
              {"name": "later", "priority": 10}
            ]}""");
    String jobId = created.body().path("id").asText();
    String later = byName(created.body().path("layers")).get("later").path("id").asText();

    HttpApi.Answer added =
        api.post(
            "/api/v1/tasks",
            "[{\"layer_id\": \""
                + later
                + "\", \"type\": \"echo\", \"args\": \"b25l\"},"
                + " {\"layer_id\": \""
                + later
                + "\", \"type\": \"noop\", \"name\": \"two\"}]");

    assertThat(added.status()).isEqualTo(200);
    assertThat(added.body()).hasSize(2);
    assertThat(added.body().get(0).path("status").asText()).isEqualTo("PENDING");
    assertThat(added.body().get(0).path("job_id").asText()).isEqualTo(jobId);
    assertThat(added.body().get(1).path("name").asText()).isEqualTo("two");
    // The job was created paused, so "later" cannot have started before the tasks were added.
    HttpApi.Answer unpaused =
        api.patch("/api/v1/unpause", "[{\"kind\": \"Job\", \"id\": \"" + jobId + "\"}]");
    assertThat(unpaused.body().path("updated").asInt()).as(unpaused.text()).isEqualTo(1);
    JsonNode job = api.awaitJob(jobId, status("COMPLETED"), WAIT);
    JsonNode tasks = byName(job.path("layers")).get("later").path("tasks");
    assertThat(tasks).hasSize(2);
    assertThat(tasks.get(0).path("result").asText()).isEqualTo("b25l");
  }

  @Test
  void jobWithoutTasksCompletesAtOnce() {
    HttpApi.Answer noLayers = api.post("/api/v1/jobs", "{\"name\": \"nothing\"}");
    HttpApi.Answer emptyLayers =
        api.post("/api/v1/jobs", "{\"layers\": [{\"priority\": 1}, {\"priority\": 2}]}");

    assertThat(noLayers.status()).isEqualTo(200);
    assertThat(noLayers.body().path("status").asText()).isEqualTo("COMPLETED");
    assertThat(emptyLayers.body().path("status").asText()).isEqualTo("COMPLETED");
    assertThat(emptyLayers.body().path("layers").get(1).path("status").asText())
        .isEqualTo("COMPLETED");
  }

  static Map<String, JsonNode> byName(JsonNode layers) {
    Map<String, JsonNode> named = new HashMap<>();
    layers.forEach(l -> named.put(l.path("name").asText(), l));
    return named;
  }
}
