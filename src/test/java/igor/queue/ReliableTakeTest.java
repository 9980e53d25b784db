package igor.queue;

import static org.assertj.core.api.Assertions.assertThat;

import igor.domain.Identifiers;
import igor.domain.WorkerReport;
import igor.queue.redis.RedisQueues;
import igor.queue.redis.RedisSettings;
import igor.testing.TestRedis;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.redisson.api.RList;
import org.redisson.client.codec.StringCodec;

/**
 * The reliable take on a real Redis (docs/worker-protocol.md, "Taking work"): deliveries move into
 * the taker's in-flight list and leave it with their claim; nodes give the lists of lapsed takers
 * back to the front of their queues, dropping attempts claimed meanwhile; a worker gives back what
 * sits in its list unknown to it.
 */
class ReliableTakeTest {
  private static final Duration CLAIM = Duration.ofMinutes(5);
  private static final Duration LEASE = Duration.ofSeconds(1);
  private TestRedis redis;
  private RedisQueues queues;

  @BeforeEach
  void redis() {
    redis = TestRedis.create();
    queues = RedisQueues.open(new RedisSettings(redis.url(), "", redis.prefix(), 4), CLAIM);
  }

  @AfterEach
  void cleanUp() {
    queues.close();
    redis.close();
  }

  @Test
  void aTakeMovesDeliveriesIntoTheInFlightListAndTheirClaimTakesThemOut() throws Exception {
    List<TaskDelivery> pushed = List.of(delivery("resize"), delivery("resize"), delivery("resize"));
    queues.taskQueue().enqueue(pushed).toCompletableFuture().join();
    WorkerChannel channel = queues.workerChannel();

    List<TaskDelivery> taken = channel.take(List.of("thumbs", "resize"), 2, Duration.ofSeconds(1));

    assertThat(taken)
        .extracting(TaskDelivery::deliveryId)
        .containsExactly(id(pushed, 0), id(pushed, 1));
    assertThat(queue("resize").size()).isEqualTo(1);
    RList<String> inFlight = onlyInFlightList();
    assertThat(inFlight.readAll()).hasSize(2);
    assertThat(channel.begin(taken.get(0), "w", CLAIM, LEASE, started(taken.get(0)))).isTrue();
    redis.client().getBucket(redis.prefix() + ":claim:" + id(pushed, 1)).set("someone else");
    assertThat(channel.begin(taken.get(1), "w", CLAIM, LEASE, started(taken.get(1)))).isFalse();
    assertThat(inFlight.readAll()).as("claimed or not, taken out").isEmpty();
    assertThat(queued()).containsExactly(id(pushed, 2));
  }

  @Test
  void aLapsedTakersDeliveriesGoBackToTheFrontOfTheirQueuesExceptThoseClaimedMeanwhile()
      throws Exception {
    TaskDelivery first = delivery("resize");
    TaskDelivery second = delivery("resize");
    TaskDelivery claimed = delivery("thumbs");
    TaskDelivery later = delivery("resize");
    queues.taskQueue().enqueue(List.of(first, second)).toCompletableFuture().join();
    queues.taskQueue().enqueue(List.of(claimed)).toCompletableFuture().join();
    WorkerChannel dying = queues.workerChannel();
    assertThat(dying.take(List.of("resize"), 2, Duration.ZERO)).hasSize(2);
    assertThat(dying.take(List.of("thumbs"), 1, Duration.ZERO)).hasSize(1);
    queues.taskQueue().enqueue(List.of(later)).toCompletableFuture().join();
    redis.client().getBucket(redis.prefix() + ":claim:" + claimed.deliveryId()).set("x");
    RList<String> inFlight = onlyInFlightList();
    String taker = inFlight.getName().substring(inFlight.getName().lastIndexOf(':') + 1);

    assertThat(queues.keeping().giveBackLapsedTakes().toCompletableFuture().join())
        .as("while its heartbeat lives")
        .isZero();
    redis.client().getBucket(redis.prefix() + ":taker:" + taker).delete();
    int givenBack = queues.keeping().giveBackLapsedTakes().toCompletableFuture().join();

    assertThat(givenBack).isEqualTo(2);
    assertThat(queue("resize").readAll())
        .extracting(ReliableTakeTest::deliveryIdOf)
        .containsExactly(first.deliveryId(), second.deliveryId(), later.deliveryId());
    assertThat(queue("thumbs").readAll()).isEmpty();
    assertThat(inFlight.isExists()).isFalse();
    assertThat(redis.client().getSet(redis.prefix() + ":takers", StringCodec.INSTANCE).readAll())
        .doesNotContain(taker);
    WorkerChannel next = queues.workerChannel();
    assertThat(next.take(List.of("resize"), 3, Duration.ZERO))
        .extracting(TaskDelivery::deliveryId)
        .containsExactly(first.deliveryId(), second.deliveryId(), later.deliveryId());
  }

