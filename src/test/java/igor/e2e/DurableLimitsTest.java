package igor.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import igor.app.IgorNode;
import igor.testing.HttpApi;
import igor.testing.StoppableRedis;
import igor.testing.TestDatabase;
import igor.testing.TestNode;
import igor.testing.TestRedis;
import igor.testing.TestTime;
import java.net.URI;
import java.net.http.HttpRequest;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Limits set and removed through the API are kept in PostgreSQL (ADR 0026): they outlive Redis
 * losing its data (every key of the test's prefix deleted, as FLUSHALL would) and a node's restart,
 * they win over the configuration's until the API changes them again, and a change Redis missed is
 * put back in line by the nodes. Real PostgreSQL, real Redis, real nodes over HTTP.
 */
@Timeout(value = 5, unit = java.util.concurrent.TimeUnit.MINUTES)
class DurableLimitsTest {
  private static final Duration WAIT = TestTime.scaled(Duration.ofSeconds(30));

  private TestDatabase db;
  private TestRedis redis;
  private StoppableRedis server;
  private IgorNode node;
  private HttpApi api;

  @AfterEach
  void stopEverything() {
    if (node != null) {
      node.close();
    }
    if (redis != null) {
      redis.close();
    }
    if (server != null) {
      server.close();
    }
    if (db != null) {
      db.close();
    }
  }

  @Test
  void aLimitSetThroughTheApiSurvivesRedisLosingItsDataAndANodeRestart() {
    db = TestDatabase.create();
    redis = TestRedis.create();
    start(List.of());
    put("type", "email", "{\"concurrency\": 5, \"rate\": 50, \"per_seconds\": 2}", 200);

    redisLosesItsData();
    JsonNode back = awaitLimit("type", "email", 5);
    assertThat(back.path("rate").asInt()).isEqualTo(50);
    assertThat(back.path("per_seconds").asDouble()).isEqualTo(2.0);

    restartAfterRedisLostItsData(List.of());
    assertThat(concurrencyOf("type", "email")).as("right after the restart").isEqualTo(5);
  }

  @Test
  void
      aLimitSetThroughTheApiWinsOverTheConfigurationsAfterRestartsAndDataLossWhileTheOthersFollowTheConfiguration() {
    db = TestDatabase.create();
    redis = TestRedis.create();
    start(List.of(limit("type", "email", 2), limit("key", "acme", 4)));
    assertThat(concurrencyOf("type", "email")).as("the configuration's at start").isEqualTo(2);
    put("type", "email", "{\"concurrency\": 7}", 200);

    restart(List.of(limit("type", "email", 2), limit("key", "acme", 4)));
    assertThat(concurrencyOf("type", "email")).as("the API's after a restart").isEqualTo(7);
    assertThat(concurrencyOf("key", "acme")).isEqualTo(4);

    redisLosesItsData();
    awaitLimit("type", "email", 7);
    awaitLimit("key", "acme", 4);

    // the configuration changes: its limit the API never touched follows it, the other does not
    restart(List.of(limit("type", "email", 3), limit("key", "acme", 6)));
    assertThat(concurrencyOf("key", "acme")).as("the new configuration's").isEqualTo(6);
    assertThat(concurrencyOf("type", "email")).as("still the API's").isEqualTo(7);
  }

  @Test
  void aLimitRemovedThroughTheApiStaysRemovedAfterDataLossAndRestartsThoughTheConfigurationGivesIt()
      throws Exception {
    db = TestDatabase.create();
    redis = TestRedis.create();
    List<Map<String, Object>> configured = List.of(limit("type", "email", 2));
    start(configured);
    put("key", "acme", "{\"concurrency\": 3}", 200);
    put("type", "kept", "{\"concurrency\": 1}", 200);
    assertThat(delete("type", "email")).isEqualTo(200);
    assertThat(delete("key", "acme")).isEqualTo(200);
    assertThat(delete("key", "nobody")).as("no such limit").isEqualTo(404);
    assertThat(delete("bogus", "x")).as("no limit has such a kind").isEqualTo(404);
    assertThat(delete("key", "a%00b")).as("nor such a name").isEqualTo(404);
    assertThat(recordsNamed("nobody")).as("a removal of nothing records nothing").isZero();
    assertThat(concurrencyOf("type", "email")).isEqualTo(-1);
    assertThat(concurrencyOf("key", "acme")).isEqualTo(-1);

    redisLosesItsData();
    // the limit kept is put back by the same reconciliation that seeds the configuration's
    awaitLimit("type", "kept", 1);
    assertThat(concurrencyOf("type", "email")).as("after Redis lost its data").isEqualTo(-1);
    assertThat(concurrencyOf("key", "acme")).isEqualTo(-1);

    restartAfterRedisLostItsData(configured);
    assertThat(concurrencyOf("type", "email")).as("after a restart").isEqualTo(-1);
    assertThat(concurrencyOf("type", "kept")).isEqualTo(1);

    put("type", "email", "{\"concurrency\": 9}", 200);
    restartAfterRedisLostItsData(configured);
    assertThat(concurrencyOf("type", "email")).as("set again through the API").isEqualTo(9);
  }

  @Test
  void aChangeRedisMissedAfterPostgresqlTookItHoldsOnceRedisAnswersAgain() throws Exception {
    server = StoppableRedis.start();
    db = TestDatabase.create();
    redis = TestRedis.create(server.url());
    start(List.of(limit("type", "email", 2)));

    server.stop();
    HttpApi.Answer missed = put("type", "email", "{\"concurrency\": 8}", 503);
    assertThat(missed.error())
        .startsWith(
            "limit type/email is recorded in PostgreSQL, but Redis did not take the change");
    assertThat(recordsNamed("email")).as("recorded in PostgreSQL").isEqualTo(1);
    server.startAgainEmpty();

    awaitLimit("type", "email", 8);
  }

  private void start(List<Map<String, Object>> configured) {
    Map<String, Object> settings = new HashMap<>();
    settings.put("igor.flow.limits", configured);
    settings.put("igor.node.roles", List.of("api", "jobs"));
    node = TestNode.start(db, redis, List.of(), settings);
    api = new HttpApi(node.httpPort());
  }

  private void restart(List<Map<String, Object>> configured) {
    node.close();
    node = null;
    start(configured);
  }

  /** The node stops, Redis loses its data meanwhile, and a node starts again. */
  private void restartAfterRedisLostItsData(List<Map<String, Object>> configured) {
    node.close();
    node = null;
    redisLosesItsData();
    start(configured);
  }

  /** Every key of the test's prefix goes, as after FLUSHALL or a restart without persistence. */
  private void redisLosesItsData() {
    redis.client().getKeys().deleteByPattern(redis.prefix() + ":*");
    assertThat(redis.client().getKeys().countExists(redis.prefix() + ":limits")).isZero();
  }

  private static Map<String, Object> limit(String kind, String name, int concurrency) {
    return Map.of("kind", kind, "name", name, "concurrency", concurrency);
  }

  private HttpApi.Answer put(String kind, String name, String body, int status) {
    HttpApi.Answer a =
        api.send(
            HttpRequest.newBuilder(URI.create(url("/api/v1/limits/" + kind + "/" + name)))
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(body)));
    assertThat(a.status()).as(a.text()).isEqualTo(status);
    return a;
  }

  private int delete(String kind, String name) {
    return api.send(
            HttpRequest.newBuilder(URI.create(url("/api/v1/limits/" + kind + "/" + name))).DELETE())
        .status();
  }

  private String url(String path) {
    return "http://127.0.0.1:" + node.httpPort() + path;
  }

  /** The limit's concurrency as GET /api/v1/limits lists it, -1 when it is not listed. */
  private int concurrencyOf(String kind, String name) {
    JsonNode l = find(api.get("/api/v1/limits").body(), kind, name);
    return l == null ? -1 : l.path("concurrency").asInt();
  }

  private JsonNode awaitLimit(String kind, String name, int concurrency) {
    HttpApi.Answer a =
        api.awaitGet(
            "/api/v1/limits",
            got -> {
              JsonNode l = got.status() == 200 ? find(got.body(), kind, name) : null;
              return l != null && l.path("concurrency").asInt() == concurrency;
            },
            WAIT);
    return find(a.body(), kind, name);
  }

  private static JsonNode find(JsonNode limits, String kind, String name) {
    for (JsonNode l : limits.path("limits")) {
      if (l.path("kind").asText().equals(kind) && l.path("name").asText().equals(name)) {
        return l;
      }
    }
    return null;
  }

  private int recordsNamed(String name) throws Exception {
    try (Connection c = db.connect();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery("SELECT count(*) FROM igor_flow_limits WHERE name = '" + name + "'")) {
      rs.next();
      return rs.getInt(1);
    }
  }
}
