package igor.http;

import static java.util.concurrent.TimeUnit.MILLISECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import igor.app.IgorNode;
import igor.client.IgorException;
import igor.client.JobSpec;
import igor.client.LayerSpec;
import igor.domain.Identifiers;
import igor.testing.HttpApi;
import igor.testing.StoppableHandler;
import igor.testing.TestDatabase;
import igor.testing.TestNode;
import igor.testing.TestRedis;
import igor.testing.TestTime;
import igor.worker.api.TaskContext;
import igor.worker.api.TaskFailedException;
import igor.worker.api.TaskHandler;
import igor.worker.api.TaskSpec;
import igor.worker.api.Worker;
import igor.worker.builtin.NoopHandler;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What SEMANTICS.md section 7 refuses at the edge, over real HTTP: text with a NUL, a lone
 * surrogate or another control character; values of the wrong JSON type; duplicate keys;
 * non-canonical base64; numbers past their bounds. Each is a JSON 400 naming the field.
 */
class HostileInputTest {
  private static final long SEVEN_DAYS = 7 * 24 * 3600;
  private static final String NUL = "\\u0000";
  private static final String SURROGATE = "\\ud800";
  private static TestDatabase db;
  private static TestRedis redis;
  private static IgorNode node;
  private static HttpApi api;

  @BeforeAll
  static void startNode() {
    db = TestDatabase.create();
    redis = TestRedis.create();
    node = TestNode.start(db, redis, List.of(new NoopHandler(), new StoppableHandler()), Map.of());
    api = new HttpApi(node.httpPort());
  }

  @AfterAll
  static void stopNode() {
    node.close();
    redis.close();
    db.close();
  }

  @Test
  void refusesATimeoutPastTheMaximumNamingTheFieldAndTheSetting() {
    HttpApi.Answer created = post(job(task("\"type\": \"noop\", \"timeout\": 100000000")));
    HttpApi.Answer added =
        api.post(
            "/api/v1/tasks",
            "[{\"layer_id\": \""
                + pendingLayer()
                + "\", \"type\": \"noop\", \"timeout\": "
                + (SEVEN_DAYS + 1)
                + "}]");

    assertThat(created.status()).as(created.text()).isEqualTo(400);
    assertThat(created.error())
        .contains("'layers[0].tasks[0].timeout'")
        .contains("604800")
        .contains("igor.limits.max-task-timeout")
        .contains("100000000");
    assertThat(added.status()).as(added.text()).isEqualTo(400);
    assertThat(added.error()).contains("'[0].timeout'").contains("igor.limits.max-task-timeout");
  }

  @Test
  void aJobWithATimeoutAtTheMaximumRunsAndStaysReachable() {
    String jobId =
        api.createJob(
            job(
                task("\"type\": \"wait\", \"timeout\": " + SEVEN_DAYS),
                "{\"priority\": 1, \"tasks\": [{\"type\": \"noop\", \"timeout\": "
                    + SEVEN_DAYS
                    + "}]}"));
    JsonNode running = api.awaitJob(jobId, j -> taskStatus(j, 0).equals("RUNNING"), patience());
    String taskId = running.path("layers").get(0).path("tasks").get(0).path("id").asText();

    long before = System.nanoTime();
    HttpApi.Answer read = api.get("/api/v1/jobs/" + jobId);
    long readMillis = (System.nanoTime() - before) / 1_000_000;
    HttpApi.Answer skipped =
        api.patch("/api/v1/skip", "[{\"kind\": \"Task\", \"id\": \"" + taskId + "\"}]");

    assertThat(read.status()).isEqualTo(200);
    assertThat(readMillis).isLessThan(1000);
    assertThat(running.path("layers").get(0).path("tasks").get(0).path("timeout").asLong())
        .isEqualTo(SEVEN_DAYS);
    assertThat(skipped.status()).as(skipped.text()).isEqualTo(200);
    JsonNode done = api.awaitJob(jobId, j -> taskStatus(j, 1).equals("COMPLETED"), patience());
    assertThat(done.path("layers").get(1).path("tasks").get(0).path("timeout").asLong())
        .isEqualTo(SEVEN_DAYS);
    assertThat(api.get("/api/v1/jobs/" + jobId).status()).isEqualTo(200);
  }

