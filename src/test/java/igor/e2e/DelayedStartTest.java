package igor.e2e;

import static igor.testing.HttpApi.status;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import igor.app.IgorNode;
import igor.testing.HttpApi;
import igor.testing.Journal;
import igor.testing.TestDatabase;
import igor.testing.TestNode;
import igor.testing.TestRedis;
import igor.testing.TestTime;
import igor.worker.api.TaskContext;
import igor.worker.api.TaskHandler;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Jobs created to start later over real HTTP, with a real node, worker, PostgreSQL and Redis: they
 * wait PENDING with their start time, start within a second of it, can be started now, steered
 * meanwhile, and survive the restart of their node, even when their time passes while no node runs.
 */
class DelayedStartTest {
  private static final Duration WAIT = TestTime.scaled(Duration.ofSeconds(30));

  private TestDatabase db;
  private TestRedis redis;
  private final StampingHandler stamping = new StampingHandler();
  private final List<TaskHandler> handlers = List.of(stamping);

  @BeforeEach
  void servers() {
    db = TestDatabase.create();
    redis = TestRedis.create();
  }

  @AfterEach
  void cleanUp() {
    redis.close();
    db.close();
  }

  @Test
  void aJobToStartAfterTwoSecondsWaitsPendingAndStartsWithinASecondOfItsTime() {
    try (IgorNode node = TestNode.start(db, redis, handlers)) {
      HttpApi api = new HttpApi(node.httpPort());
      long before = System.currentTimeMillis();
      JsonNode created = create(api, "{\"start_after\": 2, " + ONE_TASK);
      String jobId = created.path("id").asText();

      assertThat(created.path("status").asText()).isEqualTo("PENDING");
      assertThat(created.path("start_at").asLong())
          .isBetween(before / 1000 + 1, System.currentTimeMillis() / 1000 + 2);
      assertThat(taskOf(created).path("status").asText()).isEqualTo("PENDING");
      // The list (the read model) shows a waiting job too: one that waits long, as a list read
      // under load may take longer than two seconds.
      JsonNode waiting = create(api, "{\"start_after\": 3600, " + ONE_TASK);
      JsonNode listed =
          api.get("/api/v1/jobs?job_ids=" + waiting.path("id").asText()).body().get(0);
      assertThat(listed.path("status").asText()).isEqualTo("PENDING");
      assertThat(listed.path("start_at").asLong()).isEqualTo(waiting.path("start_at").asLong());

      api.awaitJob(jobId, status("COMPLETED"), WAIT);

      long startAt = startAtMillis(jobId);
      long journalLateness = startedAtMillis(jobId) - startAt;
      long handlerLateness = stamping.firstRun(taskOf(created).path("id").asText()) - startAt;
      System.out.printf(
          "delayed start, start_after=2: job started %d ms after its time (journal), its task"
              + " reached the handler %d ms after it%n",
          journalLateness, handlerLateness);
      // The promise: the job starts (its tasks are queued) within a second of its time. Its task
      // then reaches a worker as any queued task does (under a load of 30 on two cores: 1.7 s).
      assertThat(journalLateness).isBetween(0L, TestTime.scaled(Duration.ofSeconds(1)).toMillis());
      assertThat(handlerLateness).isBetween(0L, TestTime.scaled(Duration.ofSeconds(3)).toMillis());
      assertThat(api.get("/api/v1/jobs?job_ids=" + jobId).body().get(0).path("status").asText())
          .isEqualTo("COMPLETED");
    }
  }

