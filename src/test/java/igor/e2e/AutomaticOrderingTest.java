package igor.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import igor.app.IgorNode;
import igor.e2e.FlowControlTest.TimedHandler;
import igor.testing.HttpApi;
import igor.testing.TestDatabase;
import igor.testing.TestNode;
import igor.testing.TestRedis;
import igor.testing.TestTime;
import igor.worker.api.Worker;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.redisson.client.codec.StringCodec;

/**
 * Automatic ordering (docs/flow-control.md, "Ordered without a limit"; ADR 0025) over real HTTP,
 * PostgreSQL and Redis, with workers of the Java SDK that announce their types: with no limit set,
 * urgency and fairness order a type whose tasks use them, admitted as the workers' announced slots
 * free; a type no announcing worker takes goes the direct way, and a type whose workers went away
 * empties its waiting room onto its queue.
 */
@Timeout(value = 10, unit = java.util.concurrent.TimeUnit.MINUTES)
class AutomaticOrderingTest {
  private static final Duration WAIT = TestTime.scaled(Duration.ofSeconds(120));
  private static TestDatabase db;
  private static TestRedis redis;
  private static IgorNode node;
  private static HttpApi api;

  @BeforeAll
  static void startNode() {
    db = TestDatabase.create();
    redis = TestRedis.create();
    node = TestNode.start(db, redis, List.of(), Map.of());
    api = new HttpApi(node.httpPort());
  }

  @AfterAll
  static void stopNode() {
    node.close();
    redis.close();
    db.close();
  }

  @Test
  void withNoLimitSetAnUrgentJobsTasksStartBeforeAnEarlierNormalJobsWaitingTasks() {
    TimedHandler handler = new TimedHandler("autourgent", 30);
    try (Worker worker = worker(handler, 4)) {
      awaitAnnounced("autourgent");
      // the type is not ordered yet: the normal job's tasks go straight onto the queue
      String normal = api.createJob(job(tasks("autourgent", 300, "")));
      awaitStarted(handler, normal, 1);
      String urgent =
          api.createJob("{\"urgency\": 5, " + job(tasks("autourgent", 5, "")).substring(1));
      api.awaitJob(urgent, HttpApi.status("COMPLETED"), WAIT);
      api.awaitJob(normal, HttpApi.status("COMPLETED"), WAIT);

      long firstUrgentStart =
          handler.runsOf(urgent).stream().mapToLong(r -> r[0]).min().orElseThrow();
      long lastUrgentStart =
          handler.runsOf(urgent).stream().mapToLong(r -> r[0]).max().orElseThrow();
      long normalAfter =
          handler.runsOf(normal).stream().filter(r -> r[0] > lastUrgentStart).count();
      long normalAmong =
          handler.runsOf(normal).stream()
              .filter(r -> r[0] > firstUrgentStart && r[0] < lastUrgentStart)
              .count();
      long normalBefore =
          handler.runsOf(normal).stream().filter(r -> r[0] < firstUrgentStart).count();
      System.out.printf(
          "automatic ordering: urgency with no limit: of the normal job's 300 tasks %d started"
              + " before the urgent job's first, %d among the urgent ones, %d after the last;"
              + " load %s%n",
          normalBefore, normalAmong, normalAfter, load());
      assertThat(normalAfter).as("normal tasks that waited for the urgent ones").isGreaterThan(150);
      assertThat(normalAmong)
          .as("normal tasks started among the urgent ones (admitted before they came)")
          .isLessThanOrEqualTo(4);
      assertThat(
              redis
                  .client()
                  .getMap(redis.prefix() + ":flow:ordered", StringCodec.INSTANCE)
                  .containsKey("autourgent"))
          .as("the type is marked ordered")
          .isTrue();
    }
  }

