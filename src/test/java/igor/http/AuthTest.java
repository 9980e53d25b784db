package igor.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import igor.app.IgorNode;
import igor.domain.Identifiers;
import igor.testing.HttpApi;
import igor.testing.RawHttp;
import igor.testing.TestDatabase;
import igor.testing.TestNode;
import igor.testing.TestRedis;
import java.net.URI;
import java.net.http.HttpRequest;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Every route of API v1 asks for a token of the right role once tokens are configured. */
class AuthTest {
  private static final String READER = "reader-0123456789abcdef";
  private static final String WRITER = "writer-0123456789abcdef";
  private static final String ADMIN = "admin-0123456789abcdef0";
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
                "igor.auth.tokens",
                "dashboards:" + READER + ":read,ci:" + WRITER + ":write,ops:" + ADMIN + ":admin",
                // this class fails on purpose more often than that limit allows (see
                // AuthFailureLimitTest)
                "igor.auth.failures-per-minute",
                0));
    api = new HttpApi(node.httpPort());
  }

  @AfterAll
  static void stopNode() {
    node.close();
    redis.close();
    db.close();
  }

  private static HttpApi.Answer call(String method, String path, String body, String token) {
    HttpRequest.Builder r =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.httpPort() + path))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    if (token != null) {
      r.header("Authorization", "Bearer " + token);
    }
    return api.send(r);
  }

  private static String someJob() {
    return call(
            "POST", "/api/v1/jobs", "{\"layers\": [{\"tasks\": [{\"type\": \"held\"}]}]}", WRITER)
        .body()
        .path("id")
        .asText();
  }

  @Test
  void everyRouteRefusesACallerWithoutAValidToken() {
    String job = someJob();
    String unknown = Identifiers.newId();
    List<String[]> routes =
        List.of(
            new String[] {"GET", "/api/v1/jobs"},
            new String[] {"GET", "/api/v1/layers"},
            new String[] {"GET", "/api/v1/tasks"},
            new String[] {"GET", "/api/v1/jobs/" + job},
            new String[] {"GET", "/api/v1/jobs/" + job + "/status"},
            new String[] {"GET", "/api/v1/jobs/" + job + "/audit"},
            new String[] {"GET", "/api/v1/jobs/" + job + "/results?layer=x"},
            new String[] {"GET", "/api/v1/layers/" + unknown},
            new String[] {"GET", "/api/v1/tasks/" + unknown},
            new String[] {"GET", "/api/v1/counts?job_ids=" + job},
            new String[] {"GET", "/api/v1/events"},
            new String[] {"POST", "/api/v1/jobs"},
            new String[] {"POST", "/api/v1/tasks"},
            new String[] {"PATCH", "/api/v1/pause"},
            new String[] {"PATCH", "/api/v1/unpause"},
            new String[] {"PATCH", "/api/v1/skip"},
            new String[] {"PATCH", "/api/v1/kill"},
            new String[] {"PATCH", "/api/v1/retry"},
            new String[] {"GET", "/api/v1/limits"},
            new String[] {"PUT", "/api/v1/limits/type/x"},
            new String[] {"DELETE", "/api/v1/limits/type/x"});
    for (String[] route : routes) {
      String body = route[0].equals("GET") ? null : "[]";
      HttpApi.Answer none = call(route[0], route[1], body, null);
      HttpApi.Answer wrong = call(route[0], route[1], body, "not-a-token-of-ours-at-all");

      assertThat(none.status()).as(route[0] + " " + route[1]).isEqualTo(401);
      assertThat(none.error()).isEqualTo("a bearer token is required");
      assertThat(wrong.status()).as(route[0] + " " + route[1]).isEqualTo(401);
      assertThat(wrong.error()).isEqualTo("the token is not valid");
    }
    assertThat(api.get("/healthz").status()).isEqualTo(200);
  }

  @Test
  void withTokensTheTokenNotTheOriginOrHostDecides() {
    RawHttp raw = new RawHttp(node.httpPort());
    String foreign = "Origin: http://elsewhere.example\r\nAuthorization: Bearer ";

    RawHttp.Answer withToken =
        raw.send("GET", "/api/v1/jobs", "igor.elsewhere.example", foreign + READER + "\r\n", null);
    RawHttp.Answer withoutToken =
        raw.send("GET", "/api/v1/jobs", "igor.elsewhere.example", "", null);

    assertThat(withToken.status()).as(withToken.body()).isEqualTo(200);
    assertThat(withoutToken.status()).isEqualTo(401);
  }

  @Test
  void aReadTokenReadsButCannotChangeAnything() {
    String job = someJob();

    HttpApi.Answer read = call("GET", "/api/v1/jobs/" + job, null, READER);
    HttpApi.Answer create = call("POST", "/api/v1/jobs", "{}", READER);
    HttpApi.Answer pause =
        call("PATCH", "/api/v1/pause", "[{\"kind\": \"Job\", \"id\": \"" + job + "\"}]", READER);

    HttpApi.Answer results = call("GET", "/api/v1/jobs/" + job + "/results?layer=x", null, READER);

    assertThat(read.status()).isEqualTo(200);
    assertThat(results.status()).as("a read: the job has no layer x").isEqualTo(404);
    assertThat(create.status()).isEqualTo(403);
    assertThat(create.error()).contains("dashboards").contains("role read").contains("needs write");
    assertThat(pause.status()).isEqualTo(403);
  }

  @Test
  void onlyAnAdminTokenChangesFlowControlLimitsAndAReadTokenReadsThem() {
    String body = "{\"concurrency\": 3}";
    HttpApi.Answer byWriter = call("PUT", "/api/v1/limits/type/adminonly", body, WRITER);
    assertThat(byWriter.status()).isEqualTo(403);
    assertThat(byWriter.error()).contains("role write").contains("needs admin");
    assertThat(call("DELETE", "/api/v1/limits/type/adminonly", null, WRITER).status())
        .isEqualTo(403);
    assertThat(call("PUT", "/api/v1/limits/type/adminonly", body, ADMIN).status()).isEqualTo(200);
    HttpApi.Answer read = call("GET", "/api/v1/limits", null, READER);
    assertThat(read.status()).isEqualTo(200);
    assertThat(read.body().toString()).contains("adminonly");
    assertThat(call("DELETE", "/api/v1/limits/type/adminonly", null, ADMIN).status())
        .isEqualTo(200);
  }

  @Test
  void theAuditTrailNamesTheSubjectOfTheTokenThatActed() {
    String job = someJob();

    HttpApi.Answer paused =
        call("PATCH", "/api/v1/pause", "[{\"kind\": \"Job\", \"id\": \"" + job + "\"}]", ADMIN);
    JsonNode audit = call("GET", "/api/v1/jobs/" + job + "/audit", null, READER).body();

    assertThat(paused.body().path("updated").asInt()).isEqualTo(1);
    assertThat(audit)
        .singleElement()
        .satisfies(e -> assertThat(e.path("by").asText()).isEqualTo("ops"));
  }

  @Test
  void aSubjectHeaderFromTheClientIsNotBelieved() {
    String job = someJob();
    HttpRequest.Builder r =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.httpPort() + "/api/v1/skip"))
            .header("Authorization", "Bearer " + WRITER)
            .header("X-Igor-Subject", "somebody-else")
            .method(
                "PATCH",
                HttpRequest.BodyPublishers.ofString(
                    "[{\"kind\": \"Job\", \"id\": \"" + job + "\"}]"));

    api.send(r);

    JsonNode audit = call("GET", "/api/v1/jobs/" + job + "/audit", null, READER).body();
    assertThat(audit.get(0).path("by").asText()).isEqualTo("ci");
  }

  @Test
  void aTokenInTheQueryServesClientsThatCannotSetHeaders() {
    HttpApi.Answer a = call("GET", "/api/v1/jobs?limit=1&access_token=" + READER, null, null);

    assertThat(a.status()).isEqualTo(200);
  }
}
