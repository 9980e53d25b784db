package igor.http;

import static igor.testing.HttpApi.status;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import igor.testing.HttpApi;
import igor.testing.PrometheusText;
import igor.testing.TestNode;
import igor.worker.builtin.BuiltinHandlers;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * GET /api/v1/dashboard of a real node (PostgreSQL, Redis, the built-in workers) after known jobs:
 * the figures are the attempts those jobs made, and the tasks left waiting.
 */
class DashboardApiTest {
  private static TestNode.Running igor;
  private static HttpApi api;
  private static long before;

  @BeforeAll
  static void runKnownJobs() {
    igor = TestNode.running(BuiltinHandlers.all());
    api = igor.api();
    before = System.currentTimeMillis() / 1000;
    // Three echoes succeed; one task fails twice (one retry): 5 attempts started and ended, 2
    // failed.
    String finished =
        api.createJob(
            "{\"name\": \"known\", \"layers\": [{\"tasks\": [{\"type\": \"echo\", \"args\":"
                + " \"YQ==\"}, {\"type\": \"echo\", \"args\": \"Yg==\"}, {\"type\": \"echo\","
                + " \"args\": \"Yw==\"}, {\"type\": \"fail\", \"retries\": 1}]}]}");
    api.awaitJob(finished, status("ERRORED"), Duration.ofSeconds(60));
    // No worker takes this type: two tasks wait, and their job runs.
    api.createJob(
        "{\"name\": \"waiting\", \"layers\": [{\"tasks\": ["
            + "{\"type\": \"nobody-takes\"}, {\"type\": \"nobody-takes\"}]}]}");
  }

  @AfterAll
  static void stop() {
    igor.close();
  }

  private static JsonNode dashboardOnceApplied() {
    return api.awaitGet(
            "/api/v1/dashboard",
            a ->
                a.status() == 200
                    && a.body().path("totals").path("ended").asLong() == 5
                    && a.body().path("queued_tasks").asLong() == 2,
            Duration.ofSeconds(30))
        .body();
  }

  private static JsonNode type(JsonNode dashboard, String type) {
    for (JsonNode t : dashboard.path("types")) {
      if (t.path("type").asText().equals(type)) {
        return t;
      }
    }
    throw new AssertionError("no type " + type + " in " + dashboard);
  }

  @Test
  void theTotalsAreTheAttemptsOfTheKnownJob() {
    JsonNode d = dashboardOnceApplied();
    assertThat(d.path("totals").path("started").asLong()).isEqualTo(5);
    assertThat(d.path("totals").path("ended").asLong()).isEqualTo(5);
    assertThat(d.path("totals").path("failed").asLong()).isEqualTo(2);
    JsonNode echo = type(d, "echo");
    assertThat(echo.path("started").asLong()).isEqualTo(3);
    assertThat(echo.path("ended").asLong()).isEqualTo(3);
    assertThat(echo.path("failed").asLong()).isZero();
    JsonNode fail = type(d, "fail");
    assertThat(fail.path("started").asLong()).isEqualTo(2);
    assertThat(fail.path("failed").asLong()).isEqualTo(2);
  }

  @Test
  void theBucketsCoverTheWholeHourAndHoldTheAttempts() {
    JsonNode d = dashboardOnceApplied();
    assertThat(d.path("bucket_seconds").asInt()).isEqualTo(10);
    JsonNode buckets = d.path("buckets");
    assertThat(buckets.size()).isBetween(360, 362);
    long started = 0;
    long ended = 0;
    long failed = 0;
    long previous = 0;
    for (JsonNode b : buckets) {
      assertThat(b.path("at").asLong()).isGreaterThan(previous);
      previous = b.path("at").asLong();
      started += b.path("started").asLong();
      ended += b.path("ended").asLong();
      failed += b.path("failed").asLong();
      if (b.path("started").asLong() > 0) {
        assertThat(b.path("at").asLong()).isGreaterThanOrEqualTo(before - 10);
      }
    }
    assertThat(new long[] {started, ended, failed}).containsExactly(5, 5, 2);
  }

  @Test
  void theWaitingTasksAndTheRunningJobAreCounted() {
    JsonNode d = dashboardOnceApplied();
    JsonNode waiting = type(d, "nobody-takes");
    assertThat(waiting.path("queued").asLong()).isEqualTo(2);
    assertThat(waiting.path("started").asLong()).isZero();
    assertThat(waiting.path("oldest_queued_at").asLong()).isBetween(before, d.path("now").asLong());
    assertThat(waiting.path("oldest_age_seconds").asLong())
        .isEqualTo(d.path("now").asLong() - waiting.path("oldest_queued_at").asLong());
    assertThat(type(d, "echo").path("queued").asLong()).isZero();
    assertThat(d.path("running_jobs").asLong()).isEqualTo(1);
    assertThat(d.path("running_tasks").asLong()).isZero();
  }

  @Test
  void sinceNarrowsTheWindowToItsBucket() {
    dashboardOnceApplied();
    long now = System.currentTimeMillis() / 1000;
    JsonNode d = api.get("/api/v1/dashboard?since=" + (now - 60)).body();
    assertThat(d.path("since").asLong()).isEqualTo((now - 60) / 10 * 10);
    assertThat(d.path("buckets").size()).isBetween(6, 8);
    assertThat(d.path("buckets").get(0).path("at").asLong()).isEqualTo(d.path("since").asLong());
  }

  @Test
  void aSinceBeyondTheHistoryIsRefusedNamingTheSetting() {
    long now = System.currentTimeMillis() / 1000;
    HttpApi.Answer old = api.get("/api/v1/dashboard?since=" + (now - 7200));
    assertThat(old.status()).isEqualTo(400);
    assertThat(old.error()).contains("since", "igor.projection.activity-history", "3600");
    HttpApi.Answer word = api.get("/api/v1/dashboard?since=yesterday");
    assertThat(word.status()).isEqualTo(400);
    assertThat(word.error()).contains("'since' must be an integer (unix seconds)");
    assertThat(api.get("/api/v1/dashboard?until=1").error()).contains("unknown query parameter");
  }

  @Test
  void theOldestWaitingAgeIsAGaugePerType() {
    dashboardOnceApplied();
    String metrics =
        api.awaitGet(
                "/metrics",
                a -> a.text().contains("igor_queue_oldest_age_seconds{type=\"nobody-takes\"}"),
                Duration.ofSeconds(20))
            .text();
    assertThat(
            PrometheusText.value(metrics, "igor_queue_oldest_age_seconds{type=\"nobody-takes\"}"))
        .isBetween(0.0, (double) (System.currentTimeMillis() / 1000 - before + 1));
  }
}