  @Test
  void refusesRetriesPastTheMaximumAndPausedAtPastTheYear9999() {
    HttpApi.Answer retries = post(job(task("\"type\": \"noop\", \"retries\": 2147483647")));
    HttpApi.Answer pausedAt = post("{\"paused_at\": 253402300800}");
    HttpApi.Answer layerPausedAt = post("{\"layers\": [{\"paused_at\": 9223372036854775807}]}");
    HttpApi.Answer lastSecond = post("{\"paused_at\": 253402300799}");

    assertThat(retries.status()).isEqualTo(400);
    assertThat(retries.error())
        .contains("'layers[0].tasks[0].retries'")
        .contains("1000")
        .contains("igor.limits.max-task-retries");
    assertThat(pausedAt.status()).isEqualTo(400);
    assertThat(pausedAt.error()).contains("'paused_at'").contains("253402300799");
    assertThat(layerPausedAt.status()).isEqualTo(400);
    assertThat(layerPausedAt.error()).contains("'layers[0].paused_at'");
    assertThat(lastSecond.status()).as(lastSecond.text()).isEqualTo(200);
  }

  @Test
  void refusesANulALoneSurrogateAndControlCharactersInEveryTextFieldOfAJob() {
    for (String bad : List.of(NUL, SURROGATE, "\\udc00", "\\u0001", "\\r", "\\u001f")) {
      assertRefused(post("{\"name\": \"a" + bad + "\"}"), "'name'", bad);
      assertRefused(post("{\"layers\": [{\"name\": \"" + bad + "\"}]}"), "'layers[0].name'", bad);
      assertRefused(
          post(job(task("\"type\": \"noop\", \"name\": \"x" + bad + "\""))),
          "'layers[0].tasks[0].name'",
          bad);
      assertRefused(
          post(job(task("\"type\": \"noop" + bad + "\""))), "'layers[0].tasks[0].type'", bad);
      assertRefused(
          post(job(task("\"type\": \"noop\", \"args\": \"aGk=" + bad + "\""))),
          "'layers[0].tasks[0].args'",
          bad);
    }
  }

  @Test
  void refusesBadTextInAddedTasksAndInTheRefsOfEveryAction() {
    String layer = pendingLayer();
    for (String bad : List.of(NUL, SURROGATE, "\\u0007")) {
      assertRefused(
          api.post("/api/v1/tasks", "[{\"layer_id\": \"" + layer + bad + "\", \"type\": \"n\"}]"),
          "'[0].layer_id'",
          bad);
      assertRefused(
          api.post(
              "/api/v1/tasks",
              "[{\"layer_id\": \"" + layer + "\", \"type\": \"n\", \"name\": \"" + bad + "\"}]"),
          "'[0].name'",
          bad);
      for (String action : List.of("pause", "unpause", "skip", "kill", "retry")) {
        String path = "/api/v1/" + action;
        assertRefused(
            api.patch(path, "[{\"kind\": \"Layer" + bad + "\", \"id\": \"" + layer + "\"}]"),
            "'[0].kind'",
            bad);
        assertRefused(
            api.patch(path, "[{\"kind\": \"Layer\", \"id\": \"" + bad + layer + "\"}]"),
            "'[0].id'",
            bad);
        assertRefused(
            api.patch(
                path,
                "[{\"kind\": \"Layer\", \"id\": \"" + layer + "\", \"etag\": \"e" + bad + "\"}]"),
            "'[0].etag'",
            bad);
      }
    }
  }