  @Test
  void aWaitingJobIsStartedNowAndKillFindsNothingToStopWhileItWaits() {
    try (IgorNode node = TestNode.start(db, redis, handlers)) {
      HttpApi api = new HttpApi(node.httpPort());
      JsonNode created = create(api, "{\"start_after\": 3600, " + ONE_TASK);
      String jobId = created.path("id").asText();

      assertThat(act(api, "kill", jobId)).as("nothing queued or running to kill").isZero();
      assertThat(api.get("/api/v1/jobs/" + jobId).body().path("status").asText())
          .isEqualTo("PENDING");
      assertThat(act(api, "start", jobId)).isEqualTo(1);
      JsonNode job = api.awaitJob(jobId, status("COMPLETED"), WAIT);

      assertThat(job.path("start_at").asLong()).as("the time it was due, kept").isPositive();
      assertThat(act(api, "start", jobId)).as("started already").isZero();
      assertThat(api.get("/api/v1/jobs/" + jobId + "/audit").body())
          .extracting(e -> e.path("action").asText())
          .containsExactly("start");
    }
  }

  @Test
  void aWaitingJobCanBePausedAndSkippedAndThenNeverStarts() {
    try (IgorNode node = TestNode.start(db, redis, handlers)) {
      HttpApi api = new HttpApi(node.httpPort());
      JsonNode created = create(api, "{\"start_after\": 1, " + ONE_TASK);
      String jobId = created.path("id").asText();

      assertThat(act(api, "pause", jobId)).isEqualTo(1);
      assertThat(act(api, "skip", jobId)).isEqualTo(1);
      sleep(2_000);

      JsonNode job = api.get("/api/v1/jobs/" + jobId).body();
      assertThat(job.path("status").asText()).isEqualTo("SKIPPED");
      assertThat(taskOf(job).path("status").asText()).isEqualTo("SKIPPED");
      assertThat(taskOf(job).path("attempts").asInt()).isZero();
      assertThat(Journal.events(db, jobId))
          .extracting(Journal.Entry::type)
          .doesNotContain("JobStarted");
    }
  }

  @Test
  void aStartOutOfBoundsIsRefusedNamingTheFieldAndTheLimit() {
    try (IgorNode node =
        TestNode.start(db, redis, handlers, Map.of("igor.limits.max-start-delay", "1h"))) {
      HttpApi api = new HttpApi(node.httpPort());
      long now = System.currentTimeMillis() / 1000;

      HttpApi.Answer both = api.post("/api/v1/jobs", "{\"start_at\": 5, \"start_after\": 5}");
      HttpApi.Answer tooLate = api.post("/api/v1/jobs", "{\"start_after\": 3601}");
      HttpApi.Answer tooFar = api.post("/api/v1/jobs", "{\"start_at\": " + (now + 7200) + "}");
      HttpApi.Answer negative = api.post("/api/v1/jobs", "{\"start_after\": -1}");
      HttpApi.Answer fraction = api.post("/api/v1/jobs", "{\"start_after\": 1.5}");
      HttpApi.Answer huge = api.post("/api/v1/jobs", "{\"start_at\": 99999999999999999}");
      HttpApi.Answer past = api.post("/api/v1/jobs", "{\"start_at\": " + (now - 3600) + "}");

      assertThat(both.status()).isEqualTo(400);
      assertThat(both.error()).contains("start_at", "start_after");
      assertThat(tooLate.status()).isEqualTo(400);
      assertThat(tooLate.error()).contains("'start_after'", "3600", "igor.limits.max-start-delay");
      assertThat(tooFar.status()).isEqualTo(400);
      assertThat(tooFar.error()).contains("'start_at'", "igor.limits.max-start-delay");
      assertThat(negative.status()).isEqualTo(400);
      assertThat(fraction.status()).isEqualTo(400);
      assertThat(huge.status()).isEqualTo(400);
      assertThat(past.status()).isEqualTo(200);
      assertThat(past.body().path("status").asText())
          .as("a time past: at once")
          .isEqualTo("COMPLETED");
      assertThat(past.body().path("start_at").asLong()).isZero();
    }
  }

