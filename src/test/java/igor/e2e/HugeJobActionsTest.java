package igor.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import igor.testing.HttpApi;
import igor.testing.TestNode;
import igor.testing.TestTime;
import igor.worker.builtin.BuiltinHandlers;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A person acts on a job of 100,000 tasks as a whole (issue 18 item 4): pause (which takes back
 * every queued delivery), unpause, kill and retry are each answered within 10 s, because their
 * effects on the tasks are journaled in chunks; the entity's counts follow each action, and the
 * read model shows every task killed, then queued again by the retry. Real node, PostgreSQL and
 * Redis; no worker serves the tasks' type, so they wait in the queue. Each answer time is printed.
 */
class HugeJobActionsTest {
  private static final int TASKS = 100_000;
  private static final int TASKS_PER_REQUEST = 10_000;

  /**
   * What the answers are held to. The aim is 2 s, which all four met in three runs of six at load 5
   * to 11 on the 2-core machine this was built on, with PostgreSQL, Redis and the node sharing it,
   * since an action is answered before its effects are worked out (ADR 0030); at load 15 a kill
   * took 8.7 s before that and 16 s in a full build (docs/BENCHMARKS.md). So the test holds them to
   * 10 s, which still fails an action that journals one event per task (those overran the journal's
   * time-out), and prints each answer time. Scaled only on a machine slowed by load (TestTime).
   */
  private static final Duration ANSWER_BOUND = TestTime.scaled(Duration.ofSeconds(10));

  private static final Duration WAIT = TestTime.scaled(Duration.ofSeconds(60));
  private static TestNode.Running running;
  private static HttpApi api;

  @BeforeAll
  static void startNode() {
    // The answer times are measured here, not bounded by the ask time-out: a loaded machine must
    // not turn the setup's calls (adding 10,000 tasks) into 503s.
    running =
        TestNode.running(
            BuiltinHandlers.all(),
            Map.of("igor.http.ask-timeout", "25s", "pekko.http.server.request-timeout", "28s"));
    api = running.api();
  }

  @AfterAll
  static void stopNode() {
    running.close();
  }

  @Test
  void pauseUnpauseKillAndRetryOfAHundredThousandTaskJobAreEachAnsweredInSeconds()
      throws Exception {
    long start = System.nanoTime();
    String jobId = createHeldJob();
    System.out.printf("created in %d ms%n", (System.nanoTime() - start) / 1_000_000);
    awaitTasks(jobId, Map.of("QUEUED", TASKS), "");
    System.out.printf("projected in %d ms%n", (System.nanoTime() - start) / 1_000_000);

    answeredInTime("pause", jobId);
    assertThat(countsOf(jobId).path("PENDING").asInt()).isEqualTo(TASKS);

    answeredInTime("unpause", jobId);
    assertThat(countsOf(jobId).path("QUEUED").asInt()).isEqualTo(TASKS);

    answeredInTime("kill", jobId);
    awaitTasks(jobId, Map.of("ERRORED", TASKS), "killed");
    assertThat(statusOf(jobId)).isEqualTo("ERRORED");

    answeredInTime("retry", jobId);
    awaitTasks(jobId, Map.of("QUEUED", TASKS), "");
    assertThat(statusOf(jobId)).isEqualTo("RUNNING");
  }

  /** The job's journal: {events, bytes of their payloads, highest sequence number}. */
  private static long[] journaled(String jobId) throws SQLException {
    return journaledSince(jobId, 0);
  }

  /** The job's events after sequence number {@code after}: {events, bytes, highest number}. */
  private static long[] journaledSince(String jobId, long after) throws SQLException {
    try (Connection c = running.db().connect();
        PreparedStatement s =
            c.prepareStatement(
                "SELECT count(*), coalesce(sum(octet_length(event_payload)), 0),"
                    + " coalesce(max(sequence_number), 0) FROM event_journal"
                    + " WHERE persistence_id = ? AND sequence_number > ?")) {
      s.setString(1, "Job|" + jobId);
      s.setLong(2, after);
      try (ResultSet rs = s.executeQuery()) {
        rs.next();
        return new long[] {rs.getLong(1), rs.getLong(2), rs.getLong(3)};
      }
    }
  }

  /** The job's task counts by status, from its entity. */
  private static JsonNode countsOf(String jobId) {
    return api.get("/api/v1/jobs/" + jobId + "/status").body().path("counts");
  }

  /** The job's status, from its entity. */
  private static String statusOf(String jobId) {
    return api.get("/api/v1/jobs/" + jobId + "/status").body().path("status").asText();
  }

