package igor.http;

import static igor.testing.HttpApi.status;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import igor.service.ClusterService;
import igor.testing.HttpApi;
import igor.testing.PrometheusText;
import igor.testing.TestNode;
import igor.worker.builtin.BuiltinHandlers;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** /healthz, /readyz, /api/v1/cluster and /metrics of one real node over real HTTP. */
class NodeHealthAndMetricsTest {
  private static TestNode.Running igor;
  private static HttpApi api;

  @BeforeAll
  static void start() {
    igor = TestNode.running(BuiltinHandlers.all());
    api = igor.api();
  }

  @AfterAll
  static void stop() {
    igor.close();
  }

  @Test
  void healthzSaysTheProcessIsAlive() {
    HttpApi.Answer alive = api.get("/healthz");
    assertThat(alive.status()).isEqualTo(200);
    assertThat(alive.body().path("ok").asBoolean()).isTrue();
  }

  @Test
  void readyzIsReadyOnceTheMemberIsUpAndTheDatabaseAndRedisAnswer() {
    HttpApi.Answer ready = api.awaitGet("/readyz", a -> a.status() == 200, Duration.ofSeconds(20));
    assertThat(ready.body().path("ready").asBoolean()).isTrue();
    assertThat(ready.body().path("checks").path("member").asText()).isEqualTo("ok");
    assertThat(ready.body().path("checks").path("database").asText()).isEqualTo("ok");
    assertThat(ready.body().path("checks").path("redis").asText()).isEqualTo("ok");
  }

  @Test
  void readinessNamesEachCheckThatFailsOrDoesNotAnswer() throws Exception {
    ClusterService service =
        new ClusterService(
            igor.node().system(),
            List.of(
                new ClusterService.Check(
                    "database", () -> CompletableFuture.completedFuture(false)),
                new ClusterService.Check("redis", CompletableFuture::new)),
            Duration.ofMillis(300));
    ClusterService.Readiness readiness =
        service.readiness().toCompletableFuture().get(5, TimeUnit.SECONDS);
    assertThat(readiness.ready()).isFalse();
    assertThat(readiness.checks())
        .containsEntry("database", "not reachable")
        .containsEntry("redis", "no answer within 300 ms");
  }

  @Test
  void clusterListsThisMemberWithItsRolesAndTheJobsItHolds() {
    String jobId =
        api.post(
                "/api/v1/jobs",
                "{\"layers\": [{\"tasks\": [{\"type\": \"sleep\", \"args\": \"MzA=\"}]}]}")
            .body()
            .path("id")
            .asText();
    HttpApi.Answer cluster =
        api.awaitGet(
            "/api/v1/cluster",
            a -> a.status() == 200 && a.body().path("members").get(0).path("jobs").asInt() >= 1,
            Duration.ofSeconds(20));
    JsonNode member = cluster.body().path("members").get(0);
    assertThat(cluster.body().path("members")).hasSize(1);
    assertThat(member.path("status").asText()).isEqualTo("Up");
    assertThat(member.path("self").asBoolean()).isTrue();
    assertThat(member.path("roles"))
        .extracting(JsonNode::asText)
        .containsExactly("api", "jobs", "worker");
    assertThat(member.path("address").asText()).startsWith("pekko://igor@127.0.0.1:");
    api.send(
        java.net.http.HttpRequest.newBuilder(
                java.net.URI.create("http://127.0.0.1:" + igor.node().httpPort() + "/api/v1/kill"))
            .method(
                "PATCH",
                java.net.http.HttpRequest.BodyPublishers.ofString(
                    "[{\"kind\": \"Job\", \"id\": \"" + jobId + "\"}]")));
  }

  @Test
  void metricsSayWhichMembersAreUpAndHowManyDeadLettersRedisKeeps() {
    HttpApi.Answer metrics =
        api.awaitGet(
            "/metrics",
            a -> a.text().contains("igor_cluster_members{status=\"UP\"}"),
            Duration.ofSeconds(20));
    assertThat(PrometheusText.value(metrics.text(), "igor_cluster_members{status=\"UP\"}"))
        .isEqualTo(1.0);
    assertThat(PrometheusText.value(metrics.text(), "igor_cluster_unreachable_members"))
        .isEqualTo(0.0);
    assertThat(PrometheusText.value(metrics.text(), "igor_dead_letters")).isEqualTo(0.0);
    assertThat(
            PrometheusText.value(
                metrics.text(), "igor_reports_dropped_total{reason=\"unknown_job\"}"))
        .isEqualTo(0.0);
  }

