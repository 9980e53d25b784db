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
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Property-based fuzzing of API v1 over real HTTP: whatever the body or query, the answer is a
 * clear JSON 2xx/4xx, never a 500, and the node keeps serving. The hostile properties send bodies
 * shaped like real requests whose values are NUL, lone surrogates, control characters, numbers at
 * and past every bound and values of the wrong JSON type; afterwards every job accepted still
 * answers within a second and the lists hold every one of them.
 */
class ApiFuzzTest {
  private static final Set<Integer> EXPECTED = Set.of(200, 400, 404, 405, 409, 413);
  private static final Set<String> ACCEPTED = ConcurrentHashMap.newKeySet();
  private static String pendingLayer;
  private static String runningJob;
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
            db,
            redis,
            List.of(),
            Map.of("igor.limits.max-body-bytes", 65536, "igor.limits.max-tasks-per-job", 50));
    api = new HttpApi(node.httpPort());
    runningJob =
        api.createJob("{\"layers\": [{\"tasks\": [{\"type\": \"nobody\"}]}, {\"priority\": 1}]}");
    pendingLayer =
        api.get("/api/v1/jobs/" + runningJob).body().path("layers").get(1).path("id").asText();
    ACCEPTED.add(runningJob);
  }

  @AfterContainer
  static void stopNode() {
    node.close();
    redis.close();
    db.close();
  }

  @Property(tries = 120)
  void aHostileJobGetsAClearAnswer(@ForAll("hostileJobs") String body) {
    HttpApi.Answer a = api.post("/api/v1/jobs", body);
    assertClear(a, "POST /api/v1/jobs " + body);
    if (a.status() == 200) {
      ACCEPTED.add(a.body().path("id").asText());
    }
  }

  @Property(tries = 80)
  void hostileTasksGetAClearAnswer(@ForAll("hostileTasks") String body) {
    assertClear(api.post("/api/v1/tasks", body), "POST /api/v1/tasks " + body);
  }

  @Property(tries = 80)
  void hostileRefsGetAClearAnswer(
      @ForAll("actions") String action, @ForAll("hostileRefs") String body) {
    assertClear(api.patch("/api/v1/" + action, body), "PATCH " + action + " " + body);
  }

  @Property(tries = 40)
  void hostileListFiltersGetAClearAnswer(
      @ForAll("lists") String list, @ForAll("hostileQueries") String query) {
    assertClear(api.get("/api/v1/" + list + "?" + query), "GET " + list + "?" + query);
  }

  /**
   * After a batch of hostile creates and actions, the node is whole: every accepted job answers
   * within a second, and the unfiltered list and the counts come to hold every one of them.
   */
  @Example
  void afterHostileInputEveryJobAnswersAndTheListsAreComplete() {
    List<String> accepted = new ArrayList<>(ACCEPTED);
    hostileJobs()
        .sampleStream()
        .limit(60)
        .forEach(
            body -> {
              HttpApi.Answer a = api.post("/api/v1/jobs", body);
              assertClear(a, "POST /api/v1/jobs " + body);
              if (a.status() == 200) {
                accepted.add(a.body().path("id").asText());
              }
            });
    hostileRefs().sampleStream().limit(30).forEach(b -> api.patch("/api/v1/pause", b));
    accepted.add(
        api.createJob(
            "{\"name\": \"control\", \"layers\": [{\"tasks\": [{\"type\": \"noop\"}]}]}"));

    for (String id : accepted) {
      long start = System.nanoTime();
      HttpApi.Answer job = api.get("/api/v1/jobs/" + id);
      long millis = (System.nanoTime() - start) / 1_000_000;
      assertThat(job.status()).as(id + ": " + job.text()).isEqualTo(200);
      assertThat(millis).as("GET job " + id).isLessThan(1000);
    }
    api.awaitGet(
        "/api/v1/jobs?limit=10000",
        a -> a.status() == 200 && ids(a.body()).containsAll(accepted),
        Duration.ofSeconds(30));
    String some = String.join(",", accepted.subList(0, Math.min(accepted.size(), 100)));
    HttpApi.Answer counts = api.get("/api/v1/counts?job_ids=" + some);
    assertThat(counts.status()).as(counts.text()).isEqualTo(200);
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
  void anyListQueryGetsAClearAnswer(@ForAll("lists") String list, @ForAll("queries") String query) {
    assertClear(api.get("/api/v1/" + list + "?" + query), "GET " + list + "?" + query);
  }

  @Property(tries = 80)
  void anyIdInAPathGetsAClearAnswer(@ForAll("ids") String id) {
    String encoded = URLEncoder.encode(id, StandardCharsets.UTF_8);
    assertClear(api.get("/api/v1/jobs/" + encoded), "GET job " + id);
    assertClear(api.get("/api/v1/tasks/" + encoded), "GET task " + id);
    assertClear(api.get("/api/v1/jobs/" + encoded + "/status"), "GET status " + id);
  }

  private static Set<String> ids(JsonNode list) {
    Set<String> ids = new HashSet<>();
    list.forEach(j -> ids.add(j.path("id").asText()));
    return ids;
  }

  private static void assertClear(HttpApi.Answer a, String what) {
    assertThat(EXPECTED)
        .as(what + " answered " + a.status() + ": " + a.text())
        .contains(a.status());
    assertThat(a.body()).as(what + " answered no JSON: " + a.text()).isNotNull();
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
                "job_ids",
                "layer_ids",
                "task_ids",
                "statuses",
                "limit",
                "offset",
                "name",
                "types",
                "created_after",
                "created_before",
                "updated_after",
                "updated_before"),
            Arbitraries.strings().alpha().ofMaxLength(8));
    Arbitrary<String> value =
        Arbitraries.oneOf(
            Arbitraries.strings().ofMaxLength(40),
            Arbitraries.longs().map(String::valueOf),
            Arbitraries.of(
                "completed", "RUNNING", "-1", "99999999999999999999", "", Identifiers.newId()));
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
                "name",
                "layers",
                "tasks",
                "type",
                "args",
                "priority",
                "paused_at",
                "retries",
                "timeout",
                "layer_id",
                "kind",
                "id",
                "etag"),
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

  /** Text with what the edge refuses (NUL, lone surrogates, C0 controls) and what it accepts. */
  private static Arbitrary<String> hostileText() {
    return Arbitraries.strings()
        .withChars(
            '\u0000', '\u0001', '\u0007', '\u001f', '\t', '\n', '\r', '\ud800', '\udc00', '\ud83d',
            '\ude00', 'a', 'Z', '\u00e9', ' ', '%', '\\', '"')
        .ofMaxLength(8);
  }

  /** Numbers at and past every bound, and values of every other JSON type. */
  private static Arbitrary<String> hostileNumber() {
    return Arbitraries.of(
        "0",
        "1",
        "-1",
        "604800",
        "604801",
        "100000000",
        "1000",
        "1001",
        "2147483647",
        "2147483648",
        "-2147483649",
        "253402300799",
        "253402300800",
        "9223372036854775807",
        "99999999999999999999",
        "1.5",
        "1.0",
        "1e308",
        "-0",
        "true",
        "false",
        "null",
        "\"1\"",
        "\"\"",
        "[]",
        "{}",
        "[1]");
  }

  /** Any value a field might get: hostile text, a hostile number, or a plain good one. */
  private static Arbitrary<String> hostileValue(String good) {
    return Arbitraries.frequencyOf(
        Tuple.of(3, Arbitraries.just(good)),
        Tuple.of(2, hostileText().map(ApiFuzzTest::quote)),
        Tuple.of(2, hostileNumber()));
  }

  /** A JSON object of the fields whose value is not null. */
  private static String object(String... keysAndValues) {
    List<String> members = new ArrayList<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      if (keysAndValues[i + 1] != null) {
        members.add(quote(keysAndValues[i]) + ":" + keysAndValues[i + 1]);
      }
    }
    return "{" + String.join(",", members) + "}";
  }

  private static Arbitrary<String> hostileTask(Arbitrary<String> layerId) {
    return Combinators.combine(
            layerId,
            hostileValue("\"noop\"").injectNull(0.05),
            hostileValue("\"t\"").injectNull(0.5),
            Arbitraries.oneOf(
                    hostileValue("\"aGk=\""), Arbitraries.of("\"aGk\"", "\"aGl=\"", "\"a\""))
                .injectNull(0.5),
            hostileValue("2").injectNull(0.5),
            hostileValue("30").injectNull(0.5),
            hostileValue("0").injectNull(0.6))
        .as(
            (layer, type, name, args, retries, timeout, pausedAt) ->
                object(
                    "layer_id",
                    layer,
                    "type",
                    type,
                    "name",
                    name,
                    "args",
                    args,
                    "retries",
                    retries,
                    "timeout",
                    timeout,
                    "paused_at",
                    pausedAt));
  }

  @Provide
  Arbitrary<String> hostileJobs() {
    Arbitrary<String> layer =
        Combinators.combine(
                hostileValue("\"layer\"").injectNull(0.5),
                hostileValue("0").injectNull(0.5),
                hostileValue("0").injectNull(0.6),
                hostileTask(Arbitraries.just(null)).list().ofMaxSize(3))
            .as(
                (name, priority, pausedAt, tasks) ->
                    object(
                        "name",
                        name,
                        "priority",
                        priority,
                        "paused_at",
                        pausedAt,
                        "tasks",
                        "[" + String.join(",", tasks) + "]"));
    return Combinators.combine(
            hostileValue("\"job\"").injectNull(0.3),
            hostileValue("0").injectNull(0.6),
            layer.list().ofMaxSize(3))
        .as(
            (name, pausedAt, layers) ->
                object(
                    "name",
                    name,
                    "paused_at",
                    pausedAt,
                    "layers",
                    "[" + String.join(",", layers) + "]"));
  }

  @Provide
  Arbitrary<String> hostileTasks() {
    return hostileTask(
            Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.just(quote(pendingLayer))),
                Tuple.of(1, hostileText().map(ApiFuzzTest::quote)),
                Tuple.of(1, hostileNumber())))
        .list()
        .ofMinSize(1)
        .ofMaxSize(3)
        .map(tasks -> "[" + String.join(",", tasks) + "]");
  }

  @Provide
  Arbitrary<String> hostileRefs() {
    Arbitrary<String> ref =
        Combinators.combine(
                hostileValue("\"Job\""),
                Arbitraries.frequencyOf(
                    Tuple.of(3, Arbitraries.just(quote(runningJob))),
                    Tuple.of(1, hostileText().map(ApiFuzzTest::quote)),
                    Tuple.of(1, hostileNumber())),
                hostileValue("\"" + Identifiers.newId() + "\"").injectNull(0.6))
            .as((kind, id, etag) -> object("kind", kind, "id", id, "etag", etag));
    return ref.list().ofMaxSize(3).map(refs -> "[" + String.join(",", refs) + "]");
  }

  @Provide
  Arbitrary<String> hostileQueries() {
    Arbitrary<String> key =
        Arbitraries.of(
            "job_ids",
            "statuses",
            "limit",
            "offset",
            "name",
            "types",
            "created_after",
            "created_before",
            "updated_after",
            "updated_before");
    Arbitrary<String> value =
        Arbitraries.oneOf(
            hostileText().filter(t -> t.chars().noneMatch(c -> Character.isSurrogate((char) c))),
            hostileNumber());
    return Combinators.combine(key, value)
        .as((k, v) -> k + "=" + URLEncoder.encode(v, StandardCharsets.UTF_8))
        .list()
        .ofMinSize(1)
        .ofMaxSize(3)
        .map(pairs -> String.join("&", pairs));
  }

  private static String quote(String s) {
    StringBuilder b = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      if (c == '"' || c == '\\') {
        b.append('\\').append(c);
      } else if (c < 0x20 || Character.isSurrogate(c)) {
        b.append(String.format("\\u%04x", (int) c));
      } else {
        b.append(c);
      }
    }
    return b.append('"').toString();
  }
}
