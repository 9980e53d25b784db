package igor.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import igor.testing.HttpApi;
import igor.testing.PrometheusText;
import igor.testing.TestNode;
import igor.testing.TestTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.redisson.api.RStream;
import org.redisson.api.stream.StreamAddArgs;
import org.redisson.client.codec.StringCodec;

/**
 * Generated hostile worker reports, written straight to the report stream as a broken or malicious
 * worker in any language could: NUL, lone surrogates and control characters in every text field,
 * attempts and times at and past their bounds or of the wrong JSON type, unknown kinds, jobs and
 * tasks, outcomes over the size limits, and text that is not JSON at all. Whatever arrives, the
 * node reads the stream to its end (each report applied, or set aside as a dead letter), every job
 * still answers within a second, the lists hold every job, and no job or projection slice is in a
 * restart loop.
 */
class HostileReportsTest {
  private static final Duration WAIT = TestTime.scaled(Duration.ofSeconds(30));
  private static final Duration ONE_SECOND = TestTime.scaled(Duration.ofSeconds(1));

  /** Stand for the ids of the try's job and its two tasks, which exist only once the try runs. */
  private static final String JOB = "@JOB@";

  private static final String TASK = "@TASK";
  private static TestNode.Running igor;
  private static HttpApi api;
  private static RStream<String, String> reports;
  private static final List<String> jobs = new ArrayList<>();

  @BeforeContainer
  static void startNode() {
    // small outcome limits, so that generated outcomes reach past them cheaply
    igor =
        TestNode.running(
            List.of(),
            Map.of("igor.reports.max-result-bytes", 64, "igor.reports.max-message-bytes", 32));
    api = igor.api();
    reports =
        igor.redis().client().getStream(igor.redis().prefix() + ":reports", StringCodec.INSTANCE);
  }

  @AfterContainer
  static void stopNode() {
    igor.close();
  }

  @Property(tries = 60)
  void hostileReportsLeaveEveryJobAnsweringAndEveryListComplete(
      @ForAll("batches") List<String> batch) {
    // a fresh job each try: its two tasks wait QUEUED (nobody takes "held") for the reports
    JsonNode job =
        api.post(
                "/api/v1/jobs",
                "{\"layers\": [{\"tasks\": [{\"type\": \"held\", \"retries\": 1000},"
                    + " {\"type\": \"held\", \"retries\": 1000}]}]}")
            .body();
    String jobId = job.path("id").asText();
    jobs.add(jobId);
    JsonNode tasks = job.path("layers").get(0).path("tasks");
    for (String report : batch) {
      String text =
          report
              .replace(JOB, jobId)
              .replace(TASK + "0", tasks.get(0).path("id").asText())
              .replace(TASK + "1", tasks.get(1).path("id").asText());
      reports.add(StreamAddArgs.entry("report", text));
    }

    long deadline = System.nanoTime() + WAIT.toNanos();
    while (reports.size() > 0 && System.nanoTime() < deadline) {
      pause();
    }
    assertThat(reports.size()).as("the node read every report of " + batch).isZero();
    for (String id : jobs) {
      long asked = System.nanoTime();
      HttpApi.Answer answer = api.get("/api/v1/jobs/" + id);
      assertThat(answer.status()).as(answer.text()).isEqualTo(200);
      assertThat(Duration.ofNanos(System.nanoTime() - asked)).isLessThan(ONE_SECOND);
      for (JsonNode layer : answer.body().path("layers")) {
        for (JsonNode task : layer.path("tasks")) {
          assertThat(task.path("message").asText()).doesNotContain("\u0000");
        }
      }
    }
    String ids = String.join("&job_ids=", jobs);
    assertThat(api.get("/api/v1/jobs?job_ids=" + ids).body()).hasSize(jobs.size());
    assertThat(api.get("/api/v1/tasks?job_ids=" + ids).body()).hasSize(2 * jobs.size());
    String metrics = api.get("/metrics").text();
    assertThat(PrometheusText.value(metrics, "igor_entity_recovery_failures_total")).isZero();
    assertThat(PrometheusText.value(metrics, "igor_projection_failures_total")).isZero();
  }