  @Test
  void aWorkerGivesBackADeliveryInItsListThatItNeverSawAtTwoLooksInARow() throws Exception {
    TaskDelivery seen = delivery("resize");
    TaskDelivery unseen = delivery("resize");
    queues.taskQueue().enqueue(List.of(seen)).toCompletableFuture().join();
    WorkerChannel channel = queues.workerChannel();
    assertThat(channel.take(List.of("resize"), 1, Duration.ZERO)).hasSize(1);
    RList<String> inFlight = onlyInFlightList();
    // a take whose answer never reached the worker: in its list, unknown to it
    inFlight.add(igor.queue.WireFormat.delivery(unseen));

    long until = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (queue("resize").isEmpty() && System.nanoTime() < until) {
      channel.renewLeases(List.of(), LEASE);
      Thread.sleep(50);
    }

    assertThat(queue("resize").readAll())
        .extracting(ReliableTakeTest::deliveryIdOf)
        .containsExactly(unseen.deliveryId());
    assertThat(inFlight.readAll())
        .extracting(ReliableTakeTest::deliveryIdOf)
        .containsExactly(seen.deliveryId());
  }

  @Test
  void aTakenMessageThatIsNoDeliveryIsSetAsideAndLeavesTheInFlightList() throws Exception {
    queue("resize").add("not a delivery");
    WorkerChannel channel = queues.workerChannel();

    assertThat(channel.take(List.of("resize"), 1, Duration.ZERO)).isEmpty();

    assertThat(
            redis
                .client()
                .getKeys()
                .getKeysStream()
                .filter(k -> k.startsWith(redis.prefix() + ":inflight:")))
        .as("in-flight lists (Redis drops an empty one)")
        .isEmpty();
    assertThat(
            redis
                .client()
                .<String>getList(redis.prefix() + ":dead-letters", StringCodec.INSTANCE)
                .readAll())
        .singleElement()
        .asString()
        .contains("not a delivery");
  }

  private RList<String> onlyInFlightList() {
    List<String> lists =
        redis
            .client()
            .getKeys()
            .getKeysStream()
            .filter(k -> k.startsWith(redis.prefix() + ":inflight:"))
            .toList();
    assertThat(lists).as("in-flight lists").hasSize(1);
    return redis.client().getList(lists.get(0), StringCodec.INSTANCE);
  }

  private RList<String> queue(String type) {
    return redis.client().getList(redis.prefix() + ":queue:" + type, StringCodec.INSTANCE);
  }

  private java.util.Set<String> queued() {
    return redis
        .client()
        .<String>getSet(redis.prefix() + ":queued", StringCodec.INSTANCE)
        .readAll();
  }

  private static String id(List<TaskDelivery> deliveries, int i) {
    return deliveries.get(i).deliveryId();
  }

  private static String deliveryIdOf(String message) {
    try {
      return igor.queue.WireFormat.parseDelivery(message).deliveryId();
    } catch (igor.queue.WireFormat.MalformedMessageException e) {
      throw new AssertionError(message, e);
    }
  }

  private static TaskDelivery delivery(String type) {
    String taskId = Identifiers.newId();
    return new TaskDelivery(
        Identifiers.newId(),
        Identifiers.newId(),
        taskId,
        1,
        Identifiers.deliveryId(taskId, 1),
        type,
        new byte[] {1});
  }

  private static WorkerReport started(TaskDelivery d) {
    return new WorkerReport(
        WorkerReport.Kind.STARTED, d.jobId(), d.taskId(), 1, "w", "", null, true, 1L);
  }
}
