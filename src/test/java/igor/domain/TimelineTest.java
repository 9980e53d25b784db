package igor.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import igor.domain.Timeline.Attempt;
import igor.domain.Timeline.LayerLine;
import igor.domain.Timeline.Outcome;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A job's attempts on a time axis, folded from its events, and where each layer's time went. */
class TimelineTest {
  private static final String JOB = "job-1";
  private static final String FIRST = "layer-first";
  private static final String LATER = "layer-later";
  private static final String A = "task-a";
  private static final String B = "task-b";
  private static final String C = "task-c";
  private static final long T0 = 1_700_000_000_000L;

  /** A job of two layers declared later one first; A and B in FIRST, C in LATER. */
  private static Timeline.Builder started(int maxAttempts) {
    return new Timeline.Builder(JOB, maxAttempts)
        .add(
            new JobEvent.JobCreated(
                JOB,
                "nightly",
                0,
                List.of(new LayerPlan(LATER, "later", 10, 0), new LayerPlan(FIRST, "first", 0, 0)),
                T0))
        .add(
            new JobEvent.TasksAdded(
                JOB,
                List.of(
                    new TaskPlan(A, FIRST, "echo", "", new byte[0], 0, 2),
                    new TaskPlan(B, FIRST, "echo", "", new byte[0], 0, 0),
                    new TaskPlan(C, LATER, "echo", "", new byte[0], 0, 0)),
                T0))
        .add(new JobEvent.LayersStarted(JOB, List.of(FIRST), T0))
        .add(new JobEvent.TasksQueued(JOB, List.of(A, B), T0));
  }

  @Test
  void anAttemptIsQueuedStartedAndEndedAtTheTimesOfItsEvents() {
    Timeline t =
        started(10)
            .add(new JobEvent.TaskStarted(JOB, A, 1, "w", T0 + 100))
            .add(new JobEvent.TaskCompleted(JOB, A, 1, null, "", T0 + 600))
            .build(T0 + 1_000);

    assertThat(t.jobId()).isEqualTo(JOB);
    assertThat(t.name()).isEqualTo("nightly");
    assertThat(t.attempts())
        .containsExactly(
            new Attempt(A, FIRST, 1, T0, T0 + 100, T0 + 600, Outcome.COMPLETED),
            new Attempt(B, FIRST, 1, T0, 0, 0, null));
  }

  @Test
  void aRetriedTaskHasOneAttemptPerQueueingEachWithItsOwnTimesAndOutcome() {
    Timeline t =
        started(10)
            .add(new JobEvent.TaskStarted(JOB, A, 1, "w", T0 + 100))
            .add(new JobEvent.TaskFailed(JOB, A, 1, "boom", T0 + 2_000, T0 + 200))
            .add(new JobEvent.TasksQueued(JOB, List.of(A), T0 + 2_000))
            .add(new JobEvent.TaskStarted(JOB, A, 2, "w", T0 + 2_050))
            .add(new JobEvent.TaskTimedOut(JOB, A, 2, T0 + 4_000, T0 + 3_050))
            .add(new JobEvent.TasksQueued(JOB, List.of(A), T0 + 4_000))
            .add(new JobEvent.TasksRedelivered(JOB, List.of(A), "unclaimed", T0 + 5_000))
            .add(new JobEvent.TaskStarted(JOB, A, 3, "w", T0 + 5_100))
            .build(T0 + 6_000);

    assertThat(t.attempts().stream().filter(a -> a.taskId().equals(A)))
        .containsExactly(
            new Attempt(A, FIRST, 1, T0, T0 + 100, T0 + 200, Outcome.FAILED),
            new Attempt(A, FIRST, 2, T0 + 2_000, T0 + 2_050, T0 + 3_050, Outcome.TIMED_OUT),
            new Attempt(A, FIRST, 3, T0 + 4_000, T0 + 5_100, 0, null));
  }