  @Test
  void metricsCountTasksPerTypeWithTheirTimesInPrometheusText() {
    String jobId =
        api.post(
                "/api/v1/jobs",
                "{\"layers\": [{\"tasks\": [{\"type\": \"echo\"}, {\"type\": \"echo\"}, {\"type\":"
                    + " \"fail\"}]}]}")
            .body()
            .path("id")
            .asText();
    api.awaitJob(jobId, status("ERRORED"), Duration.ofSeconds(20));
    api.get("/api/v1/jobs/" + jobId);

    HttpApi.Answer metrics =
        api.awaitGet(
            "/metrics",
            a -> a.text().contains("igor_queue_depth{type=\"echo\"}"),
            Duration.ofSeconds(15));
    assertThat(metrics.status()).isEqualTo(200);
    String text = metrics.text();
    assertThat(text)
        .contains("igor_tasks_started_total{type=\"echo\"} 2.0")
        .contains("igor_tasks_completed_total{type=\"echo\"} 2.0")
        .contains("igor_tasks_failed_total{outcome=\"failed\",type=\"fail\"} 1.0")
        .contains("igor_tasks_queued_total{type=\"echo\"} 2.0")
        .contains("igor_task_queued_to_started_seconds_count{type=\"echo\"} 2")
        .contains(
            "igor_task_started_to_finished_seconds_count{outcome=\"completed\",type=\"echo\"} 2")
        .contains("igor_task_queued_to_started_seconds_bucket{type=\"echo\",le=\"1.0\"}")
        .contains("igor_journal_write_seconds_count")
        .contains("igor_jobs{status=\"ERRORED\"}")
        .contains("igor_tasks{status=\"COMPLETED\"}")
        .contains("igor_queue_depth{type=\"echo\"} 0.0")
        .contains("igor_projection_lag_seconds")
        .contains(requestCount("GET", "/api/v1/jobs/{id}", 200))
        .contains(requestCount("POST", "/api/v1/jobs", 200));
    assertThat(metrics.text()).doesNotContain(jobId);
  }

  @Test
  void metricsCountTheTasksOfTheJobsInMemoryByStatusAsTheyChange() {
    String running = PrometheusText.byStatus("igor_tasks", "RUNNING");
    String errored = PrometheusText.byStatus("igor_tasks", "ERRORED");
    double runningBefore = PrometheusText.value(api.get("/metrics").text(), running);
    double erroredBefore = PrometheusText.value(api.get("/metrics").text(), errored);

    String thirtySeconds = "MzA=";
    String jobId =
        api.post(
                "/api/v1/jobs",
                "{\"layers\": [{\"tasks\": [{\"type\": \"sleep\", \"args\": \""
                    + thirtySeconds
                    + "\"}, {\"type\": \"sleep\", \"args\": \""
                    + thirtySeconds
                    + "\"}]}]}")
            .body()
            .path("id")
            .asText();
    api.awaitJob(
        jobId, job -> job.path("counts").path("RUNNING").asInt() == 2, Duration.ofSeconds(20));
    assertThat(PrometheusText.value(api.get("/metrics").text(), running))
        .isEqualTo(runningBefore + 2);

    api.send(
        HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + igor.node().httpPort() + "/api/v1/kill"))
            .method(
                "PATCH",
                HttpRequest.BodyPublishers.ofString(
                    "[{\"kind\": \"Job\", \"id\": \"" + jobId + "\"}]")));
    // Kill ends the running attempts: their tasks become ERRORED "killed" (SEMANTICS.md).
    api.awaitJob(
        jobId, job -> job.path("counts").path("ERRORED").asInt() == 2, Duration.ofSeconds(20));
    String text = api.get("/metrics").text();
    assertThat(PrometheusText.value(text, running)).isEqualTo(runningBefore);
    assertThat(PrometheusText.value(text, errored)).isEqualTo(erroredBefore + 2);
  }

  @Test
  void routeNamesReplaceIdsAndFoldUnknownPaths() {
    assertThat(RouteNames.of("/api/v1/jobs")).isEqualTo("/api/v1/jobs");
    assertThat(RouteNames.of("/api/v1/jobs/3f1c")).isEqualTo("/api/v1/jobs/{id}");
    assertThat(RouteNames.of("/api/v1/jobs/3f1c/audit")).isEqualTo("/api/v1/jobs/{id}/audit");
    assertThat(RouteNames.of("/readyz")).isEqualTo("/readyz");
    assertThat(RouteNames.of("/wp-admin/x.php")).isEqualTo("other");
    assertThat(RouteNames.of("/api/v1/jobs/a/b/c")).isEqualTo("other");
  }

  /** The series of requests counted by method, route and status. */
  private static String requestCount(String method, String route, int status) {
    return "igor_http_requests_seconds_count{method=\""
        + method
        + "\",route=\""
        + route
        + "\",status=\""
        + status
        + "\"}";
  }
}
