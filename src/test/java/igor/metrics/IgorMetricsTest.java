package igor.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import igor.domain.JobSummary;
import igor.domain.Status;
import igor.entity.JobObserver;
import igor.testing.PrometheusText;
import java.util.EnumMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The gauges of jobs and tasks by status, kept from what job entities tell the node. */
class IgorMetricsTest {
  private final IgorMetrics metrics = new IgorMetrics();

  @Test
  void aJobsTasksAreCountedByTheStatusItLastReported() {
    metrics.jobHeld(summary("j1", Status.RUNNING, Map.of(Status.QUEUED, 3, Status.PENDING, 2)));
    metrics.jobHeld(
        summary(
            "j1",
            Status.RUNNING,
            Map.of(Status.RUNNING, 1, Status.COMPLETED, 2, Status.PENDING, 2)));

    String text = metrics.scrape();
    assertThat(gauge(text, "igor_tasks", Status.QUEUED)).isEqualTo(0);
    assertThat(gauge(text, "igor_tasks", Status.RUNNING)).isEqualTo(1);
    assertThat(gauge(text, "igor_tasks", Status.COMPLETED)).isEqualTo(2);
    assertThat(gauge(text, "igor_tasks", Status.PENDING)).isEqualTo(2);
    assertThat(gauge(text, "igor_jobs", Status.RUNNING)).isEqualTo(1);
  }

  @Test
  void theGaugesSumTheJobsHeldAndForgetAJobThatLeftMemory() {
    metrics.jobHeld(summary("j1", Status.RUNNING, Map.of(Status.RUNNING, 4)));
    metrics.jobHeld(summary("j2", Status.RUNNING, Map.of(Status.RUNNING, 1, Status.QUEUED, 5)));
    metrics.jobHeld(summary("j3", Status.COMPLETED, Map.of(Status.COMPLETED, 7)));
    metrics.jobReleased("j3");
    metrics.jobReleased("never-held");

    String text = metrics.scrape();
    assertThat(gauge(text, "igor_tasks", Status.RUNNING)).isEqualTo(5);
    assertThat(gauge(text, "igor_tasks", Status.QUEUED)).isEqualTo(5);
    assertThat(gauge(text, "igor_tasks", Status.COMPLETED)).isEqualTo(0);
    assertThat(gauge(text, "igor_jobs", Status.RUNNING)).isEqualTo(2);
    assertThat(gauge(text, "igor_jobs", Status.COMPLETED)).isEqualTo(0);
  }

  @Test
  void everyStatusHasASeriesBeforeAnyJobIsHeld() {
    String text = metrics.scrape();
    for (Status status : Status.values()) {
      assertThat(gauge(text, "igor_jobs", status)).isEqualTo(0);
      assertThat(gauge(text, "igor_tasks", status)).isEqualTo(0);
    }
  }

  /** A bulk kill tells how many attempts ended at once; they count as many as told one by one. */
  @Test
  void attemptsEndedAtOnceCountAsManyAsAttemptsEndedOneByOne() {
    metrics.taskEnded("echo", JobObserver.Outcome.KILLED, -1);
    metrics.taskEnded("echo", JobObserver.Outcome.KILLED, 1_500);
    metrics.tasksEnded("echo", JobObserver.Outcome.KILLED, 100_000);
    metrics.tasksEnded("echo", JobObserver.Outcome.SKIPPED, 3);

    String text = metrics.scrape();
    assertThat(
            PrometheusText.value(text, "igor_tasks_failed_total{outcome=\"killed\",type=\"echo\"}"))
        .isEqualTo(100_002);
    assertThat(
            PrometheusText.value(
                text, "igor_tasks_failed_total{outcome=\"skipped\",type=\"echo\"}"))
        .isEqualTo(3);
  }

  private static JobSummary summary(String id, Status status, Map<Status, Integer> someCounts) {
    Map<Status, Integer> counts = new EnumMap<>(Status.class);
    for (Status s : Status.values()) {
      counts.put(s, someCounts.getOrDefault(s, 0));
    }
    return new JobSummary(id, status, 0, 0, 1, counts);
  }

  private static double gauge(String text, String name, Status status) {
    return PrometheusText.value(text, PrometheusText.byStatus(name, status));
  }
}
