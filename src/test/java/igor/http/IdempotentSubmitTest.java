package igor.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import igor.app.IgorNode;
import igor.domain.Identifiers;
import igor.domain.JobPlan;
import igor.domain.LayerPlan;
import igor.domain.TaskPlan;
import igor.service.IdempotentJobs;
import igor.service.JobService.JobAnswer;
import igor.testing.HttpApi;
import igor.testing.Journal;
import igor.testing.RawHttp;
import igor.testing.TestDatabase;
import igor.testing.TestNode;
import igor.testing.TestRedis;
import igor.worker.builtin.BuiltinHandlers;
import java.net.URI;
import java.net.http.HttpRequest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * POST /api/v1/jobs and /api/v1/tasks with the header Idempotency-Key, over real HTTP on a real
 * node, PostgreSQL and Redis: a key creates once (counted in the journal and the read model),
 * whether the request comes again, twice at once, after a restart of the node or after a crash
 * between the key and the job; another request with the key is a 409; expired keys are free and
 * removed; bad keys are 400s naming the limit.
 */
class IdempotentSubmitTest {
  private static final String KEY = "Idempotency-Key";
  private static final String JOB =
      "{\"name\": \"once\", \"layers\": [{\"name\": \"l\", \"paused_at\": 1,"
          + " \"tasks\": [{\"type\": \"noop\", \"name\": \"t1\"}]}]}";
  private static TestDatabase db;
  private static TestRedis redis;
  private static IgorNode node;
  private static HttpApi api;

  @BeforeAll
  static void startNode() {
    db = TestDatabase.create();
    redis = TestRedis.create();
    startAgain();
  }

  private static void startAgain() {
    node = TestNode.start(db, redis, BuiltinHandlers.all(), Map.of());
    api = new HttpApi(node.httpPort());
  }

  @AfterAll
  static void stopNode() {
    node.close();
    redis.close();
    db.close();
  }

  @Test
  void theSameKeyTwiceCreatesTheJobOnceAndAnswersItTwiceAlike() {
    String key = newKey();
    long before = jobsInJournal();

    HttpApi.Answer first = post("/api/v1/jobs", JOB, key);
    HttpApi.Answer second = post("/api/v1/jobs", JOB, key);

    assertThat(first.status()).as(first.text()).isEqualTo(200);
    assertThat(second.status()).as(second.text()).isEqualTo(200);
    String jobId = first.body().path("id").asText();
    assertThat(second.body().path("id").asText()).isEqualTo(jobId);
    assertThat(ids(second.body())).isEqualTo(ids(first.body()));
    assertThat(fieldNames(second.body())).isEqualTo(fieldNames(first.body()));
    assertThat(jobsInJournal() - before).as("jobs journaled").isEqualTo(1);
    assertThat(Journal.events(db, jobId).stream().filter(e -> e.type().equals("JobCreated")))
        .hasSize(1);
    assertThat(api.get("/api/v1/jobs?job_ids=" + jobId).body()).hasSize(1);
    assertThat(api.get("/api/v1/tasks?job_ids=" + jobId).body()).hasSize(1);
  }

  @Test
  void aKeyedJobThatStartsLaterWaitsForItsTimeLikeAnyOther() {
    long before = System.currentTimeMillis() / 1000;

    HttpApi.Answer created =
        post(
            "/api/v1/jobs",
            "{\"start_after\": 3600, \"layers\": [{\"tasks\": [{\"type\": \"noop\"}]}]}",
            newKey());

    assertThat(created.status()).as(created.text()).isEqualTo(200);
    assertThat(created.body().path("status").asText()).isEqualTo("PENDING");
    assertThat(created.body().path("start_at").asLong()).isBetween(before + 3599, before + 3602);
  }

  @Test
  void withoutAKeyEachRequestCreatesAJobAsInTheOriginal() {
    long before = jobsInJournal();

    String one = api.createJob(JOB);
    String two = api.createJob(JOB);

    assertThat(one).isNotEqualTo(two);
    assertThat(jobsInJournal() - before).isEqualTo(2);
  }

  @Test
  void theSameKeyWithAnotherBodyIsAConflictNamingTheKey() {
    String key = newKey();
    String jobId = post("/api/v1/jobs", JOB, key).body().path("id").asText();
    long before = jobsInJournal();

    HttpApi.Answer other = post("/api/v1/jobs", JOB.replace("\"once\"", "\"other\""), key);

    assertThat(other.status()).as(other.text()).isEqualTo(409);
    assertThat(other.error()).contains("Idempotency-Key '" + key + "'").contains(jobId);
    assertThat(jobsInJournal()).isEqualTo(before);
  }

  @Test
  void theSameRequestWrittenDifferentlyIsTheSameRequest() {
    String key = newKey();
    String jobId = post("/api/v1/jobs", JOB, key).body().path("id").asText();
    String respaced =
        "{ \"layers\":[ {\"tasks\":[{\"name\":\"t1\",\"type\":\"noop\",\"args\":null}],"
            + "\"paused_at\":1,\"name\":\"l\"}],\n\"name\":\"once\" }";

    HttpApi.Answer again = post("/api/v1/jobs", respaced, key);

    assertThat(again.status()).as(again.text()).isEqualTo(200);
    assertThat(again.body().path("id").asText()).isEqualTo(jobId);
  }

