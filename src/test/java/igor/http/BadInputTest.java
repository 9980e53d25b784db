package igor.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import igor.app.IgorNode;
import igor.domain.Identifiers;
import igor.testing.HttpApi;
import igor.testing.TestDatabase;
import igor.testing.TestNode;
import igor.testing.TestRedis;
import java.net.URI;
import java.net.http.HttpRequest;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Bad requests get a clear JSON 4xx naming the field and limit, and change nothing. */
class BadInputTest {
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
                "igor.limits.max-body-bytes", 4096,
                "igor.limits.max-args-bytes", 16,
                "igor.limits.max-layers-per-job", 3,
                "igor.limits.max-tasks-per-request", 4,
                "igor.limits.max-tasks-per-job", 6));
    api = new HttpApi(node.httpPort());
  }

  @AfterAll
  static void stopNode() {
    node.close();
    redis.close();
    db.close();
  }

  @Test
  void taskWithoutTypeIsRefusedNamingTheField() {
    HttpApi.Answer a = api.post("/api/v1/jobs", "{\"layers\": [{\"tasks\": [{\"name\": \"x\"}]}]}");

    assertThat(a.status()).isEqualTo(400);
    assertThat(a.error()).contains("layers[0].tasks[0].type").contains("required");
  }

  @Test
  void unknownFieldIsRefusedNamingIt() {
    HttpApi.Answer a = api.post("/api/v1/jobs", "{\"layers\": [{\"colour\": \"red\"}]}");

    assertThat(a.status()).isEqualTo(400);
    assertThat(a.error()).isEqualTo("unknown field 'layers[0].colour'");
  }

  @Test
  void malformedJobIdIsRefusedAndUnknownOneIsNotFound() {
    HttpApi.Answer malformed = api.get("/api/v1/jobs/NOT-A-UUID");
    HttpApi.Answer unknown = api.get("/api/v1/jobs/" + Identifiers.newId());

    assertThat(malformed.status()).isEqualTo(400);
    assertThat(malformed.error()).contains("lowercase UUID").contains("NOT-A-UUID");
    assertThat(unknown.status()).isEqualTo(404);
    assertThat(unknown.error()).isEqualTo("job not found");
  }

  @Test
  void addingTasksToARunningLayerIsAConflict() {
    JsonNode job = create("{\"layers\": [{\"tasks\": [{\"type\": \"noop\"}]}]}");
    String running = job.path("layers").get(0).path("id").asText();

    HttpApi.Answer a = api.post("/api/v1/tasks", tasks(task(running, "noop")));

    assertThat(a.status()).isEqualTo(409);
    assertThat(a.error()).contains(running).contains("RUNNING and not paused");
  }

  @Test
  void bodyOverTheLimitIsTooLarge() {
    HttpApi.Answer a = api.post("/api/v1/jobs", "{\"name\": \"" + "x".repeat(5000) + "\"}");

    assertThat(a.status()).as(a.text()).isEqualTo(413);
    assertThat(a.error()).contains("4096").contains("igor.limits.max-body-bytes");
  }

  @Test
  void argsOverTheLimitAreTooLarge() {
    String args = "QUFB".repeat(8);
    HttpApi.Answer a =
        api.post(
            "/api/v1/jobs",
            "{\"layers\": [{\"tasks\": [{\"type\": \"echo\", \"args\": \"" + args + "\"}]}]}");

    assertThat(a.status()).isEqualTo(413);
    assertThat(a.error())
        .contains("layers[0].tasks[0].args")
        .contains("24 bytes")
        .contains("igor.limits.max-args-bytes");
  }

  @Test
  void tooManyLayersAreTooLarge() {
    HttpApi.Answer a = api.post("/api/v1/jobs", "{\"layers\": [{}, {}, {}, {}]}");

    assertThat(a.status()).isEqualTo(413);
    assertThat(a.error()).contains("4 layers").contains("igor.limits.max-layers-per-job");
  }

  @Test
  void tooManyTasksInOneRequestAreTooLarge() {
    String five =
        "[" + String.join(",", Collections.nCopies(5, task(Identifiers.newId(), "noop"))) + "]";

    HttpApi.Answer a = api.post("/api/v1/tasks", five);

    assertThat(a.status()).isEqualTo(413);
    assertThat(a.error()).contains("5 tasks").contains("igor.limits.max-tasks-per-request");
  }

  @Test
  void tasksThatWouldTakeAJobOverItsLimitAreTooLarge() {
    JsonNode job =
        create(
            "{\"layers\": [{\"tasks\": [{\"type\": \"noop\"}, {\"type\": \"noop\"}, {\"type\":"
                + " \"noop\"}]}, {\"priority\": 1}]}");
    String pending = job.path("layers").get(1).path("id").asText();
    String four =
        tasks(
            task(pending, "noop"),
            task(pending, "noop"),
            task(pending, "noop"),
            task(pending, "noop"));
    HttpApi.Answer seven =
        api.post(
            "/api/v1/jobs",
            "{\"layers\": [{\"tasks\": ["
                + String.join(",", Collections.nCopies(7, "{\"type\": \"noop\"}"))
                + "]}]}");

    HttpApi.Answer added = api.post("/api/v1/tasks", four);

    assertThat(added.status()).isEqualTo(413);
    assertThat(added.error()).contains("7 tasks").contains("igor.limits.max-tasks-per-job");
    assertThat(seven.status()).isEqualTo(413);
    assertThat(seven.error())
        .contains("7 tasks in the job")
        .contains("igor.limits.max-tasks-per-job");
  }

  @Test
  void taskWithoutLayerIdIsRefusedRatherThanOrphaned() {
    HttpApi.Answer missing = api.post("/api/v1/tasks", "[{\"type\": \"noop\"}]");
    HttpApi.Answer empty = api.post("/api/v1/tasks", tasks(task("", "noop")));
    HttpApi.Answer malformed = api.post("/api/v1/tasks", tasks(task("abc", "noop")));

    assertThat(missing.status()).isEqualTo(400);
    assertThat(missing.error()).contains("[0].layer_id").contains("required");
    assertThat(empty.status()).isEqualTo(400);
    assertThat(malformed.status()).isEqualTo(400);
    assertThat(malformed.error()).contains("lowercase UUID");
  }

  @Test
  void taskForAnUnknownLayerIsNotFound() {
    String layer = Identifiers.newId();

    HttpApi.Answer a = api.post("/api/v1/tasks", tasks(task(layer, "noop")));

    assertThat(a.status()).isEqualTo(404);
    assertThat(a.error()).isEqualTo("layer " + layer + " not found");
  }

  @Test
  void tasksForLayersOfTwoJobsAreRefused() {
    String later = "{\"layers\": [{\"priority\": 1}, {\"tasks\": [{\"type\": \"noop\"}]}]}";
    String one = create(later).path("layers").get(0).path("id").asText();
    String two = create(later).path("layers").get(0).path("id").asText();

    HttpApi.Answer a = api.post("/api/v1/tasks", tasks(task(one, "noop"), task(two, "noop")));

    assertThat(a.status()).isEqualTo(400);
    assertThat(a.error()).contains("one job");
  }

  @Test
  void aRefusedBatchOfTasksAddsNoneOfThem() {
    JsonNode job = create("{\"layers\": [{\"tasks\": [{\"type\": \"noop\"}]}, {\"priority\": 5}]}");
    String running = job.path("layers").get(0).path("id").asText();
    String pending = job.path("layers").get(1).path("id").asText();

    HttpApi.Answer a =
        api.post("/api/v1/tasks", tasks(task(pending, "noop"), task(running, "noop")));

    assertThat(a.status()).isEqualTo(409);
    JsonNode after = api.get("/api/v1/jobs/" + job.path("id").asText()).body();
    assertThat(after.path("layers").get(1).path("tasks")).isEmpty();
  }

  @Test
  void argsThatAreNotBase64AreRefused() {
    HttpApi.Answer a =
        api.post(
            "/api/v1/jobs",
            "{\"layers\": [{\"tasks\": [{\"type\": \"echo\", \"args\": \"%%%\"}]}]}");

    assertThat(a.status()).isEqualTo(400);
    assertThat(a.error()).contains("layers[0].tasks[0].args").contains("base64");
  }

  @Test
  void bodyThatIsNotJsonIsRefused() {
    HttpApi.Answer broken = api.post("/api/v1/jobs", "{\"layers\": [");
    HttpApi.Answer array = api.post("/api/v1/jobs", "[]");
    HttpApi.Answer empty = api.post("/api/v1/jobs", "");

    assertThat(broken.status()).isEqualTo(400);
    assertThat(broken.error()).startsWith("body is not valid JSON");
    assertThat(array.status()).isEqualTo(400);
    assertThat(array.error()).isEqualTo("body must be a JSON object");
    assertThat(empty.status()).isEqualTo(400);
  }

  @Test
  void fieldOfTheWrongTypeIsRefusedNamingIt() {
    HttpApi.Answer word = api.post("/api/v1/jobs", "{\"layers\": [{\"priority\": \"high\"}]}");
    HttpApi.Answer overflow =
        api.post("/api/v1/jobs", "{\"layers\": [{\"priority\": 3000000000}]}");

    assertThat(word.status()).isEqualTo(400);
    assertThat(word.error()).contains("layers[0].priority").contains("32-bit integer");
    assertThat(overflow.status()).isEqualTo(400);
    assertThat(overflow.error()).contains("layers[0].priority");
  }

  @Test
  void nameOverTheLimitAndNegativeRetriesAreRefused() {
    HttpApi.Answer name = api.post("/api/v1/jobs", "{\"name\": \"" + "n".repeat(256) + "\"}");
    HttpApi.Answer retries =
        api.post(
            "/api/v1/jobs", "{\"layers\": [{\"tasks\": [{\"type\": \"noop\", \"retries\": -1}]}]}");

    assertThat(name.status()).isEqualTo(400);
    assertThat(name.error())
        .contains("'name'")
        .contains("255")
        .contains("igor.limits.max-name-length");
    assertThat(retries.status()).isEqualTo(400);
    assertThat(retries.error()).contains("layers[0].tasks[0].retries");
  }

  @Test
  void unknownPathAndWrongMethodAnswerJson() {
    HttpApi.Answer path = api.get("/api/v1/nothing-here");
    HttpApi.Answer method =
        api.send(
            HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + node.httpPort() + "/api/v1/jobs"))
                .DELETE());

    assertThat(path.status()).isEqualTo(404);
    assertThat(path.error()).isNotBlank();
    assertThat(method.status()).isEqualTo(405);
    assertThat(method.error()).contains("POST");
  }

  private static String task(String layerId, String type) {
    return "{\"layer_id\": \"" + layerId + "\", \"type\": \"" + type + "\"}";
  }

  private static String tasks(String... tasks) {
    return "[" + String.join(", ", tasks) + "]";
  }

  private static JsonNode create(String body) {
    HttpApi.Answer a = api.post("/api/v1/jobs", body);
    assertThat(a.status()).as(a.text()).isEqualTo(200);
    return a.body();
  }
}