  @Test
  void acceptsTabsNewlinesAndPairedSurrogatesInNames() {
    HttpApi.Answer a = post("{\"name\": \"a\\tb\\nc \\ud83d\\ude00\"}");

    assertThat(a.status()).as(a.text()).isEqualTo(200);
    assertThat(a.body().path("name").asText()).isEqualTo("a\tb\nc \ud83d\ude00");
  }

  @Test
  void refusesANulOrAControlCharacterInAnyQueryParameterInsteadOfAFalse503() {
    for (String list : List.of("jobs", "layers", "tasks")) {
      HttpApi.Answer name = api.get("/api/v1/" + list + "?name=a%00b");
      HttpApi.Answer control = api.get("/api/v1/" + list + "?name=%01");
      HttpApi.Answer status = api.get("/api/v1/" + list + "?statuses=%00");

      assertThat(name.status()).as(list + " " + name.text()).isEqualTo(400);
      assertThat(name.error()).contains("'name'").contains("NUL");
      assertThat(control.status()).isEqualTo(400);
      assertThat(control.error()).contains("'name'").contains("control character");
      assertThat(status.status()).isEqualTo(400);
      assertThat(status.error()).contains("'statuses'");
    }
    HttpApi.Answer types = api.get("/api/v1/tasks?types=noop%00");
    HttpApi.Answer counts = api.get("/api/v1/counts?job_ids=%00");
    assertThat(types.status()).isEqualTo(400);
    assertThat(types.error()).contains("'types'").contains("NUL");
    assertThat(counts.status()).isEqualTo(400);
    assertThat(counts.error()).contains("'job_ids'");
  }

  @Test
  void refusesTimesInListFiltersPastTheYear9999OrBefore1970() {
    for (String filter :
        List.of("created_after", "created_before", "updated_after", "updated_before")) {
      HttpApi.Answer far = api.get("/api/v1/jobs?" + filter + "=9223372036854775807");
      HttpApi.Answer negative = api.get("/api/v1/tasks?" + filter + "=-1");

      assertThat(far.status()).as(filter + " " + far.text()).isEqualTo(400);
      assertThat(far.error()).contains("'" + filter + "'").contains("253402300799");
      assertThat(negative.status()).isEqualTo(400);
    }
    HttpApi.Answer offset = api.get("/api/v1/jobs?offset=2147483648");
    assertThat(offset.status()).isEqualTo(400);
    assertThat(offset.error()).contains("'offset'").contains("2147483647");
  }

  @Test
  void refusesValuesOfTheWrongJsonTypeForEveryKindOfField() {
    assertWrongType(post("{\"name\": 123}"), "'name'");
    assertWrongType(post("{\"name\": true}"), "'name'");
    assertWrongType(post("{\"name\": 1.5}"), "'name'");
    assertWrongType(post("{\"name\": {}}"), "'name'");
    assertWrongType(post(job(task("\"type\": 7"))), "'layers[0].tasks[0].type'");
    assertWrongType(
        post(job(task("\"type\": \"noop\", \"args\": 5"))), "'layers[0].tasks[0].args'");
    assertWrongType(post("{\"layers\": [{\"priority\": 1.5}]}"), "'layers[0].priority'");
    assertWrongType(post("{\"layers\": [{\"priority\": 1.0}]}"), "'layers[0].priority'");
    assertWrongType(post("{\"layers\": [{\"priority\": \"1\"}]}"), "'layers[0].priority'");
    assertWrongType(post("{\"layers\": [{\"priority\": true}]}"), "'layers[0].priority'");
    assertWrongType(
        post(job(task("\"type\": \"noop\", \"retries\": 2.5"))), "'layers[0].tasks[0].retries'");
    assertWrongType(
        post(job(task("\"type\": \"noop\", \"timeout\": \"10\""))), "'layers[0].tasks[0].timeout'");
    assertWrongType(post("{\"paused_at\": 1.5}"), "'paused_at'");
    assertWrongType(post("{\"paused_at\": false}"), "'paused_at'");
    assertWrongType(post("{\"layers\": \"none\"}"), "'layers'");
    assertWrongType(post("{\"layers\": [{\"tasks\": 3}]}"), "'layers[0].tasks'");
    assertWrongType(
        api.post("/api/v1/tasks", "[{\"layer_id\": 12, \"type\": \"noop\"}]"), "'[0].layer_id'");
    assertWrongType(api.patch("/api/v1/pause", "[{\"kind\": 1, \"id\": \"x\"}]"), "'[0].kind'");
    assertWrongType(api.patch("/api/v1/pause", "[{\"kind\": \"Job\", \"id\": false}]"), "'[0].id'");
    assertWrongType(
        api.patch(
            "/api/v1/pause",
            "[{\"kind\": \"Job\", \"id\": \"" + Identifiers.newId() + "\", \"etag\": 3}]"),
        "'[0].etag'");
  }

