package igor.http;

import static org.assertj.core.api.Assertions.assertThat;

import igor.app.IgorNode;
import igor.domain.Identifiers;
import igor.testing.HttpApi;
import igor.testing.TestDatabase;
import igor.testing.TestNode;
import igor.testing.TestRedis;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Property-based fuzzing of API v1 over real HTTP: whatever the body or query, the answer is a
 * clear JSON 2xx/4xx, never a 500, and the node keeps serving.
 */
class ApiFuzzTest {
  private static final Set<Integer> EXPECTED = Set.of(200, 400, 404, 405, 409, 413);
  private static TestDatabase db;
  private static TestRedis redis;
  private static IgorNode node;
  private static HttpApi api;

  @BeforeContainer
  static void startNode() {
    db = TestDatabase.create();
    redis = TestRedis.create();
    node =
        TestNode.start(
            db, redis, List.of(), Map.of("igor.limits.max-body-bytes", 65536, "igor.limits.max-tasks-per-job", 50));
    api = new HttpApi(node.httpPort());
  }

  @AfterContainer
  static void stopNode() {
    node.close();
    redis.close();
    db.close();
  }

  @Property(tries = 150)
  void anyJobBodyGetsAClearAnswer(@ForAll("jsonish") String body) {
    assertClear(api.post("/api/v1/jobs", body), "POST /api/v1/jobs " + body);
  }

  @Property(tries = 100)
  void anyTasksBodyGetsAClearAnswer(@ForAll("jsonish") String body) {
    assertClear(api.post("/api/v1/tasks", body), "POST /api/v1/tasks " + body);
  }

  @Property(tries = 100)
  void anyActionBodyGetsAClearAnswer(
      @ForAll("actions") String action, @ForAll("jsonish") String body) {
    HttpApi.Answer a =
        api.send(
            HttpRequest.newBuilder(URI.create(base() + "/api/v1/" + action))
                .method("PATCH", HttpRequest.BodyPublishers.ofString(body)));
    assertClear(a, "PATCH " + action + " " + body);
  }

  @Property(tries = 150)
  void anyListQueryGetsAClearAnswer(
      @ForAll("lists") String list, @ForAll("queries") String query) {
    assertClear(api.get("/api/v1/" + list + "?" + query), "GET " + list + "?" + query);
  }

  @Property(tries = 80)
  void anyIdInAPathGetsAClearAnswer(@ForAll("ids") String id) {
    String encoded = URLEncoder.encode(id, StandardCharsets.UTF_8);
    assertClear(api.get("/api/v1/jobs/" + encoded), "GET job " + id);
    assertClear(api.get("/api/v1/tasks/" + encoded), "GET task " + id);
    assertClear(api.get("/api/v1/jobs/" + encoded + "/status"), "GET status " + id);
  }

  private static void assertClear(HttpApi.Answer a, String what) {
    assertThat(EXPECTED).as(what + " answered " + a.status() + ": " + a.text()).contains(a.status());
    if (a.status() != 200) {
      assertThat(a.error()).as(what + " error body: " + a.text()).isNotBlank();
      assertThat(a.text()).doesNotContain("Exception").doesNotContain("\tat ");
    }
  }

  private static String base() {
    return "http://127.0.0.1:" + node.httpPort();
  }

  @Provide
  Arbitrary<String> actions() {
    return Arbitraries.of("pause", "unpause", "skip", "kill", "retry");
  }

  @Provide
  Arbitrary<String> lists() {
    return Arbitraries.of("jobs", "layers", "tasks", "counts");
  }

  @Provide
  Arbitrary<String> ids() {
    return Arbitraries.oneOf(
        Arbitraries.strings().ofMinLength(1).ofMaxLength(60),
        Arbitraries.just(Identifiers.newId()),
        Arbitraries.just(Identifiers.newId().toUpperCase()));
  }

  @Provide
  Arbitrary<String> queries() {
    Arbitrary<String> key =
        Arbitraries.oneOf(
            Arbitraries.of(
                "job_ids", "layer_ids", "task_ids", "statuses", "limit", "offset", "name", "types",
                "created_after", "created_before", "updated_after", "updated_before"),
            Arbitraries.strings().alpha().ofMaxLength(8));
    Arbitrary<String> value =
        Arbitraries.oneOf(
            Arbitraries.strings().ofMaxLength(40),
            Arbitraries.longs().map(String::valueOf),
            Arbitraries.of("completed", "RUNNING", "-1", "99999999999999999999", "", Identifiers.newId()));
    return Combinators.combine(key, value)
        .as((k, v) -> k + "=" + URLEncoder.encode(v, StandardCharsets.UTF_8))
        .list()
        .ofMaxSize(5)
        .map(pairs -> String.join("&", pairs));
  }

  /** Bodies that are JSON of every shape (objects with known and unknown fields), or not JSON. */
  @Provide
  Arbitrary<String> jsonish() {
    return Arbitraries.lazyOf(
        () -> value(3),
        () -> Arbitraries.strings().ofMaxLength(80),
        () -> value(3).map(v -> v.substring(0, v.length() / 2)));
  }

  private Arbitrary<String> value(int depth) {
    Arbitrary<String> scalar =
        Arbitraries.oneOf(
            Arbitraries.strings().ofMaxLength(30).map(ApiFuzzTest::quote),
            Arbitraries.integers().map(String::valueOf),
            Arbitraries.longs().map(String::valueOf),
            Arbitraries.doubles().map(String::valueOf),
            Arbitraries.of("true", "false", "null", "\"aGk=\"", "\"" + Identifiers.newId() + "\""));
    if (depth == 0) {
      return scalar;
    }
    Arbitrary<String> field =
        Arbitraries.oneOf(
            Arbitraries.of(
                "name", "layers", "tasks", "type", "args", "priority", "paused_at", "retries",
                "timeout", "layer_id", "kind", "id", "etag"),
            Arbitraries.strings().ofMaxLength(10));
    Arbitrary<String> object =
        Combinators.combine(field.map(ApiFuzzTest::quote), value(depth - 1))
            .as((k, v) -> k + ":" + v)
            .list()
            .ofMaxSize(5)
            .map(members -> "{" + String.join(",", members) + "}");
    Arbitrary<String> array =
        value(depth - 1).list().ofMaxSize(4).map(items -> "[" + String.join(",", items) + "]");
    return Arbitraries.oneOf(scalar, object, array);
  }

  private static String quote(String s) {
    StringBuilder b = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      if (c == '"' || c == '\\') {
        b.append('\\').append(c);
      } else if (c < 0x20) {
        b.append(String.format("\\u%04x", (int) c));
      } else {
        b.append(c);
      }
    }
    return b.append('"').toString();
  }
}
