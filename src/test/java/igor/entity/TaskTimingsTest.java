package igor.entity;

import static org.assertj.core.api.Assertions.assertThat;

import igor.domain.Job;
import igor.domain.JobEvent;
import igor.domain.JobSummary;
import igor.domain.LayerPlan;
import igor.domain.ReportedAttempt;
import igor.domain.TaskPlan;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What a list of events tells the metrics, read from the job before them and the events. */
class TaskTimingsTest {
  private static final String JOB = "00000000-0000-4000-8000-000000000001";
  private static final String LAYER = "00000000-0000-4000-8000-000000000002";
  private static final String TASK = "00000000-0000-4000-8000-000000000003";
  private static final String OTHER = "00000000-0000-4000-8000-000000000004";
  private static final long T0 = 1_700_000_000_000L;

  /** A running job whose task TASK (type "echo") was queued at T0 and OTHER ("sleep") waits. */
  private static Job jobWithAQueuedTask() {
    Job job = Job.empty();
    job.apply(new JobEvent.JobCreated(JOB, "", 0, List.of(new LayerPlan(LAYER, "", 0, 0)), T0));
    job.apply(
        new JobEvent.TasksAdded(
            JOB,
            List.of(
                new TaskPlan(TASK, LAYER, "echo", "", new byte[0], 0, 1),
                new TaskPlan(OTHER, LAYER, "sleep", "", new byte[0], 1, 0)),
            T0));
    job.apply(new JobEvent.LayersStarted(JOB, List.of(LAYER), T0));
    job.apply(new JobEvent.TasksQueued(JOB, List.of(TASK), T0));
    return job;
  }

  @Test
  void anAttemptThatStartsAndCompletesIsTimedFromItsQueueingAndItsStart() {
    List<String> told =
        tell(
            jobWithAQueuedTask(),
            new JobEvent.TaskStarted(JOB, TASK, 1, "w", T0 + 100),
            new JobEvent.TaskCompleted(JOB, TASK, 1, null, "", T0 + 600));

    assertThat(told).containsExactly("started echo waited 100", "ended echo COMPLETED ran 500");
  }

  /** ADR 0019: the start of an attempt begun and ended in one batch still reaches the metrics. */
  @Test
  void anAttemptBegunAndEndedInOneBatchOfReportsIsStartedAndEnded() {
    Job job = jobWithAQueuedTask();
    job.apply(new JobEvent.TasksQueued(JOB, List.of(OTHER), T0 + 50));

    List<String> told =
        tell(
            job,
            new JobEvent.AttemptsReported(
                JOB,
                List.of(
                    new ReportedAttempt(
                        TASK, 1, true, "w", ReportedAttempt.Outcome.COMPLETED, "", null, 0),
                    ReportedAttempt.started(OTHER, 1, "w")),
                T0 + 400));

    assertThat(told)
        .containsExactly(
            "started echo waited 400", "ended echo COMPLETED ran 0", "started sleep waited 350");
  }

  @Test
  void aFailureATimeOutAKillAndASkipOfAnAttemptEachEndIt() {
    Job job = jobWithAQueuedTask();
    job.apply(new JobEvent.TaskStarted(JOB, TASK, 1, "w", T0 + 100));

    assertThat(tell(job, new JobEvent.TaskFailed(JOB, TASK, 1, "x", T0 + 9_000, T0 + 300)))
        .containsExactly("ended echo FAILED ran 200");
    assertThat(tell(job, new JobEvent.TaskTimedOut(JOB, TASK, 1, 0, T0 + 300)))
        .containsExactly("ended echo TIMED_OUT ran 200");
    assertThat(tell(job, new JobEvent.TaskKilled(JOB, TASK, 1, T0 + 300)))
        .containsExactly("ended echo KILLED ran 200");
    assertThat(tell(job, new JobEvent.TaskSkipped(JOB, TASK, 1, "no", T0 + 300)))
        .containsExactly("ended echo SKIPPED ran 200");
  }