  @Test
  void refusesAKeyGivenTwiceInOneObjectNamingIt() {
    HttpApi.Answer top = post("{\"name\": \"a\", \"name\": \"b\"}");
    HttpApi.Answer nested = post("{\"layers\": [{\"priority\": 1, \"priority\": 2}]}");
    HttpApi.Answer action =
        api.patch("/api/v1/kill", "[{\"kind\": \"Job\", \"kind\": \"Task\", \"id\": \"x\"}]");

    assertThat(top.status()).isEqualTo(400);
    assertThat(top.error()).contains("'name'").contains("twice");
    assertThat(nested.status()).isEqualTo(400);
    assertThat(nested.error()).contains("'priority'").contains("twice");
    assertThat(action.status()).isEqualTo(400);
    assertThat(action.error()).contains("'kind'").contains("twice");
  }

  @Test
  void refusesUnpaddedOrNonCanonicalBase64InArgs() {
    HttpApi.Answer unpadded = post(job(task("\"type\": \"noop\", \"args\": \"aGk\"")));
    HttpApi.Answer loose = post(job(task("\"type\": \"noop\", \"args\": \"aGl=\"")));
    HttpApi.Answer canonical = post(job(task("\"type\": \"noop\", \"args\": \"aGk=\"")));

    assertThat(unpadded.status()).isEqualTo(400);
    assertThat(unpadded.error()).contains("'layers[0].tasks[0].args'").contains("canonical");
    assertThat(loose.status()).isEqualTo(400);
    assertThat(loose.error()).contains("'layers[0].tasks[0].args'").contains("aGk=");
    assertThat(canonical.status()).as(canonical.text()).isEqualTo(200);
  }

