package igor.queue;

import static org.assertj.core.api.Assertions.assertThat;

import igor.queue.LiveLimits.Change;
import igor.queue.redis.RedisFlowControl;
import igor.queue.redis.RedisQueues;
import igor.queue.redis.RedisSettings;
import igor.testing.TestRedis;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The live copy of the limits in real Redis takes a change of the API only over an older one and
 * the configuration's only where the API changed nothing (ADR 0026): two nodes that apply the
 * records they read at different times cannot put an older limit back.
 */
class LiveLimitVersionsTest {
  private TestRedis redis;
  private RedisQueues queues;
  private RedisFlowControl live;

  @BeforeEach
  void openRedis() {
    redis = TestRedis.create();
    queues =
        RedisQueues.open(
            new RedisSettings(redis.url(), "", redis.prefix(), 4), Duration.ofMinutes(5));
    live =
        queues.flowControl(
            1000, 1000, Duration.ofSeconds(60), false, Duration.ofHours(1), Duration.ofSeconds(10));
  }

  @AfterEach
  void closeRedis() {
    queues.close();
    redis.close();
  }

  @Test
  void anOlderChangeOfTheApiAppliedAfterANewerOneChangesNothing() {
    assertThat(apply(new Change("type", "email", concurrency(5), 7))).isEqualTo(1);
    assertThat(apply(new Change("type", "email", concurrency(3), 6))).isZero();
    assertThat(apply(new Change("type", "email", null, 7))).as("the same version").isZero();
    assertThat(concurrency()).isEqualTo(5);

    assertThat(apply(new Change("type", "email", null, 8))).isEqualTo(1);
    assertThat(concurrency()).as("removed").isEqualTo(-1);
  }

  @Test
  void theConfigurationsLimitHoldsOnlyWhereTheApiChangedNothing() {
    assertThat(apply(Change.configured(concurrency(2)))).isEqualTo(1);
    assertThat(concurrency()).isEqualTo(2);
    assertThat(apply(Change.configured(concurrency(4)))).as("a new configuration").isEqualTo(1);

    apply(new Change("type", "email", null, 1));
    assertThat(apply(Change.configured(concurrency(2)))).isZero();
    assertThat(concurrency()).as("removed by the API, whatever the configuration").isEqualTo(-1);
  }

  @Test
  void oneCallAppliesManyChangesAndCountsOnlyThoseThatChangedAValue() {
    int changed =
        apply(
            new Change("type", "a", concurrency("a", 1), 1),
            new Change("key", "b", new FlowLimit("key", "b", 0, 10, 1000, 0), 2),
            new Change("fairness", "c", new FlowLimit("fairness", "c", 0, 0, 1000, 3), 3),
            Change.configured(concurrency("d", 4)));
    assertThat(changed).isEqualTo(4);
    assertThat(apply(Change.configured(concurrency("d", 4)))).as("the same value").isZero();
    assertThat(live.limits().toCompletableFuture().join())
        .extracting(FlowLimit::field)
        .containsExactly("fair:c", "key:b", "type:a", "type:d");
  }

  private int apply(Change... changes) {
    return live.apply(List.of(changes)).toCompletableFuture().join();
  }

  private static FlowLimit concurrency(int n) {
    return concurrency("email", n);
  }

  private static FlowLimit concurrency(String name, int n) {
    return new FlowLimit("type", name, n, 0, 1000, 0);
  }

  private int concurrency() {
    return live.limits().toCompletableFuture().join().stream()
        .filter(l -> l.field().equals("type:email"))
        .mapToInt(FlowLimit::concurrency)
        .findFirst()
        .orElse(-1);
  }
}
