package igor.http;

import static igor.testing.HttpApi.status;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import igor.testing.HttpApi;
import igor.testing.TestNode;
import igor.worker.builtin.BuiltinHandlers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * GET /api/v1/jobs/{id}/timeline on a real node with the built-in workers: every attempt, retries
 * included, read from the journal, its layers in run order, and a bound on its size that names its
 * setting.
 */
class TimelineApiTest {
  private static TestNode.Running running;
  private static HttpApi api;

  @BeforeAll
  static void startNode() {
    running =
        TestNode.running(
            BuiltinHandlers.all(),
            Map.of(
                "igor.limits.max-timeline-attempts", 5, "igor.jobs.retry-initial-delay", "10ms"));
    api = running.api();
  }

  @AfterAll
  static void stopNode() {
    running.close();
  }

  @Test
  void aRetriedTaskShowsEachAttemptWithItsTimesAndOutcomeAndLayersComeInRunOrder() {
    String jobId =
        api.createJob(
            "{\"name\": \"timeline\", \"layers\": ["
                + "{\"name\": \"then\", \"priority\": 10, \"tasks\": [{\"type\": \"noop\"}]},"
                + "{\"name\": \"first\", \"tasks\": [{\"type\": \"echo\", \"name\": \"ok\"},"
                + " {\"type\": \"fail\", \"name\": \"bad\", \"retries\": 1}]}]}");
    api.awaitJob(jobId, status("ERRORED"), Duration.ofSeconds(30));

    HttpApi.Answer answer = api.get("/api/v1/jobs/" + jobId + "/timeline");

    assertThat(answer.status()).as(answer.text()).isEqualTo(200);
    JsonNode t = answer.body();
    assertThat(t.path("job_id").asText()).isEqualTo(jobId);
    assertThat(t.path("name").asText()).isEqualTo("timeline");
    JsonNode layers = t.path("layers");
    assertThat(List.of(layers.get(0).path("name").asText(), layers.get(1).path("name").asText()))
        .containsExactly("first", "then");
    JsonNode first = layers.get(0);
    assertThat(first.path("tasks").asInt()).isEqualTo(2);
    assertThat(first.path("attempts").asInt()).isEqualTo(3);
    assertThat(first.path("started_at_ms").asLong()).isPositive();
    assertThat(layers.get(1).path("attempts").asInt()).isZero();
    assertThat(layers.get(1).path("started_at_ms").asLong()).isZero();

    List<String> attempts = new ArrayList<>();
    for (JsonNode a : t.path("attempts")) {
      assertThat(a.path("layer_id").asText()).isEqualTo(first.path("id").asText());
      long queued = a.path("queued_at_ms").asLong();
      long started = a.path("started_at_ms").asLong();
      long ended = a.path("ended_at_ms").asLong();
      assertThat(queued).isPositive().isLessThanOrEqualTo(started);
      assertThat(started).isLessThanOrEqualTo(ended);
      assertThat(ended).isLessThanOrEqualTo(t.path("now_ms").asLong());
      attempts.add(a.path("attempt").asInt() + " " + a.path("outcome").asText());
    }
    assertThat(attempts).containsExactlyInAnyOrder("1 completed", "1 failed", "2 failed");
    assertThat(first.path("queue_wait_ms").asLong()).isNotNegative();
    assertThat(first.path("run_p95_ms").asLong())
        .isGreaterThanOrEqualTo(first.path("run_p50_ms").asLong());
  }

  @Test
  void aJobOfMoreAttemptsThanTheLimitIsRefusedWithTheSettingNamed() {
    StringBuilder tasks = new StringBuilder();
    for (int i = 0; i < 6; i++) {
      tasks.append(i == 0 ? "" : ", ").append("{\"type\": \"noop\"}");
    }
    String jobId = api.createJob("{\"layers\": [{\"tasks\": [" + tasks + "]}]}");

    HttpApi.Answer answer = api.get("/api/v1/jobs/" + jobId + "/timeline");

    assertThat(answer.status()).isEqualTo(413);
    assertThat(answer.error())
        .isEqualTo(
            "the job has more than 5 attempts, the most a timeline answers"
                + " (igor.limits.max-timeline-attempts)");
  }

  @Test
  void anUnknownJobIsNotFoundAndAMalformedIdIsABadRequest() {
    assertThat(api.get("/api/v1/jobs/" + UUID.randomUUID() + "/timeline").status()).isEqualTo(404);
    HttpApi.Answer bad = api.get("/api/v1/jobs/not-an-id/timeline");
    assertThat(bad.status()).isEqualTo(400);
    assertThat(bad.error()).contains("job id must be a lowercase UUID");
  }
}
