package igor.http;

import static igor.testing.HttpApi.status;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import igor.testing.TestNode;
import igor.worker.builtin.BuiltinHandlers;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The OpenAPI document served at /api/v1/openapi.json is the contract of API v1: every route the
 * server names is in it, and every operation in it, called on a real node, answers a status the
 * document lists with a body its schema accepts (schemas forbid fields they do not name, so a new
 * field in an answer fails here until the document has it).
 */
class ApiContractTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<String> METHODS = Set.of("get", "post", "patch", "put", "delete");
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private static TestNode.Running igor;
  private static String base;
  private static JsonNode contract;

  /** Operations answered, as "METHOD /path/template STATUS". */
  private static final Set<String> answered = new TreeSet<>();

  @BeforeAll
  static void start() throws IOException {
    igor = TestNode.running(BuiltinHandlers.all());
    base = "http://127.0.0.1:" + igor.node().httpPort();
    try (InputStream in =
        ApiContractTest.class.getClassLoader().getResourceAsStream(ContractRoutes.DOCUMENT)) {
      contract = JSON.readTree(in);
    }
  }

  @AfterAll
  static void stop() {
    igor.close();
  }

  @Test
  void theNodeServesTheContractItKeeps() throws Exception {
    Exchange served = call("GET", "/api/v1/openapi.json", "/api/v1/openapi.json", null);
    assertThat(served.status()).isEqualTo(200);
    assertThat(served.contentType()).startsWith("application/json");
    assertThat(JSON.readTree(served.body())).isEqualTo(contract);
    assertThat(contract.path("openapi").asText()).isEqualTo("3.1.0");
  }

  @Test
  void theContractRefusesAnAnswerThatDriftedFromIt() throws IOException {
    JsonNode task = JSON.readTree("{\"$ref\": \"#/components/schemas/Task\"}");
    String valid =
        "{\"id\": \"3f1c0e4a-0000-4000-8000-000000000001\", \"etag\":"
            + " \"3f1c0e4a-0000-4000-8000-000000000002\", \"status\": \"QUEUED\", \"name\": \"\","
            + " \"paused_at\": 0, \"job_id\": \"3f1c0e4a-0000-4000-8000-000000000003\","
            + " \"layer_id\": \"3f1c0e4a-0000-4000-8000-000000000004\", \"type\": \"echo\","
            + " \"retries\": 0, \"timeout\": 0, \"attempts\": 1, \"message\": \"\","
            + " \"queue_task_id\": \"\", \"created_at\": 1, \"updated_at\": 2}";
    assertThat(problems(task, valid)).isEmpty();
    assertThat(problems(task, valid.replace("}", ", \"worker\": \"w-1\"}")))
        .as("a field the contract does not name")
        .isNotEmpty();
    assertThat(problems(task, valid.replace("\"QUEUED\"", "\"WAITING\"")))
        .as("a status the contract does not list")
        .isNotEmpty();
    assertThat(problems(task, valid.replace("\"attempts\": 1, ", "")))
        .as("a required field missing")
        .isNotEmpty();
  }

  @Test
  void everyRouteTheServerNamesIsInTheContract() {
    Set<String> documented = new TreeSet<>();
    contract.path("paths").fieldNames().forEachRemaining(documented::add);
    for (String resource : RouteNames.resources()) {
      assertThat(documented).as("resources of RouteNames").contains("/api/v1/" + resource);
    }
    for (String root : RouteNames.roots()) {
      assertThat(documented).as("root routes of RouteNames").contains("/" + root);
    }
    for (String path : documented) {
      assertThat(RouteNames.of(path.replace("{id}", UUID.randomUUID().toString())))
          .as("metrics route of " + path)
          .isEqualTo(path);
    }
  }

  @Test
  void everyOperationAnswersAsTheContractSays() throws Exception {
    String later = UUID.randomUUID().toString();
    Exchange created =
        call(
            "POST",
            "/api/v1/jobs",
            "/api/v1/jobs",
            "{\"name\": \"contract\", \"paused_at\": 1, \"layers\": ["
                + "{\"name\": \"first\", \"tasks\": [{\"type\": \"echo\", \"args\": \""
                + Base64.getEncoder().encodeToString("hi".getBytes())
                + "\", \"retries\": 1, \"timeout\": 60}]},"
                + "{\"name\": \"second\", \"priority\": 10, \"tasks\": []}]}");
    assertThat(created.status()).isEqualTo(200);
    JsonNode job = JSON.readTree(created.body());
    String jobId = job.path("id").asText();
    String firstLayer = job.path("layers").get(0).path("id").asText();
    String secondLayer = job.path("layers").get(1).path("id").asText();
    String taskId = job.path("layers").get(0).path("tasks").get(0).path("id").asText();

    Exchange added =
        call(
            "POST",
            "/api/v1/tasks",
            "/api/v1/tasks",
            "[{\"layer_id\": \""
                + secondLayer
                + "\", \"type\": \"fail\", \"name\": \""
                + later
                + "\"}]");
    assertThat(added.status()).isEqualTo(200);
    String failingTask = JSON.readTree(added.body()).get(0).path("id").asText();

    assertThat(act("unpause", "Job", jobId).status()).isEqualTo(200);
    igor.api().awaitJob(jobId, status("ERRORED"), Duration.ofSeconds(30));
    assertThat(
            call(
                    "POST",
                    "/api/v1/tasks",
                    "/api/v1/tasks",
                    "[{\"layer_id\": \"" + firstLayer + "\", \"type\": \"echo\"}]")
                .status())
        .isEqualTo(409);
    assertThat(act("retry", "Task", failingTask).status()).isEqualTo(200);
    assertThat(act("pause", "Layer", secondLayer).status()).isEqualTo(200);
    assertThat(act("skip", "Task", failingTask).status()).isEqualTo(200);
    assertThat(act("kill", "Job", jobId).status()).isEqualTo(200);
    assertThat(call("PATCH", "/api/v1/pause", "/api/v1/pause", "null").status()).isEqualTo(200);
    Exchange delayed =
        call(
            "POST",
            "/api/v1/jobs",
            "/api/v1/jobs",
            "{\"start_after\": 3600, \"layers\": [{\"tasks\": [{\"type\": \"noop\"}]}]}");
    assertThat(JSON.readTree(delayed.body()).path("status").asText()).isEqualTo("PENDING");
    assertThat(act("start", "Job", JSON.readTree(delayed.body()).path("id").asText()).body())
        .isEqualTo("{\"updated\":1}");
    assertThat(call("POST", "/api/v1/jobs", "/api/v1/jobs", "{\"start_at\": -1}").status())
        .isEqualTo(400);

    String ids = "?job_ids=" + jobId;
    assertThat(get("/api/v1/jobs/{id}", "/api/v1/jobs/" + jobId).status()).isEqualTo(200);
    assertThat(get("/api/v1/jobs/{id}/status", "/api/v1/jobs/" + jobId + "/status").status())
        .isEqualTo(200);
    assertThat(get("/api/v1/jobs/{id}/audit", "/api/v1/jobs/" + jobId + "/audit").status())
        .isEqualTo(200);
    assertThat(get("/api/v1/jobs/{id}/timeline", "/api/v1/jobs/" + jobId + "/timeline").status())
        .isEqualTo(200);
    String results = "/api/v1/jobs/{id}/results";
    assertThat(get(results, "/api/v1/jobs/" + jobId + "/results?layer=first&limit=1").body())
        .contains(taskId, "\"next\":null");
    assertThat(get(results, "/api/v1/jobs/" + jobId + "/results").status()).isEqualTo(400);
    assertThat(get(results, "/api/v1/jobs/" + jobId + "/results?layer=none").status())
        .isEqualTo(404);
    assertThat(get("/api/v1/jobs", "/api/v1/jobs" + ids).status()).isEqualTo(200);
    assertThat(get("/api/v1/layers", "/api/v1/layers" + ids).status()).isEqualTo(200);
    assertThat(get("/api/v1/tasks", "/api/v1/tasks" + ids + "&statuses=COMPLETED").body())
        .contains(taskId, "\"result\"");
    assertThat(get("/api/v1/layers/{id}", "/api/v1/layers/" + firstLayer).status()).isEqualTo(200);
    assertThat(get("/api/v1/tasks/{id}", "/api/v1/tasks/" + taskId).status()).isEqualTo(200);
    assertThat(get("/api/v1/tasks/{id}/logs", "/api/v1/tasks/" + taskId + "/logs").status())
        .isEqualTo(200);
    assertThat(get("/api/v1/tasks/{id}/logs", "/api/v1/tasks/" + taskId + "/logs?limit=0").status())
        .isEqualTo(400);
    assertThat(get("/api/v1/counts", "/api/v1/counts" + ids).status()).isEqualTo(200);
    assertThat(get("/api/v1/cluster", "/api/v1/cluster").status()).isEqualTo(200);
    assertThat(get("/api/v1/dashboard", "/api/v1/dashboard").body()).contains("\"echo\"");
    assertThat(get("/api/v1/dashboard", "/api/v1/dashboard?since=soon").status()).isEqualTo(400);
    assertThat(get("/api/v1/workers", "/api/v1/workers").body()).contains("igor-java");
    assertThat(get("/api/v1/workers", "/api/v1/workers?limit=0").status()).isEqualTo(400);
    String waits =
        JSON.readTree(
                call(
                        "POST",
                        "/api/v1/jobs",
                        "/api/v1/jobs",
                        "{\"layers\": [{\"tasks\": [{\"type\": \"nobody-takes\"}]}]}")
                    .body())
            .path("id")
            .asText();
    igor.api()
        .awaitJob(waits, j -> j.has("waiting_reason"), Duration.ofSeconds(30)); // then checked:
    assertThat(get("/api/v1/jobs/{id}", "/api/v1/jobs/" + waits).body())
        .contains("\"waiting_reason\"");
    assertThat(get("/api/v1/tasks", "/api/v1/tasks?job_ids=" + waits).body())
        .contains("\"waiting_reason\"");
    assertThat(
            call(
                    "PUT",
                    "/api/v1/limits/{kind}/{name}",
                    "/api/v1/limits/type/contract",
                    "{\"concurrency\": 2, \"rate\": 10, \"per_seconds\": 1}")
                .status())
        .isEqualTo(200);
    Exchange flowJob =
        call(
            "POST",
            "/api/v1/jobs",
            "/api/v1/jobs",
            "{\"urgency\": 4, \"layers\": [{\"tasks\": [{\"type\": \"contract\","
                + " \"concurrency_key\": \"c1\", \"fairness_key\": \"t1\"}]}]}");
    assertThat(flowJob.body()).contains("\"urgency\":4", "\"concurrency_key\":\"c1\"");
    assertThat(get("/api/v1/limits", "/api/v1/limits").body()).contains("\"contract\"");
    assertThat(
            call("DELETE", "/api/v1/limits/{kind}/{name}", "/api/v1/limits/type/contract", null)
                .status())
        .isEqualTo(200);
    assertThat(get("/healthz", "/healthz").status()).isEqualTo(200);
    assertThat(get("/readyz", "/readyz").status()).isEqualTo(200);
    assertThat(get("/metrics", "/metrics").body()).contains("igor_tasks_started_total");
    assertThat(get("/api/v1/openapi.json", "/api/v1/openapi.json").status()).isEqualTo(200);
    assertThat(events(jobId).status()).isEqualTo(200);

    everyScheduleOperationAnswers();

    String unknown = UUID.randomUUID().toString();
    for (String path :
        List.of("/api/v1/jobs/{id}", "/api/v1/jobs/{id}/status", "/api/v1/jobs/{id}/timeline")) {
      assertThat(get(path, path.replace("{id}", unknown)).status()).isEqualTo(404);
    }
    assertThat(get("/api/v1/tasks/{id}", "/api/v1/tasks/" + unknown).status()).isEqualTo(404);
    assertThat(get("/api/v1/tasks/{id}/logs", "/api/v1/tasks/" + unknown + "/logs").status())
        .isEqualTo(404);
    assertThat(get("/api/v1/jobs/{id}", "/api/v1/jobs/not-an-id").status()).isEqualTo(400);
    assertThat(get("/api/v1/jobs", "/api/v1/jobs?limit=many").status()).isEqualTo(400);
    assertThat(call("POST", "/api/v1/jobs", "/api/v1/jobs", "{\"layers\": 3}").status())
        .isEqualTo(400);
    assertThat(act("kill", "Job", unknown).status()).isEqualTo(404);
    String key = UUID.randomUUID().toString();
    String keyed = "{\"name\": \"keyed\", \"layers\": [{\"tasks\": []}]}";
    assertThat(keyed("/api/v1/jobs", keyed, key).status()).isEqualTo(200);
    assertThat(keyed("/api/v1/jobs", keyed, key).status()).isEqualTo(200);
    assertThat(keyed("/api/v1/jobs", keyed.replace("keyed", "other"), key).status()).isEqualTo(409);
    assertThat(keyed("/api/v1/jobs", keyed, " ").status()).isEqualTo(400);

    Set<String> operations = new TreeSet<>();
    for (Iterator<Map.Entry<String, JsonNode>> paths = contract.path("paths").fields();
        paths.hasNext(); ) {
      Map.Entry<String, JsonNode> path = paths.next();
      path.getValue()
          .fieldNames()
          .forEachRemaining(
              m -> {
                if (METHODS.contains(m)) {
                  operations.add(m.toUpperCase() + " " + path.getKey());
                }
              });
    }
    Set<String> answeredWithSuccess = new TreeSet<>();
    answered.stream()
        .filter(a -> a.endsWith(" 200"))
        .forEach(a -> answeredWithSuccess.add(a.substring(0, a.length() - 4)));
    assertThat(answeredWithSuccess).as("operations called with success").isEqualTo(operations);
  }

  private static void everyScheduleOperationAnswers() throws Exception {
    Exchange created =
        call(
            "POST",
            "/api/v1/schedules",
            "/api/v1/schedules",
            "{\"name\": \"contract\", \"cron\": \"0 0 3 * * *\", \"time_zone\":"
                + " \"Europe/Paris\", \"overlap\": \"allow\", \"catch_up\": \"all\","
                + " \"catch_up_limit\": 2, \"job\": {\"layers\": [{\"tasks\": [{\"type\":"
                + " \"noop\"}]}]}}");
    assertThat(created.status()).isEqualTo(200);
    String id = JSON.readTree(created.body()).path("id").asText();
    String one = "/api/v1/schedules/{id}";
    assertThat(get("/api/v1/schedules", "/api/v1/schedules").body()).contains(id);
    assertThat(get(one, "/api/v1/schedules/" + id).status()).isEqualTo(200);
    for (String action : List.of("pause", "unpause", "trigger")) {
      String template = one + "/" + action;
      assertThat(call("POST", template, template.replace("{id}", id), null).status())
          .isEqualTo(200);
    }
    assertThat(call("DELETE", one, "/api/v1/schedules/" + id, null).status()).isEqualTo(200);
    assertThat(get(one, "/api/v1/schedules/" + id).status()).isEqualTo(404);
    assertThat(
            call(
                    "POST",
                    "/api/v1/schedules",
                    "/api/v1/schedules",
                    "{\"cron\": \"0 61 * * * *\", \"job\": {}}")
                .status())
        .isEqualTo(400);
  }

  private static Exchange act(String action, String kind, String id) throws Exception {
    String path = "/api/v1/" + action;
    return call("PATCH", path, path, "[{\"kind\": \"" + kind + "\", \"id\": \"" + id + "\"}]");
  }

  private static Exchange get(String template, String path) throws Exception {
    return call("GET", template, path, null);
  }

  /** Opens the event stream, checks its headers against the contract, and closes it. */
  private static Exchange events(String jobId) throws Exception {
    HttpResponse<InputStream> r =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(base + "/api/v1/events?job_ids=" + jobId))
                .timeout(Duration.ofSeconds(10))
                .GET()
                .build(),
            HttpResponse.BodyHandlers.ofInputStream());
    String type = r.headers().firstValue("Content-Type").orElse("");
    byte[] first = new byte[64];
    int n = r.body().read(first);
    r.body().close();
    Exchange e = new Exchange(r.statusCode(), type, new String(first, 0, Math.max(n, 0)));
    check("GET", "/api/v1/events", e);
    return e;
  }

  /** A POST with the header Idempotency-Key. */
  private static Exchange keyed(String path, String body, String key) throws Exception {
    return call("POST", path, path, body, key);
  }

  private static Exchange call(String method, String template, String path, String body)
      throws Exception {
    return call(method, template, path, body, null);
  }

  private static Exchange call(
      String method, String template, String path, String body, String idempotencyKey)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30));
    if (idempotencyKey != null) {
      request.header("Idempotency-Key", idempotencyKey);
    }
    request.method(
        method,
        body == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) {
      request.header("Content-Type", "application/json");
    }
    HttpResponse<String> r = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    Exchange e =
        new Exchange(r.statusCode(), r.headers().firstValue("Content-Type").orElse(""), r.body());
    check(method, template, e);
    return e;
  }

  /** The answer's status is one the operation lists, and its body is what that status says. */
  private static void check(String method, String template, Exchange e) throws IOException {
    String operation = method + " " + template;
    JsonNode declared = contract.path("paths").path(template).path(method.toLowerCase());
    assertThat(declared.isMissingNode()).as(operation + " is in the contract").isFalse();
    JsonNode response = resolve(declared.path("responses").path(String.valueOf(e.status())));
    assertThat(response.isMissingNode())
        .as(operation + " answered " + e.status() + ", which the contract does not list: " + e)
        .isFalse();
    answered.add(operation + " " + e.status());
    JsonNode content = response.path("content");
    if (content.isMissingNode()) {
      return;
    }
    String mediaType = content.fieldNames().next();
    assertThat(e.contentType()).as(operation + " content type").startsWith(mediaType);
    if (!mediaType.equals("application/json")) {
      return;
    }
    List<String> problems = problems(content.path(mediaType).path("schema"), e.body());
    assertThat(problems).as(operation + " " + e.status() + " answered " + e.body()).isEmpty();
  }

  /** What the schema (with the document's components) finds wrong in the body. */
  private static List<String> problems(JsonNode schema, String body) throws IOException {
    ObjectNode standalone = JSON.createObjectNode();
    standalone.put("$schema", "https://json-schema.org/draft/2020-12/schema");
    standalone.setAll((ObjectNode) schema.deepCopy());
    standalone.set("components", contract.path("components").deepCopy());
    Set<ValidationMessage> messages =
        JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012)
            .getSchema(standalone)
            .validate(JSON.readTree(body));
    List<String> problems = new ArrayList<>();
    messages.forEach(m -> problems.add(m.getMessage()));
    return problems;
  }

  /** A response, or the shared one it refers to. */
  private static JsonNode resolve(JsonNode response) {
    String ref = response.path("$ref").asText("");
    if (ref.isEmpty()) {
      return response;
    }
    JsonNode target = contract;
    for (String part : ref.substring(2).split("/")) {
      target = target.path(part);
    }
    return target;
  }

  private record Exchange(int status, String contentType, String body) {
    @Override
    public String toString() {
      return status + " " + contentType + " " + body;
    }
  }
}
