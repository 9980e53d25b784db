package igor.e2e;

import static igor.testing.HttpApi.status;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import igor.domain.OutcomeLimits;
import igor.testing.TestNode;
import igor.testing.TestTime;
import igor.worker.api.TaskContext;
import igor.worker.api.TaskHandler;
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
      redis
          .<String>getQueue(prefix + ":queue:noop", StringCodec.INSTANCE)
          .addAll(List.of("not json at all", "{\"v\": 1, \"job_id\": 42}"));
      var reports = redis.<String, String>getStream(prefix + ":reports", StringCodec.INSTANCE);
      reports.add(StreamAddArgs.entry("report", "{\"kind\": \"exploded\"}"));
      reports.add(StreamAddArgs.entry("something-else", "whatever"));

      String jobId = igor.api().createJob("{\"layers\": [{\"tasks\": [{\"type\": \"noop\"}]}]}");
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

  @Test
  void strictlyReadReportsAreSetAsideAndOversizedOutcomesFailTheirAttemptInsteadOfStickingIt()
      throws Exception {
    try (TestNode.Running igor = TestNode.running(BuiltinHandlers.all())) {
      RedissonClient redis = igor.redis().client();
      String prefix = igor.redis().prefix();
      String jobId =
          igor.api().createJob("{\"layers\": [{\"tasks\": [{\"type\": \"nobody-takes\"}]}]}");
      JsonNode job = igor.api().awaitJob(jobId, j -> queuedTask(j) != null, WAIT);
      String taskId = queuedTask(job);
      var reports = redis.<String, String>getStream(prefix + ":reports", StringCodec.INSTANCE);
      String head = "{\"v\":1,\"job_id\":\"" + jobId + "\",\"task_id\":\"" + taskId + "\",";

      reports.add(
          StreamAddArgs.entry("report", head + "\"kind\":\"completed\",\"attempt\":4294967297}"));
      reports.add(
          StreamAddArgs.entry(
              "report", head + "\"kind\":\"failed\",\"attempt\":1,\"retryable\":\"maybe\"}"));
      List<JsonNode> deadLetters = awaitDeadLetters(redis, prefix + ":dead-letters", 2);
      assertThat(deadLetters)
          .extracting(d -> d.path("problem").asText())
          .anySatisfy(p -> assertThat(p).contains("'attempt'"))
          .anySatisfy(p -> assertThat(p).contains("'retryable'"));
      assertThat(taskStatus(igor.api().get("/api/v1/jobs/" + jobId).body(), taskId))
          .as("a report that wraps to attempt 1 completes nothing")
          .isEqualTo("QUEUED");

      String huge = "x".repeat(3 * 1024 * 1024);
      reports.add(
          StreamAddArgs.entry(
              "report",
              head + "\"kind\":\"completed\",\"attempt\":1,\"message\":\"" + huge + "\"}"));
      JsonNode ended = igor.api().awaitJob(jobId, status("ERRORED"), WAIT);
      JsonNode task = ended.path("layers").get(0).path("tasks").get(0);
      assertThat(task.path("message").asText())
          .contains("over the limit of 8192 bytes", "igor.reports.max-message-bytes");

      reports.add(StreamAddArgs.entry("report", huge));
      List<JsonNode> all = awaitDeadLetters(redis, prefix + ":dead-letters", 3);
      assertThat(all.get(0).path("raw").asText()).hasSize(4096);
      assertThat(all.get(0).path("raw_chars").asInt()).isEqualTo(huge.length());
    }
  }

  @Test
  void theJavaWorkerReportsAnOversizedResultAsAFailureNamingTheLimit() {
    TaskHandler bigResult =
        new TaskHandler() {
          @Override
          public String type() {
            return "big-result";
          }

          @Override
          public byte[] handle(TaskContext context) {
            return new byte[OutcomeLimits.DEFAULTS.maxResultBytes() + 1];
          }
        };
    try (TestNode.Running igor = TestNode.running(List.of(bigResult))) {
      String jobId =
          igor.api().createJob("{\"layers\": [{\"tasks\": [{\"type\": \"big-result\"}]}]}");
      JsonNode ended = igor.api().awaitJob(jobId, status("ERRORED"), WAIT);
      JsonNode task = ended.path("layers").get(0).path("tasks").get(0);
      assertThat(task.path("message").asText())
          .contains("over the limit of 1048576 bytes", "igor.reports.max-result-bytes");
      assertThat(task.path("result").asText()).isEmpty();
    }
  }

  @Test
  void theDeadLetterListKeepsTheNewestEntriesUpToItsCountAndExpiresAfterItsMaximumAge()
      throws Exception {
    Duration maxAge = Duration.ofSeconds(3);
    try (TestNode.Running igor =
        TestNode.running(
            List.of(),
            java.util.Map.of(
                "igor.reports.dead-letters-kept",
                3,
                "igor.reports.dead-letter-max-age",
                maxAge.toMillis() + "ms"))) {
      RedissonClient redis = igor.redis().client();
      String prefix = igor.redis().prefix();
      var reports = redis.<String, String>getStream(prefix + ":reports", StringCodec.INSTANCE);
      for (int i = 1; i <= 5; i++) {
        reports.add(StreamAddArgs.entry("report", "unreadable " + i));
      }
      String key = prefix + ":dead-letters";
      // the list holds 3 as soon as the third is set aside: wait for the fifth, the newest
      List<JsonNode> kept = awaitDeadLetters(redis, key, 3);
      long fifth = System.nanoTime() + WAIT.toNanos();
      while (!kept.get(0).path("raw").asText().equals("unreadable 5")
          && System.nanoTime() < fifth) {
        Thread.sleep(50);
        kept = awaitDeadLetters(redis, key, 3);
      }
      assertThat(reports.size()).as("all five were read and set aside").isZero();
      assertThat(kept)
          .extracting(d -> d.path("raw").asText())
          .containsExactly("unreadable 5", "unreadable 4", "unreadable 3");
      assertThat(redis.getList(key, StringCodec.INSTANCE).remainTimeToLive())
          .as("the list expires its maximum age after its newest entry")
          .isBetween(1L, maxAge.toMillis());

      long deadline = System.nanoTime() + WAIT.toNanos();
      while (redis.getList(key, StringCodec.INSTANCE).isExists() && System.nanoTime() < deadline) {
        Thread.sleep(100);
      }
      assertThat(redis.getList(key, StringCodec.INSTANCE).isExists())
          .as("no dead letter outlives twice its maximum age")
          .isFalse();
    }
  }

  private static String queuedTask(JsonNode job) {
    JsonNode task = job.path("layers").path(0).path("tasks").path(0);
    return "QUEUED".equals(task.path("status").asText()) ? task.path("id").asText() : null;
  }

  private static String taskStatus(JsonNode job, String taskId) {
    for (JsonNode task : job.path("layers").get(0).path("tasks")) {
      if (task.path("id").asText().equals(taskId)) {
        return task.path("status").asText();
      }
    }
    return null;
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
    throw new AssertionError(
        count + " dead letters expected within " + WAIT + ", found " + entries);
  }
}