  @Test
  void aWaitingJobSurvivesTheRestartOfItsNodeAndStartsEvenWhenItsTimePassedWhileNoNodeRan() {
    String missed;
    String later;
    try (IgorNode first = TestNode.start(db, redis, handlers)) {
      HttpApi api = new HttpApi(first.httpPort());
      missed = create(api, "{\"start_after\": 2, " + ONE_TASK).path("id").asText();
      later = create(api, "{\"start_after\": 30, " + ONE_TASK).path("id").asText();
    }
    long missedAt = startAtMillis(missed);
    sleep(Math.max(0, missedAt + 1_000 - System.currentTimeMillis()));
    assertThat(System.currentTimeMillis()).as("no node runs at its time").isGreaterThan(missedAt);

    try (IgorNode second = TestNode.start(db, redis, handlers)) {
      long up = System.currentTimeMillis();
      // Nobody asks for either job on the new node: they must wake by themselves.
      awaitJournal(missed, "JobStarted");
      System.out.printf(
          "delayed start missed while no node ran: started %d ms after its time, %d ms after the"
              + " new node was up%n",
          startedAtMillis(missed) - missedAt, startedAtMillis(missed) - up);
      assertThat(up)
          .as("the second node was up before the later job's time")
          .isLessThan(startAtMillis(later));
      awaitJournal(later, "JobStarted");
      long lateness = startedAtMillis(later) - startAtMillis(later);
      System.out.printf(
          "delayed start across a node restart: started %d ms after its time%n", lateness);
      assertThat(lateness).isBetween(0L, TestTime.scaled(Duration.ofSeconds(1)).toMillis());

      HttpApi api = new HttpApi(second.httpPort());
      api.awaitJob(missed, status("COMPLETED"), WAIT);
      api.awaitJob(later, status("COMPLETED"), WAIT);
    }
  }

  // --- helpers -------------------------------------------------------------------------------

  private static final String ONE_TASK = "\"layers\": [{\"tasks\": [{\"type\": \"stamp\"}]}]}";

  private static JsonNode create(HttpApi api, String body) {
    HttpApi.Answer a = api.post("/api/v1/jobs", body);
    assertThat(a.status()).as(a.text()).isEqualTo(200);
    return a.body();
  }

  private static int act(HttpApi api, String action, String jobId) {
    HttpApi.Answer a =
        api.patch("/api/v1/" + action, "[{\"kind\": \"Job\", \"id\": \"" + jobId + "\"}]");
    assertThat(a.status()).as(a.text()).isEqualTo(200);
    return a.body().path("updated").asInt();
  }

  private static JsonNode taskOf(JsonNode job) {
    return job.path("layers").get(0).path("tasks").get(0);
  }

  /** The job's start time as journaled (unix ms): the API shows it in seconds only. */
  private long startAtMillis(String jobId) {
    return journaled(jobId, "JobCreated").path("startAt").asLong();
  }

  private long startedAtMillis(String jobId) {
    return journaled(jobId, "JobStarted").path("at").asLong();
  }

  private JsonNode journaled(String jobId, String type) {
    return Journal.events(db, jobId).stream()
        .filter(e -> e.type().equals(type))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no " + type + " journaled for job " + jobId))
        .json();
  }

  private void awaitJournal(String jobId, String type) {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (System.nanoTime() < deadline) {
      if (Journal.events(db, jobId).stream().anyMatch(e -> e.type().equals(type))) {
        return;
      }
      sleep(50);
    }
    throw new AssertionError("job " + jobId + " journaled no " + type + " within " + WAIT);
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** Notes when each task first reached a handler (unix ms). */
  private static final class StampingHandler implements TaskHandler {
    private final Map<String, Long> firstRuns = new ConcurrentHashMap<>();

    @Override
    public String type() {
      return "stamp";
    }

    @Override
    public byte[] handle(TaskContext context) {
      firstRuns.putIfAbsent(context.taskId(), System.currentTimeMillis());
      return null;
    }

    long firstRun(String taskId) {
      Long at = firstRuns.get(taskId);
      assertThat(at).as("task %s ran", taskId).isNotNull();
      return at;
    }
  }
}