  @Test
  void withNoLimitSetATenantsTenTasksFinishWithinSecondsBesideAnotherTenantsTwoThousand() {
    TimedHandler handler = new TimedHandler("autofair", 5);
    try (Worker worker = worker(handler, 8)) {
      awaitAnnounced("autofair");
      String big = api.createJob(job(tasks("autofair", 2_000, "\"fairness_key\": \"big\"")));
      awaitStarted(handler, big, 20);
      long smallAt = System.nanoTime();
      String small = api.createJob(job(tasks("autofair", 10, "\"fairness_key\": \"small\"")));
      api.awaitJob(small, HttpApi.status("COMPLETED"), WAIT);
      double took = (System.nanoTime() - smallAt) / 1e9;
      long bigDone = handler.runsOf(big).size();
      System.out.printf(
          "automatic ordering: fairness with no limit: 10 tasks of a tenant done in %.2f s beside"
              + " 2,000 of another (%d of them done meanwhile); load %s%n",
          took, bigDone, load());
      assertThat(took).isLessThan(TestTime.scaled(Duration.ofSeconds(10)).toSeconds() + 0.0);
      assertThat(bigDone).as("the big tenant's tasks did not all go first").isLessThan(1_900);
      api.awaitJob(big, HttpApi.status("COMPLETED"), WAIT);
    }
  }

  @Test
  void anUrgentJobOfATypeNoAnnouncingWorkerTakesGoesStraightOntoItsQueue() {
    String urgent =
        api.createJob("{\"urgency\": 5, " + job(tasks("autounserved", 3, "")).substring(1));
    awaitTrue(
        "three deliveries on the queue",
        () -> redis.client().getList(redis.prefix() + ":queue:autounserved").size() == 3);
    assertThat(redis.client().getKeys().countExists(redis.prefix() + ":flow:wait:autounserved"))
        .as("no waiting room")
        .isZero();
    TimedHandler handler = new TimedHandler("autounserved", 0);
    try (Worker worker = worker(handler, 2)) {
      api.awaitJob(urgent, HttpApi.status("COMPLETED"), WAIT);
    }
  }

  @Test
  void anOrderedTypeWhoseWorkersStoppedEmptiesItsWaitingRoomOntoItsQueue() {
    TimedHandler handler = new TimedHandler("autoleaving", 200);
    String urgent;
    try (Worker worker = worker(handler, 1)) {
      awaitAnnounced("autoleaving");
      urgent = api.createJob("{\"urgency\": 4, " + job(tasks("autoleaving", 20, "")).substring(1));
      awaitStarted(handler, urgent, 1);
      assertThat(waiting("autoleaving"))
          .as("held in the waiting room: one slot announced")
          .isGreaterThan(10);
    }
    // no announcing worker takes the type now: its room goes onto the queue, for any taker
    awaitTrue("the waiting room emptied", () -> waiting("autoleaving") == 0);
    assertThat(redis.client().getList(redis.prefix() + ":queue:autoleaving").size())
        .isGreaterThan(10);
    TimedHandler next = new TimedHandler("autoleaving", 0);
    try (Worker worker = worker(next, 4)) {
      api.awaitJob(urgent, HttpApi.status("COMPLETED"), WAIT);
    }
  }

  private static int waiting(String type) {
    return redis
        .client()
        .getScoredSortedSet(redis.prefix() + ":flow:wait:" + type, StringCodec.INSTANCE)
        .size();
  }

  private static Worker worker(TimedHandler handler, int concurrency) {
    return Worker.connect(redis.url())
        .keyPrefix(redis.prefix())
        .register(handler)
        .concurrency(concurrency)
        .shutdownGrace(Duration.ofSeconds(1))
        .start();
  }

  /**
   * Waits until the registry lists a live worker of the type, then three lease checks more, so that
   * the node's refresh has read its slots.
   */
  private static void awaitAnnounced(String type) {
    awaitTrue(
        "a worker of " + type + " announced",
        () -> api.get("/api/v1/workers").body().toString().contains("\"" + type + "\""));
    sleep(3_000);
  }

  private static void awaitTrue(String what, BooleanSupplier condition) {
    long until = System.nanoTime() + WAIT.toNanos();
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as("waiting: " + what).isLessThan(until);
      sleep(20);
    }
  }

  private static void awaitStarted(TimedHandler h, String job, int count) {
    awaitTrue("starts of " + job, () -> h.startedOf(job) >= count);
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
  }

  private static String tasks(String type, int count, String extra) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < count; i++) {
      b.append(i == 0 ? "" : ",").append("{\"type\": \"").append(type).append('"');
      b.append(extra.isEmpty() ? "" : ", " + extra).append('}');
    }
    return b.toString();
  }

  private static String job(String tasks) {
    return "{\"layers\": [{\"tasks\": [" + tasks + "]}]}";
  }

  private static String load() {
    try {
      return java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).trim();
    } catch (java.io.IOException e) {
      return "unknown";
    }
  }
}