  @Test
  void anErrorThatEchoesALoneSurrogateIsStillValidUtf8Json() throws Exception {
    HttpResponse<byte[]> r =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + node.httpPort() + "/api/v1/jobs"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"x\\ud800\": 1}"))
                    .build(),
                HttpResponse.BodyHandlers.ofByteArray());

    assertThat(r.statusCode()).isEqualTo(400);
    String text = strictUtf8(r.body());
    assertThat(text).contains("unknown field").contains("x\uFFFD");
  }

  @Test
  void theInClusterApiRefusesWhatTheEdgeRefuses() {
    var igor = node.igor();
    JobSpec overlong =
        JobSpec.named("ok")
            .layer(
                LayerSpec.priority(0)
                    .task(TaskSpec.of("noop", null).withTimeout(Duration.ofDays(8))));
    JobSpec nul = JobSpec.named("a\u0000b");
    JobSpec surrogateType =
        JobSpec.named("ok").layer(LayerSpec.priority(0).task(TaskSpec.of("n\ud800", null)));
    JobSpec retries =
        JobSpec.named("ok")
            .layer(LayerSpec.priority(0).task(TaskSpec.of("noop", null).withRetries(1001)));

    assertThatThrownBy(() -> igor.create(overlong))
        .isInstanceOf(IgorException.BadRequest.class)
        .hasMessageContaining("timeout")
        .hasMessageContaining("igor.limits.max-task-timeout");
    assertThatThrownBy(() -> igor.create(nul))
        .isInstanceOf(IgorException.BadRequest.class)
        .hasMessageContaining("job name")
        .hasMessageContaining("NUL");
    assertThatThrownBy(() -> igor.create(surrogateType))
        .isInstanceOf(IgorException.BadRequest.class)
        .hasMessageContaining("type")
        .hasMessageContaining("lone surrogate");
    assertThatThrownBy(() -> igor.create(retries))
        .isInstanceOf(IgorException.BadRequest.class)
        .hasMessageContaining("igor.limits.max-task-retries");
  }

  @Test
  void theWorkerSdkGetsARefusalThatIsNotRetriedForATimeoutPastTheMaximum() throws Exception {
    String layer = pendingLayer();
    List<TaskSpec> overlong =
        List.of(TaskSpec.of("noop", null).withTimeout(Duration.ofSeconds(Long.MAX_VALUE)));
    CompletableFuture<TaskFailedException> refused = new CompletableFuture<>();
    TaskHandler adding =
        new TaskHandler() {
          @Override
          public String type() {
            return "adds-overlong";
          }

          @Override
          public byte[] handle(TaskContext context) throws TaskFailedException {
            try {
              context.addTasks(context.argsAsText(), overlong);
              refused.completeExceptionally(new AssertionError("the tasks were added"));
              return null;
            } catch (TaskFailedException e) {
              refused.complete(e);
              throw e;
            }
          }
        };
    api.createJob(
        job(
            "{\"type\": \"adds-overlong\", \"args\": \""
                + Base64.getEncoder().encodeToString(layer.getBytes(StandardCharsets.UTF_8))
                + "\"}"));

    try (Worker worker =
        Worker.connect(redis.url())
            .keyPrefix(redis.prefix())
            .apiUrl("http://127.0.0.1:" + node.httpPort())
            .register(adding)
            .start()) {
      assertThat(refused.get(TestTime.scaled(Duration.ofSeconds(30)).toMillis(), MILLISECONDS))
          .satisfies(e -> assertThat(e.isRetryable()).isFalse())
          .hasMessageContaining("400")
          .hasMessageContaining("igor.limits.max-task-timeout");
    }
  }

  private static void assertRefused(HttpApi.Answer a, String field, String bad) {
    assertThat(a.status()).as(bad + " in " + field + ": " + a.text()).isEqualTo(400);
    assertThat(a.error()).as(a.text()).contains(field).contains("text must be valid Unicode");
  }

  private static void assertWrongType(HttpApi.Answer a, String field) {
    assertThat(a.status()).as(field + ": " + a.text()).isEqualTo(400);
    assertThat(a.error()).as(a.text()).contains(field).contains("must be");
  }

  private static String strictUtf8(byte[] bytes) throws CharacterCodingException {
    return StandardCharsets.UTF_8
        .newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT)
        .decode(ByteBuffer.wrap(bytes))
        .toString();
  }

  /** A layer that has not started (behind one whose task no worker takes), to add tasks to. */
  private static String pendingLayer() {
    String jobId = api.createJob(job(task("\"type\": \"nobody-runs-this\""), "{\"priority\": 1}"));
    return api.get("/api/v1/jobs/" + jobId).body().path("layers").get(1).path("id").asText();
  }

  private static HttpApi.Answer post(String body) {
    return api.post("/api/v1/jobs", body);
  }

  /** A job body of one layer with the task. */
  private static String job(String task) {
    return "{\"layers\": [{\"tasks\": [" + task + "]}]}";
  }

  /** A job body of one layer with the task, then more layers. */
  private static String job(String task, String moreLayers) {
    return "{\"layers\": [{\"tasks\": [" + task + "]}, " + moreLayers + "]}";
  }

  private static String task(String fields) {
    return "{" + fields + "}";
  }

  private static String taskStatus(JsonNode job, int layer) {
    return job.path("layers").get(layer).path("tasks").get(0).path("status").asText();
  }

  private static Duration patience() {
    return Duration.ofSeconds(20);
  }
}
