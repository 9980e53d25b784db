package igor.e2e;

import static igor.testing.HttpApi.status;
import static org.assertj.core.api.Assertions.assertThat;

import igor.domain.Identifiers;
import igor.testing.TestNode;
import igor.testing.TestTime;
import igor.worker.api.TaskContext;
import igor.worker.api.TaskFailedException;
import igor.worker.api.TaskHandler;
import igor.worker.builtin.BuiltinHandlers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.redisson.api.RedissonClient;
import org.redisson.api.options.KeysScanOptions;
import org.redisson.client.codec.StringCodec;

/**
 * What finished work leaves in Redis (docs/worker-protocol.md, "What stays in Redis"): a claim
 * lives while its attempt runs, and once the node read the attempt's final report it is kept only
 * for igor.worker.claim-linger; a withdrawn attempt's "cancelled" claim lives as long. So after a
 * job ends, within the linger and the time its last reports take to be routed, the keys under the
 * installation's prefix are those it had before: its epoch and its report stream.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class RedisFootprintTest {
  private static final Duration LINGER = Duration.ofSeconds(2);
  private static final Duration WAIT = TestTime.scaled(Duration.ofSeconds(60));

  /** The last reports' way to their job and their acknowledgement, then the linger. */
  private static final Duration BACK_TO_BASELINE =
      TestTime.scaled(Duration.ofSeconds(15)).plus(LINGER);

  private static final int TASKS = 200;
  private static final int FLAKY = 20;

  @Test
  void aFinishedJobLeavesNoKeyOfItsAttemptsInRedisOnceTheClaimLingerHasPassed() {
    ConcurrentLinkedQueue<Long> claimTtlsWhileRunning = new ConcurrentLinkedQueue<>();
    var holder = new RedissonClient[1];
    var prefixHolder = new String[1];
    TaskHandler flaky =
        new TaskHandler() {
          @Override
          public String type() {
            return "flaky";
          }

          @Override
          public byte[] handle(TaskContext context) throws TaskFailedException {
            String claim =
                prefixHolder[0]
                    + ":claim:"
                    + Identifiers.deliveryId(context.taskId(), context.attempt());
            claimTtlsWhileRunning.add(
                holder[0].getBucket(claim, StringCodec.INSTANCE).remainTimeToLive());
            if (context.attempt() == 1) {
              throw new TaskFailedException("first attempts fail", true);
            }
            return new byte[0];
          }
        };
    List<TaskHandler> handlers = new ArrayList<>(BuiltinHandlers.all());
    handlers.add(flaky);
    try (TestNode.Running igor =
        TestNode.running(handlers, Map.of("igor.worker.claim-linger", LINGER.toMillis() + "ms"))) {
      RedissonClient redis = igor.redis().client();
      String prefix = igor.redis().prefix();
      holder[0] = redis;
      prefixHolder[0] = prefix;
      String noTasksYet =
          igor.api().createJob("{\"layers\": [{\"tasks\": [{\"type\": \"noop\"}]}]}");
      igor.api().awaitJob(noTasksYet, status("COMPLETED"), WAIT);
      Set<String> baseline =
          awaitKeys(redis, prefix, Set.of(prefix + ":epoch", prefix + ":reports"));

      String withdrawn =
          igor.api().createJob("{\"layers\": [{\"tasks\": [{\"type\": \"nobody-takes\"}]}]}");
      String queuedTask =
          igor.api()
              .awaitJob(withdrawn, j -> taskStatus(j).equals("QUEUED"), WAIT)
              .path("layers")
              .get(0)
              .path("tasks")
              .get(0)
              .path("id")
              .asText();
      assertThat(
              igor.api()
                  .patch("/api/v1/kill", "[{\"kind\": \"Task\", \"id\": \"" + queuedTask + "\"}]")
                  .status())
          .isEqualTo(200);
      String jobId = igor.api().createJob(job());
      igor.api().awaitJob(jobId, status("COMPLETED"), WAIT);
      igor.api().awaitJob(withdrawn, status("ERRORED"), WAIT);

      assertThat(claimTtlsWhileRunning)
          .as("a running attempt's claim lives on with the claim TTL, not the linger")
          .hasSize(2 * FLAKY)
          .allSatisfy(ttl -> assertThat(ttl).isGreaterThan(LINGER.toMillis()));
      assertThat(awaitKeys(redis, prefix, baseline))
          .as("what stays: the installation's epoch and its report stream (with its group)")
          .isEqualTo(baseline);
    }
  }

  private static String job() {
    List<String> tasks = new ArrayList<>(Collections.nCopies(TASKS, "{\"type\": \"noop\"}"));
    tasks.addAll(Collections.nCopies(FLAKY, "{\"type\": \"flaky\", \"retries\": 1}"));
    return "{\"layers\": [{\"tasks\": [" + String.join(",", tasks) + "]}]}";
  }

  private static String taskStatus(com.fasterxml.jackson.databind.JsonNode job) {
    return job.path("layers").path(0).path("tasks").path(0).path("status").asText();
  }

  /** The keys under the prefix once they are {@code expected}, or the last seen after the wait. */
  private static Set<String> awaitKeys(RedissonClient redis, String prefix, Set<String> expected) {
    long deadline = System.nanoTime() + BACK_TO_BASELINE.toNanos();
    Set<String> keys = keys(redis, prefix);
    while (!keys.equals(expected) && System.nanoTime() < deadline) {
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
      keys = keys(redis, prefix);
    }
    return keys;
  }

  private static Set<String> keys(RedissonClient redis, String prefix) {
    Set<String> keys = new TreeSet<>();
    redis.getKeys().getKeys(KeysScanOptions.defaults().pattern(prefix + ":*")).forEach(keys::add);
    return keys;
  }
}
