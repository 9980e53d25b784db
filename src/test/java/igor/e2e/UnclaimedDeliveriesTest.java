package igor.e2e;

import static igor.testing.HttpApi.status;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import igor.app.IgorNode;
import igor.testing.CountingHandler;
import igor.testing.GatedHandler;
import igor.testing.HttpApi;
import igor.testing.Journal;
import igor.testing.StoppableRedis;
import igor.testing.TestDatabase;
import igor.testing.TestNode;
import igor.testing.TestRedis;
import igor.testing.TestTime;
import igor.worker.api.Worker;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.redisson.api.queue.DequeMoveArgs;
import org.redisson.client.codec.StringCodec;

/**
 * Deliveries that leave Redis's queues and are never claimed still run (issue 18 item 1): a worker
 * that took one with the reliable take and died before its claim has it given back by a node once
 * its take heartbeat lapsed; one taken the old way (LPOP) by a worker that died is handed out again
 * by its job once it waited unclaimed longer than igor.jobs.unclaimed-redelivery-after; and after
 * Redis loses all its data mid-job the job still completes. Each on a Redis server of the test's
 * own, since one of them flushes it. The dead workers are a raw Redis client doing by hand what a
 * worker does, and then nothing.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class UnclaimedDeliveriesTest {
  private static final Duration LEASE = Duration.ofSeconds(3);
  private static final Duration SWEEP = Duration.ofMillis(200);

  /** A dead worker's heartbeat TTL, as a worker with a lease of 2 s sets it. */
  private static final Duration HEARTBEAT = Duration.ofSeconds(2);

  /** Starting a worker, its first take and the report's way to the journal, on a busy machine. */
  private static final Duration SLACK = TestTime.scaled(Duration.ofSeconds(6));

  private static final Duration WAIT = TestTime.scaled(Duration.ofSeconds(60));

  private StoppableRedis server;
  private TestDatabase db;
  private TestRedis redis;
  private IgorNode node;
  private HttpApi api;
  private final List<Worker> workers = new ArrayList<>();

  @BeforeEach
  void servers() {
    server = StoppableRedis.start();
    db = TestDatabase.create();
    redis = TestRedis.create(server.url());
  }

  @AfterEach
  void stopEverything() {
    workers.forEach(Worker::close);
    if (node != null) {
      node.close();
    }
    redis.close();
    server.close();
    db.close();
  }

  private void startNode(Map<String, Object> settings) {
    Map<String, Object> all = new java.util.HashMap<>(settings);
    all.put("igor.node.roles", List.of("api", "jobs"));
    all.put("igor.worker.lease", LEASE.toMillis() + "ms");
    all.put("igor.worker.lease-check-interval", SWEEP.toMillis() + "ms");
    all.put("igor.worker.queue-check-interval", "1s");
    node = TestNode.start(db, redis, List.of(), all);
    api = new HttpApi(node.httpPort());
  }

  private void startWorker(igor.worker.api.TaskHandler handler, int concurrency) {
    workers.add(
        Worker.connect(server.url())
            .keyPrefix(redis.prefix())
            .register(handler)
            .concurrency(concurrency)
            .lease(LEASE)
            .start());
  }

  @Test
  void aDeliveryTakenByAWorkerThatDiedBeforeItsClaimRunsOnAnotherOnceTheHeartbeatLapsed()
      throws Exception {
    startNode(Map.of());
    String jobId = api.createJob("{\"layers\": [{\"tasks\": [{\"type\": \"fragile\"}]}]}");
    awaitQueueLength("fragile", 1);

    long heartbeatSetAt = System.currentTimeMillis();
    redis
        .client()
        .getBucket(redis.prefix() + ":taker:dead", StringCodec.INSTANCE)
        .set("1", HEARTBEAT);
    redis.client().getSet(redis.prefix() + ":takers", StringCodec.INSTANCE).add("dead");
    String taken =
        redis
            .client()
            .<String>getBlockingDeque(redis.prefix() + ":queue:fragile", StringCodec.INSTANCE)
            .move(
                Duration.ofSeconds(1),
                DequeMoveArgs.pollFirst().addLastTo(redis.prefix() + ":inflight:dead"));
    assertThat(taken).as("the dead worker's take").contains(jobId);
    CountingHandler fragile = new CountingHandler("fragile", 0);
    startWorker(fragile, 2);

    api.awaitJob(jobId, status("COMPLETED"), WAIT);
    List<Journal.Entry> events = Journal.events(db, jobId);
    Journal.Entry completed = only(events, "TaskCompleted");
    assertThat(completed.json().path("attempt").asInt()).as("the same attempt").isEqualTo(1);
    assertThat(completed.json().path("at").asLong())
        .as("ran once the dead worker's heartbeat lapsed, within it, a sweep and the slack")
        .isGreaterThanOrEqualTo(heartbeatSetAt + HEARTBEAT.toMillis())
        .isLessThanOrEqualTo(
            heartbeatSetAt + HEARTBEAT.toMillis() + SWEEP.toMillis() + SLACK.toMillis());
    System.out.printf(
        "unclaimed-deliveries taken-and-died: completed %d ms after the dead take's heartbeat"
            + " was set (TTL %d ms, sweep every %d ms)%n",
        completed.json().path("at").asLong() - heartbeatSetAt,
        HEARTBEAT.toMillis(),
        SWEEP.toMillis());
    assertThat(events).extracting(Journal.Entry::type).doesNotContain("TaskFailed");
    assertThat(fragile.runs().values()).extracting(AtomicInteger::get).containsExactly(1);
    assertThat(redis.client().getKeys().countExists(redis.prefix() + ":inflight:dead"))
        .as("the dead worker's in-flight list")
        .isZero();
  }

  @Test
  void aDeliveryPoppedTheOldWayByAWorkerThatDiedIsHandedOutAgainOnceUnclaimedTooLong()
      throws Exception {
    Duration bound = Duration.ofSeconds(2);
    startNode(Map.of("igor.jobs.unclaimed-redelivery-after", bound.toSeconds() + "s"));
    String jobId = api.createJob("{\"layers\": [{\"tasks\": [{\"type\": \"fragile\"}]}]}");
    awaitQueueLength("fragile", 1);

    long poppedAt = System.currentTimeMillis();
    String popped =
        redis
            .client()
            .<String>getQueue(redis.prefix() + ":queue:fragile", StringCodec.INSTANCE)
            .poll();
    String deliveryId =
        new com.fasterxml.jackson.databind.ObjectMapper()
            .readTree(popped)
            .path("delivery_id")
            .asText();
    redis.client().getSet(redis.prefix() + ":queued", StringCodec.INSTANCE).remove(deliveryId);
    CountingHandler fragile = new CountingHandler("fragile", 0);
    startWorker(fragile, 2);

    JsonNode done = api.awaitJob(jobId, status("COMPLETED"), WAIT);
    assertThat(task(done).path("attempts").asInt()).as("attempts").isEqualTo(1);
    List<Journal.Entry> events = Journal.events(db, jobId);
    Journal.Entry redelivered = only(events, "TasksRedelivered");
    assertThat(redelivered.json().path("reason").asText())
        .isEqualTo("not claimed within " + bound.toSeconds() + " s");
    assertThat(redelivered.json().path("taskIds").get(0).asText())
        .isEqualTo(task(done).path("id").asText());
    assertThat(redelivered.json().path("at").asLong())
        .as("handed out again after the bound, and at most two bounds (a look every half)")
        .isGreaterThanOrEqualTo(poppedAt + bound.toMillis() - 1000)
        .isLessThanOrEqualTo(poppedAt + 2 * bound.toMillis() + SLACK.toMillis());
    System.out.printf(
        "unclaimed-deliveries popped-the-old-way: handed out again %d ms after the pop (bound %d"
            + " ms)%n",
        redelivered.json().path("at").asLong() - poppedAt, bound.toMillis());
    assertThat(only(events, "TaskCompleted").json().path("attempt").asInt()).isEqualTo(1);
    assertThat(fragile.runs().values()).extracting(AtomicInteger::get).containsExactly(1);
  }

  @Test
  void aJobWithAttemptsRunningAndQueuedCompletesAfterRedisLostAllItsData() throws Exception {
    startNode(Map.of());
    GatedHandler gated = new GatedHandler("gated");
    startWorker(gated, 2);
    HttpApi.Answer created =
        api.post(
            "/api/v1/jobs",
            "{\"layers\": [{\"tasks\": [{\"type\": \"gated\"}, {\"type\": \"gated\"},"
                + " {\"type\": \"gated\"}, {\"type\": \"gated\"}]}]}");
    assertThat(created.status()).as(created.text()).isEqualTo(200);
    String jobId = created.body().path("id").asText();
    List<String> taskIds = new ArrayList<>();
    created
        .body()
        .path("layers")
        .get(0)
        .path("tasks")
        .forEach(t -> taskIds.add(t.path("id").asText()));
    JsonNode before =
        api.awaitJob(jobId, j -> count(j, "RUNNING") == 2 && count(j, "QUEUED") == 2, WAIT);
    Set<String> queuedBefore = new HashSet<>();
    before
        .path("layers")
        .get(0)
        .path("tasks")
        .forEach(
            t -> {
              if (t.path("status").asText().equals("QUEUED")) {
                queuedBefore.add(t.path("id").asText());
              }
            });

    long flushedAt = System.currentTimeMillis();
    redis.client().getKeys().flushall();
    List<Journal.Entry> redelivered =
        awaitJournal(
            jobId, events -> events.stream().anyMatch(e -> e.type().equals("TasksRedelivered")));
    for (String taskId : taskIds) {
      gated.complete(GatedHandler.attempt(taskId, 1), taskId.getBytes(StandardCharsets.UTF_8));
    }

    JsonNode done = api.awaitJob(jobId, status("COMPLETED"), WAIT);
    System.out.printf(
        "unclaimed-deliveries flushall: queued attempts handed out again %d ms after FLUSHALL"
            + " (data check every 1000 ms)%n",
        only(redelivered, "TasksRedelivered").json().path("at").asLong() - flushedAt);
    done.path("layers")
        .get(0)
        .path("tasks")
        .forEach(
            t ->
                assertThat(t.path("attempts").asInt())
                    .as("attempts of " + t.path("id"))
                    .isEqualTo(1));
    Journal.Entry again = only(redelivered, "TasksRedelivered");
    assertThat(again.json().path("reason").asText()).isEqualTo("Redis lost its data");
    Set<String> handedOutAgain = new HashSet<>();
    again.json().path("taskIds").forEach(id -> handedOutAgain.add(id.asText()));
    assertThat(handedOutAgain).isEqualTo(queuedBefore);
    assertThat(Journal.attemptsByTask(db, jobId, "TaskCompleted").values())
        .allSatisfy(attempts -> assertThat(attempts).containsExactly(1));
  }

  private void awaitQueueLength(String type, int length) throws InterruptedException {
    long until = System.nanoTime() + WAIT.toNanos();
    var queue = redis.client().getList(redis.prefix() + ":queue:" + type, StringCodec.INSTANCE);
    while (queue.size() < length) {
      if (System.nanoTime() > until) {
        throw new AssertionError("queue " + type + " never held " + length);
      }
      Thread.sleep(20);
    }
  }

  private List<Journal.Entry> awaitJournal(String jobId, Predicate<List<Journal.Entry>> condition)
      throws InterruptedException {
    long until = System.nanoTime() + WAIT.toNanos();
    while (true) {
      List<Journal.Entry> events = Journal.events(db, jobId);
      if (condition.test(events)) {
        return events;
      }
      if (System.nanoTime() > until) {
        throw new AssertionError("the journal never showed it: " + events);
      }
      Thread.sleep(50);
    }
  }

  private static Journal.Entry only(List<Journal.Entry> events, String type) {
    List<Journal.Entry> found = events.stream().filter(e -> e.type().equals(type)).toList();
    assertThat(found).as(type + " events").hasSize(1);
    return found.get(0);
  }

  private static long count(JsonNode job, String status) {
    long n = 0;
    for (JsonNode t : job.path("layers").get(0).path("tasks")) {
      n += t.path("status").asText().equals(status) ? 1 : 0;
    }
    return n;
  }

  private static JsonNode task(JsonNode job) {
    return job.path("layers").get(0).path("tasks").get(0);
  }
}
