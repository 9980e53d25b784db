package igor.queue;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import igor.domain.Identifiers;
import igor.queue.redis.RedisQueues;
import igor.queue.redis.RedisSettings;
import igor.testing.TestRedis;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.redisson.client.codec.StringCodec;

/**
 * Pushes and withdrawals of more deliveries than one script or message carries (1,000) on a real
 * Redis: the chunks together do what one script did, and leave nothing behind.
 */
class BigPushesTest {
  private static final int MANY = 2_500;
  private TestRedis redis;
  private RedisQueues queues;

  @BeforeEach
  void redis() {
    redis = TestRedis.create();
    queues =
        RedisQueues.open(
            new RedisSettings(redis.url(), "", redis.prefix(), 4), Duration.ofMinutes(5));
  }

  @AfterEach
  void cleanUp() {
    queues.close();
    redis.close();
  }

  @Test
  void aPushOfManyDeliveriesQueuesEachOnceAndLeavesNoMark() {
    List<TaskDelivery> many = deliveries(MANY);
    queues.taskQueue().enqueue(many).toCompletableFuture().join();
    queues.taskQueue().enqueue(many).toCompletableFuture().join();

    assertThat(queueLength()).as("entries after pushing the same deliveries twice").isEqualTo(MANY);
    assertThat(redis.client().getSet(key("queued")).size()).isEqualTo(MANY);
    assertThat(redis.client().getKeys().getKeysByPattern(key("push:*"))).as("marks").isEmpty();
  }

  @Test
  void deliveriesHandedOutAgainAfterTheirQueueWasLostAreEachPushedOnceInEveryChunk() {
    List<TaskDelivery> many = deliveries(MANY);
    queues.taskQueue().enqueue(many).toCompletableFuture().join();
    redis.client().getKeys().delete(key("queue:resize"));

    List<String> again = queues.taskQueue().redeliver(many).toCompletableFuture().join();

    assertThat(again).as("handed out again").hasSize(MANY).doesNotHaveDuplicates();
    assertThat(queueLength()).isEqualTo(MANY);
    assertThat(queues.taskQueue().redeliver(many).toCompletableFuture().join())
        .as("handed out again while they wait")
        .isEmpty();
    assertThat(queueLength()).isEqualTo(MANY);
    assertThat(redis.client().getKeys().getKeysByPattern(key("push:*"))).as("marks").isEmpty();
  }

  @Test
  void withdrawingManyDeliveriesEmptiesTheQueueAndAnnouncesEachIdInMessagesOfAtMostAThousand()
      throws Exception {
    List<TaskDelivery> many = deliveries(MANY);
    queues.taskQueue().enqueue(many).toCompletableFuture().join();
    List<String> announced = new CopyOnWriteArrayList<>();
    List<Integer> sizes = new CopyOnWriteArrayList<>();
    ObjectMapper json = new ObjectMapper();
    var topic = redis.client().getTopic(key("cancel"), StringCodec.INSTANCE);
    topic.addListener(
        String.class,
        (channel, message) -> {
          try {
            List<String> ids = new ArrayList<>();
            json.readTree(message).path("delivery_ids").forEach(id -> ids.add(id.asText()));
            sizes.add(ids.size());
            announced.addAll(ids);
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        });

    queues.taskQueue().cancel(many).toCompletableFuture().join();

    assertThat(queueLength()).isZero();
    long deadline = System.currentTimeMillis() + 10_000;
    while (announced.size() < MANY && System.currentTimeMillis() < deadline) {
      Thread.sleep(50);
    }
    assertThat(announced)
        .containsExactlyInAnyOrderElementsOf(many.stream().map(TaskDelivery::deliveryId).toList());
    assertThat(sizes).allSatisfy(size -> assertThat(size).isLessThanOrEqualTo(1000));
  }

  @Test
  void withdrawingDeliveriesQueuedInATraceRemovesThemThoughTheNodeNoLongerKnowsTheirTraceparent() {
    String trace = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    for (int count : List.of(3, 40)) {
      List<TaskDelivery> plain = deliveries(count);
      queues
          .taskQueue()
          .enqueue(plain.stream().map(d -> d.inTrace(trace)).toList())
          .toCompletableFuture()
          .join();
      assertThat(queueLength()).isEqualTo(count);

      queues.taskQueue().cancel(plain).toCompletableFuture().join();

      assertThat(queueLength())
          .as("entries left after withdrawing %d traced deliveries", count)
          .isZero();
    }
  }

  @Test
  void withdrawingDeliveriesTakesTheClaimOfEachForCancelledForAWhileButLeavesAClaimAWorkerHolds() {
    for (int count : List.of(3, MANY)) {
      List<TaskDelivery> some = deliveries(count);
      queues.taskQueue().enqueue(some).toCompletableFuture().join();
      String taken = some.get(1).deliveryId();
      redis.client().getBucket(key("claim:" + taken), StringCodec.INSTANCE).set("worker-7");

      queues.taskQueue().cancel(some).toCompletableFuture().join();

      for (TaskDelivery d : some) {
        var claim = redis.client().getBucket(key("claim:" + d.deliveryId()), StringCodec.INSTANCE);
        if (d.deliveryId().equals(taken)) {
          assertThat(claim.get()).as("a claim a worker holds").isEqualTo("worker-7");
        } else {
          assertThat(claim.get()).as("claim of a withdrawn delivery").isEqualTo("cancelled");
          assertThat(claim.remainTimeToLive())
              .as("its time to live, ms")
              .isPositive()
              .isLessThanOrEqualTo(Duration.ofSeconds(30).toMillis());
        }
      }
      assertThat(queueLength()).as("entries left after withdrawing %d", count).isZero();
    }
  }

  private int queueLength() {
    return redis.client().getList(key("queue:resize"), StringCodec.INSTANCE).size();
  }

  private String key(String name) {
    return redis.prefix() + ":" + name;
  }

  private static List<TaskDelivery> deliveries(int count) {
    return IntStream.range(0, count)
        .mapToObj(
            i ->
                new TaskDelivery(
                    Identifiers.newId(),
                    Identifiers.newId(),
                    Identifiers.newId(),
                    1,
                    Identifiers.newId(),
                    "resize",
                    new byte[0]))
        .toList();
  }
}
