package igor.e2e;

import static igor.testing.HttpApi.status;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import igor.testing.TestNode;
import igor.testing.TestTime;
import igor.worker.builtin.BuiltinHandlers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.redisson.api.RedissonClient;
import org.redisson.api.stream.StreamAddArgs;
import org.redisson.client.codec.StringCodec;

/**
 * Messages that do not follow the worker protocol, on a task queue or the report stream, are set
 * aside in the dead-letter list and logged; the node and the worker carry on.
 */
class DeadLetterTest {
  private static final Duration WAIT = TestTime.scaled(Duration.ofSeconds(30));
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void malformedDeliveriesAndReportsAreSetAsideAndTheNodeAndWorkerCarryOn() throws Exception {
    try (TestNode.Running igor = TestNode.running(BuiltinHandlers.all())) {
      RedissonClient redis = igor.redis().client();
      String prefix = igor.redis().prefix();
      redis.<String>getQueue(prefix + ":queue:noop", StringCodec.INSTANCE)
          .addAll(List.of("not json at all", "{\"v\": 1, \"job_id\": 42}"));
      var reports = redis.<String, String>getStream(prefix + ":reports", StringCodec.INSTANCE);
      reports.add(StreamAddArgs.entry("report", "{\"kind\": \"exploded\"}"));
      reports.add(StreamAddArgs.entry("something-else", "whatever"));

      String jobId =
          igor.api().createJob("{\"layers\": [{\"tasks\": [{\"type\": \"noop\"}]}]}");
      igor.api().awaitJob(jobId, status("COMPLETED"), WAIT);

      List<JsonNode> deadLetters = awaitDeadLetters(redis, prefix + ":dead-letters", 4);
      assertThat(deadLetters)
          .extracting(d -> d.path("source").asText())
          .containsOnly(prefix + ":queue:noop", prefix + ":reports");
      assertThat(deadLetters)
          .extracting(d -> d.path("raw").asText())
          .contains("not json at all", "{\"v\": 1, \"job_id\": 42}", "{\"kind\": \"exploded\"}");
      assertThat(deadLetters).allSatisfy(d -> assertThat(d.path("problem").asText()).isNotBlank());
      assertThat(deadLetters).allSatisfy(d -> assertThat(d.path("at").asLong()).isPositive());
      assertThat(reports.size()).as("nothing unreadable is left to be read again").isZero();
    }
  }

  private static List<JsonNode> awaitDeadLetters(RedissonClient redis, String key, int count)
      throws Exception {
    long deadline = System.nanoTime() + WAIT.toNanos();
    List<String> entries = List.of();
    while (System.nanoTime() < deadline) {
      entries = redis.<String>getList(key, StringCodec.INSTANCE).readAll();
      if (entries.size() >= count) {
        List<JsonNode> parsed = new ArrayList<>();
        for (String entry : entries) {
          parsed.add(JSON.readTree(entry));
        }
        return parsed;
      }
      Thread.sleep(50);
    }
    throw new AssertionError(count + " dead letters expected within " + WAIT + ", found " + entries);
  }
}