  @Test
  void killsSkipsAndWithdrawalsEndTheAttemptTheyNameOrTheOneInFlight() {
    Timeline t =
        started(10)
            .add(new JobEvent.TaskStarted(JOB, A, 1, "w", T0 + 100))
            .add(new JobEvent.TasksKilled(JOB, List.of(new TaskAttempt(A, 1)), T0 + 300))
            .add(
                new JobEvent.TasksWithdrawn(JOB, List.of(new TaskAttempt(B, 1)), "paused", T0 + 50))
            .add(new JobEvent.TaskReset(JOB, A, T0 + 400))
            .add(new JobEvent.TasksQueued(JOB, List.of(A, B), T0 + 400))
            .add(new JobEvent.TasksSkipped(JOB, List.of(A, B), T0 + 500))
            .build(T0 + 1_000);

    assertThat(t.attempts())
        .containsExactly(
            new Attempt(A, FIRST, 1, T0, T0 + 100, T0 + 300, Outcome.KILLED),
            new Attempt(B, FIRST, 1, T0, 0, T0 + 50, Outcome.WITHDRAWN),
            new Attempt(A, FIRST, 2, T0 + 400, 0, T0 + 500, Outcome.SKIPPED),
            new Attempt(B, FIRST, 2, T0 + 400, 0, T0 + 500, Outcome.SKIPPED));
  }

  @Test
  void aReportOfAnAttemptThatIsNotTheOpenOneChangesNothing() {
    Timeline t =
        started(10)
            .add(new JobEvent.TaskStarted(JOB, A, 1, "w", T0 + 100))
            .add(new JobEvent.TaskCompleted(JOB, A, 1, null, "", T0 + 200))
            .add(new JobEvent.TaskSkipped(JOB, A, 1, "late", T0 + 300))
            .add(new JobEvent.TaskStarted(JOB, B, 7, "w", T0 + 300))
            .build(T0 + 1_000);

    assertThat(t.attempts())
        .containsExactly(
            new Attempt(A, FIRST, 1, T0, T0 + 100, T0 + 200, Outcome.COMPLETED),
            new Attempt(B, FIRST, 1, T0, 0, 0, null));
  }

  @Test
  void layersComeInRunOrderWithTheirQueueWaitAndRunTimeSummed() {
    Timeline t =
        started(10)
            .add(new JobEvent.TaskStarted(JOB, A, 1, "w", T0 + 100))
            .add(new JobEvent.TaskCompleted(JOB, A, 1, null, "", T0 + 600))
            .add(new JobEvent.TaskStarted(JOB, B, 1, "w", T0 + 300))
            .build(T0 + 1_000);

    assertThat(t.layers()).extracting(LayerLine::layerId).containsExactly(FIRST, LATER);
    LayerLine first = t.layers().get(0);
    assertThat(first.startedAt()).isEqualTo(T0);
    assertThat(first.tasks()).isEqualTo(2);
    assertThat(first.attempts()).isEqualTo(2);
    // A waited 100 and ran 500; B waited 300 and runs, until now, 700
    assertThat(first.queueWaitTotal()).isEqualTo(400);
    assertThat(first.runTotal()).isEqualTo(1_200);
    assertThat(first.queueWaitP50()).isEqualTo(100);
    assertThat(first.queueWaitP95()).isEqualTo(300);
    assertThat(first.runP50()).isEqualTo(500);
    assertThat(first.runP95()).isEqualTo(700);
    LayerLine later = t.layers().get(1);
    assertThat(later).isEqualTo(new LayerLine(LATER, "later", 10, 0, 1, 0, 0, 0, 0, 0, 0, 0));
  }

  @Test
  void percentilesAreByNearestRank() {
    long[] hundred = new long[100];
    for (int i = 0; i < 100; i++) {
      hundred[i] = i + 1;
    }
    assertThat(Timeline.percentile(hundred, 50)).isEqualTo(50);
    assertThat(Timeline.percentile(hundred, 95)).isEqualTo(95);
    assertThat(Timeline.percentile(new long[] {7}, 95)).isEqualTo(7);
    assertThat(Timeline.percentile(new long[0], 50)).isZero();
  }

  @Test
  void aJobOfMoreAttemptsThanTheLimitIsRefusedNamingIt() {
    assertThat(started(2).build(T0).attempts()).hasSize(2);
    assertThatThrownBy(() -> started(1))
        .isInstanceOf(Timeline.TooManyAttempts.class)
        .hasMessage("the job has more than 1 attempts")
        .extracting(e -> ((Timeline.TooManyAttempts) e).limit())
        .isEqualTo(1);
  }

  @Test
  void everyKindOfEventIsRead() {
    Timeline.Builder builder = new Timeline.Builder(JOB, 100);
    TransitionsTest.oneOfEachKind().forEach(builder::add);

    assertThat(builder.build(T0).attempts()).isNotEmpty();
  }
}
