package igor.e2e;

import static igor.testing.HttpApi.status;
import static igor.testing.JobJson.attemptsOfEveryTask;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import igor.app.IgorNode;
import igor.testing.CountingHandler;
import igor.testing.HttpApi;
import igor.testing.Outage;
import igor.testing.StoppablePostgres;
import igor.testing.TestDatabase;
import igor.testing.TestNode;
import igor.testing.TestRedis;
import igor.testing.TestTime;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * PostgreSQL stops for an {@link Outage} under a node with work in flight, and starts again: the
 * node refuses writes with 503, serves what it holds, loses nothing it accepted and finishes the
 * work by itself (docs/operations.md, "When PostgreSQL or Redis is down").
 */
class PostgresOutageTest {
  private static final Duration WAIT = TestTime.scaled(Duration.ofSeconds(60));
  private static final String QUICK_JOB = "{\"layers\": [{\"tasks\": [{\"type\": \"quick\"}]}]}";
  private static final String JOB_NO_WORKER_TAKES =
      "{\"layers\": [{\"tasks\": [{\"type\": \"nobody-runs-this\"}]}]}";
  private static final String PAUSE_JOB = "[{\"kind\": \"Job\", \"id\": \"%s\"}]";

  private StoppablePostgres postgres;
  private TestDatabase db;
  private TestRedis redis;
  private IgorNode node;
  private HttpApi api;
  private final CountingHandler slow = new CountingHandler("slow", 3000);
  private final CountingHandler quick = new CountingHandler("quick", 0);

  @BeforeEach
  void startNodeOnItsOwnPostgres() {
    postgres = StoppablePostgres.start();
    db = postgres.createDatabase();
    redis = TestRedis.create();
    node =
        TestNode.start(
            db,
            redis,
            List.of(slow, quick),
            Map.of("igor.worker.concurrency", 4, "igor.http.ask-timeout", "5s"));
    api = new HttpApi(node.httpPort());
  }

  @AfterEach
  void stopEverything() {
    node.close();
    redis.close();
    postgres.close();
  }

  @Test
  void writesAnswer503WhilePostgresIsDownAndEveryAcceptedJobFinishesWhenItReturns() {
    String finished = api.createJob(QUICK_JOB);
    api.awaitJob(finished, status("COMPLETED"), WAIT);
    String waiting = api.createJob(JOB_NO_WORKER_TAKES);
    String inFlight = Outage.jobWithFourTasksRunning(api, WAIT);

    Outage outage = Outage.begins();
    postgres.stop();

    assertThat(api.get("/healthz").status()).isEqualTo(200);
    HttpApi.Answer notReady = api.awaitGet("/readyz", a -> a.status() == 503, WAIT);
    assertThat(notReady.body().path("checks").path("database").asText()).isNotEqualTo("ok");

    HttpApi.Answer refusedCreate = api.post("/api/v1/jobs", QUICK_JOB);
    assertThat(refusedCreate.status()).isEqualTo(503);
    assertThat(refusedCreate.error()).contains("database");

    HttpApi.Answer refusedPause = api.patch("/api/v1/pause", PAUSE_JOB.formatted(waiting));
    assertThat(refusedPause.status()).isEqualTo(503);
    assertThat(refusedPause.error()).contains("may still be made");

    HttpApi.Answer heldInMemory = api.get("/api/v1/jobs/" + finished);
    assertThat(heldInMemory.status()).isEqualTo(200);
    assertThat(heldInMemory.body().path("status").asText()).isEqualTo("COMPLETED");

    outage.lastsItsFullLength();
    postgres.startAgain();

    api.awaitGet("/readyz", a -> a.status() == 200, WAIT);
    JsonNode done = api.awaitJob(inFlight, status("COMPLETED"), WAIT);
    assertThat(attemptsOfEveryTask(done)).containsOnly(1);
    assertThat(slow.runs().values()).extracting(AtomicInteger::get).containsOnly(1);
    assertThat(slow.runs()).hasSize(5);

    // The 503 came after the job's time-out: its pause may have reached the journal all the same.
    // A client tries again, and the job is paused once.
    assertThat(api.patch("/api/v1/pause", PAUSE_JOB.formatted(waiting)).status()).isEqualTo(200);
    assertThat(api.get("/api/v1/jobs/" + waiting).body().path("paused_at").asLong()).isPositive();
    assertThat(api.get("/api/v1/jobs/" + waiting + "/audit").body())
        .extracting(entry -> entry.path("action").asText())
        .containsExactly("pause");

    String afterwards = api.createJob(QUICK_JOB);
    api.awaitJob(afterwards, status("COMPLETED"), WAIT);
    api.awaitGet(
        "/api/v1/jobs?job_ids=" + inFlight,
        a -> a.status() == 200 && a.body().path(0).path("status").asText().equals("COMPLETED"),
        WAIT);
  }
}