  @Provide
  Arbitrary<List<String>> batches() {
    return Arbitraries.oneOf(report(), notJson()).list().ofMinSize(1).ofMaxSize(6);
  }

  private Arbitrary<String> notJson() {
    return Arbitraries.of("", "not json", "{", "[1,2]", "null", "{\"v\":1}\u0000", "\"report\"");
  }

  /**
   * Mostly well-formed reports about the real tasks, each field now and then hostile: a report
   * whose every field is hostile would only ever test the first check.
   */
  private Arbitrary<String> report() {
    Arbitrary<String> target =
        Arbitraries.frequencyOf(
            Tuple.of(
                8,
                Arbitraries.of(TASK + "0", TASK + "1")
                    .map(t -> "\"job_id\":\"" + JOB + "\",\"task_id\":\"" + t + "\"")),
            Tuple.of(
                2,
                Arbitraries.of(
                    "\"job_id\":\""
                        + UUID.randomUUID()
                        + "\",\"task_id\":\""
                        + UUID.randomUUID()
                        + "\"",
                    "\"job_id\":\"not-a-uuid\",\"task_id\":\"\\u0000\"",
                    "\"job_id\":42,\"task_id\":null",
                    "\"task_id\":\"" + UUID.randomUUID() + "\"")));
    Arbitrary<String> kind =
        mostly(
            Arbitraries.of(
                "\"started\"", "\"completed\"", "\"failed\"", "\"skipped\"", "\"released\""),
            Arbitraries.of("\"exploded\"", "\"COMPLETED\"", "1", "null", "\"\\u0000\""));
    Arbitrary<String> attempt =
        mostly(
            Arbitraries.of("1", "1", "1", "2"),
            Arbitraries.of(
                "0",
                "-1",
                "2147483647",
                "2147483648",
                "4294967297",
                "1.9",
                "1e3",
                "\"1\"",
                "null",
                "true",
                "[]"));
    Arbitrary<String> text =
        Arbitraries.frequencyOf(
            Tuple.of(1, Arbitraries.of("\"\"", "\"ok\"", "\"tab\\tand\\nnewline\"")),
            Tuple.of(
                2,
                Arbitraries.of(
                    "\"\\u0000\"",
                    "\"a\\u0000b\"",
                    "\"\\ud800\"",
                    "\"\\udc00x\"",
                    "\"\\u001b[31mred\"")),
            Tuple.of(1, Arbitraries.of("\"" + "m".repeat(100) + "\"", "42", "null", "{}")));
    Arbitrary<String> result =
        mostly(
            Arbitraries.of("\"\"", "\"aGk=\"", "null"),
            Arbitraries.of("\"not base64!\"", "\"aGk\"", "\"" + "QUFB".repeat(40) + "\"", "7"));
    Arbitrary<String> retryable =
        mostly(Arbitraries.of("true", "false"), Arbitraries.of("\"maybe\"", "1", "null"));
    Arbitrary<String> at =
        mostly(
            Arbitraries.of("1767225600000"),
            Arbitraries.of(
                "0",
                "-5",
                "9223372036854775807",
                "9223372036854775808",
                "1.5",
                "\"yesterday\"",
                "null"));
    Arbitrary<String> version = mostly(Arbitraries.of("1"), Arbitraries.of("2", "\"1\"", "null"));
    Arbitrary<String> first =
        Combinators.combine(version, target, kind, attempt)
            .as((v, t, k, a) -> "{\"v\":" + v + "," + t + ",\"kind\":" + k + ",\"attempt\":" + a);
    return Combinators.combine(first, text, text, result, retryable, at)
        .as(
            (head, worker, message, res, retry, time) ->
                head
                    + ",\"worker\":"
                    + worker
                    + ",\"message\":"
                    + message
                    + ",\"result\":"
                    + res
                    + ",\"retryable\":"
                    + retry
                    + ",\"at\":"
                    + time
                    + "}");
  }

  /** Usually a well-formed value, one time in five a hostile one. */
  private static Arbitrary<String> mostly(Arbitrary<String> wellFormed, Arbitrary<String> hostile) {
    return Arbitraries.frequencyOf(Tuple.of(4, wellFormed), Tuple.of(1, hostile));
  }

  private static void pause() {
    try {
      Thread.sleep(20);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }
}