  /**
   * A job of {@link #TASKS} tasks of a type no worker serves, all QUEUED. They are added to its
   * paused layer {@link #TASKS_PER_REQUEST} at a time, then the layer is unpaused: one request of
   * 100,000 tasks may outlast a request's time-out on a loaded machine, and its creation is not
   * what this test measures.
   */
  private static String createHeldJob() {
    String tasks =
        String.join(",", Collections.nCopies(TASKS_PER_REQUEST, "{\"type\": \"unserved\"}"));
    String jobId =
        api.createJob(
            "{\"name\": \"huge\", \"layers\": [{\"paused_at\": 1, \"tasks\": [" + tasks + "]}]}");
    String layerId =
        api.get("/api/v1/jobs/" + jobId).body().path("layers").get(0).path("id").asText();
    String more = "[" + tasks.replace("{", "{\"layer_id\": \"" + layerId + "\", ") + "]";
    for (int added = TASKS_PER_REQUEST; added < TASKS; added += TASKS_PER_REQUEST) {
      HttpApi.Answer answer = api.post("/api/v1/tasks", more);
      assertThat(answer.status()).as(answer.text()).isEqualTo(200);
    }
    HttpApi.Answer unpaused =
        api.patch("/api/v1/unpause", "[{\"kind\": \"Layer\", \"id\": \"" + layerId + "\"}]");
    assertThat(unpaused.status()).as(unpaused.text()).isEqualTo(200);
    return jobId;
  }

  /**
   * Acts on the whole job and checks the answer's time and that it counted the job once. Prints the
   * answer time, the load average, and the events the action journaled with their stored bytes
   * (payloads over 32 KiB are gzipped by the serializer); the entity logs how long it decided and
   * how long the write took, up to applying the events ("action=... decideMs=... journaledMs=...").
   */
  private static void answeredInTime(String action, String jobId) throws SQLException {
    long before = journaled(jobId)[2];
    long start = System.nanoTime();
    HttpApi.Answer answer =
        api.patch("/api/v1/" + action, "[{\"kind\": \"Job\", \"id\": \"" + jobId + "\"}]");
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    long[] after = journaled(jobId);
    long[] now = journaledSince(jobId, before);
    System.out.printf(
        "%s of a %,d-task job answered in %d ms (load average %.1f): %d events, %,d bytes stored%n",
        action,
        TASKS,
        took.toMillis(),
        java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(),
        now[0],
        now[1]);
    assertThat(after[2]).isGreaterThan(before);
    assertThat(answer.status()).as(answer.text()).isEqualTo(200);
    assertThat(answer.body().path("updated").asInt()).isEqualTo(1);
    assertThat(took).as(action + " answer time").isLessThanOrEqualTo(ANSWER_BOUND);
  }

  /**
   * Waits until the read model holds the job's tasks in these statuses, every one with this
   * message, and checks that the job's counts there agree.
   */
  private static void awaitTasks(String jobId, Map<String, Integer> statuses, String message)
      throws SQLException, InterruptedException {
    Map<String, Integer> expected = new TreeMap<>();
    for (Map.Entry<String, Integer> e : statuses.entrySet()) {
      expected.put(e.getKey() + " " + message, e.getValue());
    }
    long deadline = System.nanoTime() + WAIT.toNanos();
    Map<String, Integer> rows = taskRows(jobId);
    while (!rows.equals(expected) && System.nanoTime() < deadline) {
      Thread.sleep(100);
      rows = taskRows(jobId);
    }
    assertThat(rows).as("tasks of the read model by status and message").isEqualTo(expected);
    JsonNode counts = api.get("/api/v1/counts?job_ids=" + jobId).body().get(0).path("counts");
    for (Map.Entry<String, Integer> e : statuses.entrySet()) {
      assertThat(counts.path(e.getKey()).asInt()).as("count " + e.getKey()).isEqualTo(e.getValue());
    }
  }

  private static Map<String, Integer> taskRows(String jobId) throws SQLException {
    Map<String, Integer> rows = new TreeMap<>();
    try (Connection c = running.db().connect();
        PreparedStatement s =
            c.prepareStatement(
                "SELECT status, message, count(*) FROM igor_tasks WHERE job_id = ?"
                    + " GROUP BY status, message")) {
      s.setObject(1, UUID.fromString(jobId));
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          rows.put(rs.getString(1) + " " + rs.getString(2), rs.getInt(3));
        }
      }
    }
    return rows;
  }
}