  @Test
  void concurrentDuplicatesCreateOneJob() throws Exception {
    String key = newKey();
    long before = jobsInJournal();
    int callers = 8;
    ExecutorService pool = Executors.newFixedThreadPool(callers);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<HttpApi.Answer>> answers = new ArrayList<>();
    try {
      for (int i = 0; i < callers; i++) {
        answers.add(
            pool.submit(
                () -> {
                  start.await();
                  return post("/api/v1/jobs", JOB, key);
                }));
      }
      start.countDown();
      Set<String> ids = new HashSet<>();
      for (Future<HttpApi.Answer> answer : answers) {
        HttpApi.Answer a = answer.get();
        assertThat(a.status()).as(a.text()).isEqualTo(200);
        ids.add(a.body().path("id").asText());
      }
      assertThat(ids).hasSize(1);
      assertThat(jobsInJournal() - before).isEqualTo(1);
      assertThat(api.get("/api/v1/jobs?job_ids=" + ids.iterator().next()).body()).hasSize(1);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aKeyStillAnswersAfterTheNodeRestarts() {
    String key = newKey();
    HttpApi.Answer first = post("/api/v1/jobs", JOB, key);
    long before = jobsInJournal();

    node.close();
    startAgain();
    HttpApi.Answer again = post("/api/v1/jobs", JOB, key);

    assertThat(again.status()).as(again.text()).isEqualTo(200);
    assertThat(ids(again.body())).isEqualTo(ids(first.body()));
    assertThat(jobsInJournal()).isEqualTo(before);
  }

  @Test
  void aRetryAfterACrashBetweenTheKeyAndTheJobCreatesTheJobWithTheIdsOfTheKey() throws Exception {
    String key = newKey();
    String seed = Identifiers.newId();
    String fingerprint =
        IdempotentJobs.fingerprint(
            ApiJson.MAPPER.writeValueAsBytes(ApiJson.read(JOB, JobRequests.CreateJob.class)));
    execute(
        "INSERT INTO igor_idempotency_key (scope, idem_key, fingerprint, id_seed, expires_at)"
            + " VALUES ('jobs:anonymous', '"
            + key
            + "', '"
            + fingerprint
            + "', '"
            + seed
            + "', now() + interval '1 hour')");

    HttpApi.Answer retried = post("/api/v1/jobs", JOB, key);

    assertThat(retried.status()).as(retried.text()).isEqualTo(200);
    assertThat(retried.body().path("id").asText()).isEqualTo(seed);
    assertThat(post("/api/v1/jobs", JOB, key).body().path("id").asText()).isEqualTo(seed);
    assertThat(Journal.events(db, seed).stream().filter(e -> e.type().equals("JobCreated")))
        .hasSize(1);
  }

  @Test
  void anExpiredKeyCreatesAgainAndIsRemoved() throws Exception {
    String key = newKey();
    String first = post("/api/v1/jobs", JOB, key).body().path("id").asText();
    expire(key);

    String second = post("/api/v1/jobs", JOB, key).body().path("id").asText();

    assertThat(second).as("a key past its window is free").isNotEqualTo(first);
    assertThat(post("/api/v1/jobs", JOB, key).body().path("id").asText()).isEqualTo(second);
    expire(key);
    assertThat(node.idempotentJobs().removeExpired(1000).toCompletableFuture().get())
        .isGreaterThanOrEqualTo(1);
    assertThat(count("SELECT count(*) FROM igor_idempotency_key WHERE idem_key = '" + key + "'"))
        .isZero();
    assertThat(api.get("/api/v1/jobs/" + second).status()).as("the job stays").isEqualTo(200);
  }

  @Test
  void addedTasksWithTheSameKeyAreAddedOnce() {
    String jobId = api.createJob(JOB);
    String layerId =
        api.get("/api/v1/jobs/" + jobId).body().path("layers").get(0).path("id").asText();
    String tasks = "[{\"layer_id\": \"" + layerId + "\", \"type\": \"noop\", \"name\": \"t2\"}]";
    String key = newKey();

    HttpApi.Answer first = post("/api/v1/tasks", tasks, key);
    HttpApi.Answer second = post("/api/v1/tasks", tasks, key);
    HttpApi.Answer other = post("/api/v1/tasks", tasks.replace("t2", "t3"), key);

    assertThat(first.status()).as(first.text()).isEqualTo(200);
    assertThat(second.status()).as(second.text()).isEqualTo(200);
    assertThat(second.body().get(0).path("id").asText())
        .isEqualTo(first.body().get(0).path("id").asText());
    assertThat(fieldNames(second.body().get(0))).isEqualTo(fieldNames(first.body().get(0)));
    assertThat(other.status()).as(other.text()).isEqualTo(409);
    assertThat(other.error()).contains(key);
    assertThat(api.get("/api/v1/jobs/" + jobId).body().path("layers").get(0).path("tasks"))
        .hasSize(2);
  }

  @Test
  void aKeyOfTheWrongShapeIsA400NamingTheLimit() {
    HttpApi.Answer tooLong = post("/api/v1/jobs", JOB, "k".repeat(256));
    HttpApi.Answer spaced = post("/api/v1/jobs", JOB, "two words");
    RawHttp raw = new RawHttp(node.httpPort());
    RawHttp.Answer control =
        raw.send(
            "POST",
            "/api/v1/jobs",
            raw.ownHost(),
            "Content-Type: application/json\r\n" + KEY + ": a\u0001b\r\n",
            JOB);

    assertThat(tooLong.status()).isEqualTo(400);
    assertThat(tooLong.error())
        .contains("'Idempotency-Key' is 256 characters, over the limit of 255")
        .contains("igor.idempotency.max-key-length");
    assertThat(spaced.status()).isEqualTo(400);
    assertThat(spaced.error()).contains("visible ASCII");
    RawHttp.Answer nul = rawKey(raw, "a\u0000b");
    RawHttp.Answer latin = rawKey(raw, "cl\u00e9");
    assertThat(control.status()).isEqualTo(400);
    assertThat(control.json().path("error").asText()).isNotEmpty();
    assertThat(nul.status()).isEqualTo(400);
    assertThat(nul.json().path("error").asText()).isNotEmpty();
    assertThat(latin.status()).isEqualTo(400);
    assertThat(latin.error()).contains("visible ASCII");
    assertThat(count("SELECT count(*) FROM igor_idempotency_key WHERE idem_key LIKE 'cl%'"))
        .isZero();
  }

  @Test
  void aServiceInTheNodeCreatesAJobOncePerDerivedKey() throws Exception {
    String key = "schedule:nightly:2026-12-06T08:00:00Z";
    JobPlan plan = plan("nightly");

    JobAnswer first = node.idempotentJobs().createOnce(key, plan).toCompletableFuture().get();
    JobAnswer again =
        node.idempotentJobs().createOnce(key, plan("nightly")).toCompletableFuture().get();
    JobAnswer other =
        node.idempotentJobs().createOnce(key, plan("weekly")).toCompletableFuture().get();

    assertThat(first.rejection()).isNull();
    assertThat(again.job().id()).isEqualTo(first.job().id());
    assertThat(again.job().tasks().get(0).id()).isEqualTo(first.job().tasks().get(0).id());
    assertThat(other.rejection()).isNotNull();
    assertThat(other.rejection().reason()).contains(key);
  }

  private static RawHttp.Answer rawKey(RawHttp raw, String key) {
    return raw.send(
        "POST",
        "/api/v1/jobs",
        raw.ownHost(),
        "Content-Type: application/json\r\n" + KEY + ": " + key + "\r\n",
        JOB);
  }

  private static JobPlan plan(String name) {
    String layerId = Identifiers.newId();
    return new JobPlan(
        Identifiers.newId(),
        name,
        0,
        List.of(new LayerPlan(layerId, "l", 0, 1000)),
        List.of(new TaskPlan(Identifiers.newId(), layerId, "noop", "t", new byte[0], 0, 0)));
  }

  private static HttpApi.Answer post(String path, String body, String key) {
    return api.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.httpPort() + path))
            .header("Content-Type", "application/json")
            .header(KEY, key)
            .POST(HttpRequest.BodyPublishers.ofString(body)));
  }

  private static String newKey() {
    return UUID.randomUUID().toString();
  }

  /** The ids of the job, its layers and its tasks. */
  private static List<String> ids(JsonNode job) {
    List<String> ids = new ArrayList<>();
    ids.add(job.path("id").asText());
    for (JsonNode layer : job.path("layers")) {
      ids.add(layer.path("id").asText());
      for (JsonNode task : layer.path("tasks")) {
        ids.add(task.path("id").asText());
      }
    }
    return ids;
  }

  private static Set<String> fieldNames(JsonNode node) {
    Set<String> names = new HashSet<>();
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      names.add(it.next());
    }
    return names;
  }

  private static long jobsInJournal() {
    return count(
        "SELECT count(*) FROM event_journal WHERE persistence_id LIKE 'Job|%'"
            + " AND sequence_number = 1");
  }

  private static void expire(String key) {
    execute(
        "UPDATE igor_idempotency_key SET expires_at = now() - interval '1 second'"
            + " WHERE idem_key = '"
            + key
            + "'");
  }

  private static long count(String sql) {
    try (Connection c = db.connect();
        PreparedStatement s = c.prepareStatement(sql);
        ResultSet rs = s.executeQuery()) {
      rs.next();
      return rs.getLong(1);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void execute(String sql) {
    try (Connection c = db.connect();
        PreparedStatement s = c.prepareStatement(sql)) {
      s.executeUpdate();
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }
}