  @Test
  void anAttemptTakenBackAndTasksSkippedWhileWaitingEndNothing() {
    Job job = jobWithAQueuedTask();

    assertThat(tell(job, new JobEvent.TaskWithdrawn(JOB, TASK, 1, "paused", T0 + 300))).isEmpty();
    assertThat(tell(job, new JobEvent.TasksSkipped(JOB, List.of(OTHER), T0 + 300))).isEmpty();
    assertThat(tell(job, new JobEvent.TaskSkipped(JOB, OTHER, 0, "skipped", T0 + 300))).isEmpty();
  }

  @Test
  void queuedAttemptsAreCountedByTypeAndAnAttemptQueuedInTheSameWriteIsTimedFromThen() {
    Job job = jobWithAQueuedTask();
    String added = "00000000-0000-4000-8000-000000000005";

    List<String> told =
        tell(
            job,
            new JobEvent.TasksAdded(
                JOB, List.of(new TaskPlan(added, LAYER, "echo", "", new byte[0], 0, 0)), T0),
            new JobEvent.TasksQueued(JOB, List.of(OTHER, added), T0 + 50),
            new JobEvent.TaskStarted(JOB, OTHER, 1, "w", T0 + 80));

    assertThat(told)
        .containsExactlyInAnyOrder("queued sleep 1", "queued echo 1", "started sleep waited 30");
  }

  /**
   * A bulk kill of queued attempts tells the metrics how many of each type ended so, once (ADR
   * 0030); an attempt that ran is still told with its run time.
   */
  @Test
  void attemptsKilledBeforeTheyRanAreCountedOncePerTypeAndOneThatRanIsTimed() {
    Job job = jobWithAQueuedTask();
    String third = "00000000-0000-4000-8000-000000000005";
    String fourth = "00000000-0000-4000-8000-000000000006";
    job.apply(
        new JobEvent.TasksAdded(
            JOB,
            List.of(
                new TaskPlan(third, LAYER, "echo", "", new byte[0], 0, 0),
                new TaskPlan(fourth, LAYER, "echo", "", new byte[0], 0, 0)),
            T0));
    job.apply(new JobEvent.TasksQueued(JOB, List.of(OTHER, third, fourth), T0 + 10));
    job.apply(new JobEvent.TaskStarted(JOB, fourth, 1, "w", T0 + 100));

    List<String> told =
        tell(
            job,
            new JobEvent.TasksKilled(
                JOB,
                List.of(
                    new igor.domain.TaskAttempt(TASK, 1),
                    new igor.domain.TaskAttempt(OTHER, 1),
                    new igor.domain.TaskAttempt(third, 1),
                    new igor.domain.TaskAttempt(fourth, 1)),
                T0 + 400));

    assertThat(told)
        .containsExactlyInAnyOrder(
            "ended echo KILLED ran 300", "ended 2 echo KILLED", "ended 1 sleep KILLED");
  }

  private static List<String> tell(Job before, JobEvent... events) {
    List<String> told = new ArrayList<>();
    TaskTimings.of(before, List.of(events)).accept(recorder(told));
    return told;
  }

  private static JobObserver recorder(List<String> told) {
    return new JobObserver() {
      @Override
      public void tasksQueued(String type, int count) {
        told.add("queued " + type + " " + count);
      }

      @Override
      public void taskStarted(String type, long waitedMillis) {
        told.add("started " + type + " waited " + waitedMillis);
      }

      @Override
      public void taskEnded(String type, Outcome outcome, long ranMillis) {
        told.add("ended " + type + " " + outcome + " ran " + ranMillis);
      }

      @Override
      public void tasksEnded(String type, Outcome outcome, int count) {
        told.add("ended " + count + " " + type + " " + outcome);
      }

      @Override
      public void journalWritten(long nanos) {}

      @Override
      public void jobHeld(JobSummary job) {}

      @Override
      public void jobReleased(String jobId) {}

      @Override
      public void recoveryFailed(String jobId, String problem) {}
    };
  }
}
