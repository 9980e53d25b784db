package igor.e2e;

import static igor.testing.HttpApi.status;
import static igor.testing.JobJson.attemptsOfEveryTask;
import static igor.testing.JobJson.tasksOfLayer;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import igor.app.IgorNode;
import igor.testing.CountingHandler;
import igor.testing.HttpApi;
import igor.testing.Outage;
import igor.testing.StoppableHandler;
import igor.testing.StoppableRedis;
import igor.testing.TestDatabase;
import igor.testing.TestNode;
import igor.testing.TestRedis;
import igor.testing.TestTime;
import igor.worker.api.Worker;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Redis stops under a node and a worker (an SDK worker in the same JVM, with connections of its
 * own) while tasks run and wait in the queue, and starts again with its data or without it; or it
 * only drops their connections. No task is lost or left stuck, and neither side needs a restart
 * (docs/operations.md, "When PostgreSQL or Redis is down").
 */
class RedisOutageTest {
  /**
   * Shorter than the outage: the leases of attempts running through it run out, and a node must
   * give their workers time to renew them once Redis is back rather than fail them as lost.
   */
  private static final Duration LEASE = Outage.LENGTH.multipliedBy(2).dividedBy(3);

  private static final Duration WAIT = TestTime.scaled(Duration.ofSeconds(60));

  private StoppableRedis server;
  private TestDatabase db;
  private TestRedis redis;
  private IgorNode node;
  private HttpApi api;
  private Worker worker;
  private final CountingHandler slow = new CountingHandler("slow", 3000);
  private final CountingHandler quick = new CountingHandler("quick", 0);
  private final StoppableHandler waiting = new StoppableHandler();

  @BeforeEach
  void startNodeAndWorkerOnTheirOwnRedis() {
    server = StoppableRedis.start();
    db = TestDatabase.create();
    redis = TestRedis.create(server.url());
    node =
        TestNode.start(
            db,
            redis,
            List.of(),
            Map.of(
                "igor.node.roles",
                List.of("api", "jobs"),
                "igor.worker.lease",
                LEASE.toSeconds() + "s",
                "igor.worker.queue-check-interval",
                "1s"));
    api = new HttpApi(node.httpPort());
    worker =
        Worker.connect(server.url())
            .keyPrefix(redis.prefix())
            .apiUrl("http://127.0.0.1:" + node.httpPort())
            .register(slow)
            .register(quick)
            .register(waiting)
            .concurrency(4)
            .lease(LEASE)
            .start();
  }

  @AfterEach
  void stopEverything() {
    worker.close();
    node.close();
    redis.close();
    server.close();
    db.close();
  }

  @Test
  void jobsAcceptedWhileRedisIsDownAndTasksThatRanThroughItFinishOnceItReturnsWithItsData() {
    String inFlight = Outage.jobWithFourTasksRunning(api, WAIT);

    Outage outage = Outage.begins();
    server.stop();

    assertThat(api.get("/healthz").status()).isEqualTo(200);
    HttpApi.Answer notReady = api.awaitGet("/readyz", a -> a.status() == 503, WAIT);
    assertThat(notReady.body().path("checks").path("redis").asText()).isNotEqualTo("ok");
    String acceptedMeanwhile =
        api.createJob("{\"layers\": [{\"tasks\": [{\"type\": \"quick\"}]}]}");
    assertThat(api.get("/api/v1/jobs/" + inFlight).status()).isEqualTo(200);

    outage.lastsItsFullLength();
    server.startAgain();

    JsonNode done = api.awaitJob(inFlight, status("COMPLETED"), WAIT);
    assertThat(attemptsOfEveryTask(done))
        .as("no attempt was failed as lost for the outage, every outcome got through")
        .containsOnly(1);
    assertThat(slow.runs()).hasSize(5);
    assertThat(slow.runs().values()).extracting(AtomicInteger::get).containsOnly(1);
    api.awaitJob(acceptedMeanwhile, status("COMPLETED"), WAIT);
    api.awaitGet("/readyz", a -> a.status() == 200, WAIT);
  }

  @Test
  void tasksQueuedAndRunningWhenRedisLosesItsDataAreQueuedAgainAndFinish() {
    String job =
        api.createJob(
            """
            {"layers": [
              {"tasks": [{"type": "slow"}, {"type": "slow"}, {"type": "slow"}, {"type": "slow"},
                         {"type": "slow"}, {"type": "slow"}, {"type": "slow"}, {"type": "slow"}]},
              {"priority": 1, "tasks": [{"type": "slow"}, {"type": "quick"}]}
            ]}""");
    api.awaitJob(job, j -> tasksOfLayer(j, 0, "RUNNING") == 4, WAIT);

    server.stop();
    server.startAgainEmpty();

    JsonNode done = api.awaitJob(job, status("COMPLETED"), WAIT);
    assertThat(tasksOfLayer(done, 0, "COMPLETED")).isEqualTo(8);
    assertThat(tasksOfLayer(done, 1, "COMPLETED")).isEqualTo(2);
  }

  @Test
  void workerAndNodeCarryOnAfterRedisDropsTheirConnections() {
    String first = Outage.jobWithFourTasksRunning(api, WAIT);

    assertThat(server.dropClientConnections()).isPositive();

    api.awaitJob(first, status("COMPLETED"), WAIT);
    String second = api.createJob("{\"layers\": [{\"tasks\": [{\"type\": \"wait\"}]}]}");
    JsonNode running = api.awaitJob(second, j -> tasksOfLayer(j, 0, "RUNNING") == 1, WAIT);
    String taskId = running.path("layers").path(0).path("tasks").path(0).path("id").asText();
    HttpApi.Answer killed =
        api.patch("/api/v1/kill", "[{\"kind\": \"Task\", \"id\": \"" + taskId + "\"}]");
    assertThat(killed.body().path("updated").asInt()).isEqualTo(1);
    awaitTrue(
        () -> waiting.stopped().contains(taskId + "/1"),
        "the worker's handler heard the kill over its new subscription");
  }

  private static void awaitTrue(java.util.function.BooleanSupplier condition, String what) {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within " + WAIT + ": " + what);
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
  }
}
