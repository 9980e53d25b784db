package igor.domain;

import static igor.domain.Events.only;
import static igor.domain.Events.types;
import static igor.domain.Plans.aJob;
import static igor.domain.Plans.aLayer;
import static igor.domain.Plans.aTask;
import static igor.domain.Refs.taskRef;
import static org.assertj.core.api.Assertions.assertThat;

import igor.domain.JobEvent.TaskFailed;
import igor.domain.JobEvent.TaskWithdrawn;
import igor.domain.JobEvent.TasksQueued;
import igor.domain.Plans.LayerBuilder;
import igor.domain.Plans.TaskBuilder;
import igor.domain.WorkerReport.Kind;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Attempts taken back before they ran to the end: given back by a stopping worker (a RELEASED
 * report) or withdrawn from the queue by a pause. The task is queued anew and the attempt does not
 * use up a retry; a report that comes later for the attempt taken back is ignored.
 */
class WithdrawalsTest {
  private final TaskBuilder oneRetry = aTask().retries(1);
  private final TaskBuilder noRetry = aTask();
  private final LayerBuilder layer = aLayer().with(oneRetry, noRetry);
  private final JobScenario job = JobScenario.created(aJob().with(layer));

  @Test
  void attemptGivenBackByItsWorkerIsQueuedAgainAtOnce() {
    job.start(oneRetry.id());

    List<JobEvent> events = job.later(100).release(oneRetry.id());

    assertThat(types(events)).containsExactly(TaskWithdrawn.class, TasksQueued.class);
    assertThat(only(events, TaskWithdrawn.class).attempt()).isEqualTo(1);
    assertThat(only(events, TaskWithdrawn.class).reason()).isEqualTo("given back by worker-1");
    Task task = job.task(oneRetry.id());
    assertThat(task.status()).isEqualTo(Status.QUEUED);
    assertThat(task.attempts()).isEqualTo(2);
    assertThat(task.queueTaskId()).isEqualTo(Identifiers.deliveryId(oneRetry.id(), 2));
  }

  @Test
  void attemptGivenBackDoesNotUseUpARetry() {
    job.start(oneRetry.id());
    job.release(oneRetry.id());

    List<JobEvent> failure = job.fail(oneRetry.id(), "first real failure");

    assertThat(only(failure, TaskFailed.class).attempt()).isEqualTo(2);
    assertThat(only(failure, TaskFailed.class).retryAt())
        .as("the task's one retry is still there")
        .isGreaterThan(job.now());
    assertThat(job.statusOfTask(oneRetry.id())).isEqualTo(Status.PENDING);

    job.at(job.task(oneRetry.id()).retryAt()).wake();
    List<JobEvent> second = job.fail(oneRetry.id(), "second real failure");

    assertThat(only(second, TaskFailed.class).retryAt()).as("and then used up").isZero();
    assertThat(job.statusOfTask(oneRetry.id())).isEqualTo(Status.ERRORED);
    assertThat(job.task(oneRetry.id()).attempts()).isEqualTo(3);
  }

  @Test
  void taskWithoutRetriesGivenBackSeveralTimesStillRunsAndErrsOnlyAtItsFirstFailure() {
    for (int i = 0; i < 3; i++) {
      job.start(noRetry.id());
      job.release(noRetry.id());
    }
    assertThat(job.statusOfTask(noRetry.id())).isEqualTo(Status.QUEUED);

    List<JobEvent> failure = job.fail(noRetry.id(), "failed");

    assertThat(only(failure, TaskFailed.class).attempt()).isEqualTo(4);
    assertThat(only(failure, TaskFailed.class).retryAt()).isZero();
    assertThat(job.statusOfTask(noRetry.id())).isEqualTo(Status.ERRORED);
  }

  @Test
  void queuedAttemptGivenBackBeforeItStartedIsQueuedAgain() {
    List<JobEvent> events = job.release(noRetry.id());

    assertThat(types(events)).containsExactly(TaskWithdrawn.class, TasksQueued.class);
    assertThat(job.statusOfTask(noRetry.id())).isEqualTo(Status.QUEUED);
    assertThat(job.task(noRetry.id()).attempts()).isEqualTo(2);
  }

  @Test
  void attemptOfAPausedTaskGivenBackWaitsForTheUnpause() {
    job.start(oneRetry.id());
    job.act(Action.PAUSE, taskRef(oneRetry.id()));

    List<JobEvent> events = job.release(oneRetry.id());

    assertThat(types(events)).containsExactly(TaskWithdrawn.class);
    assertThat(job.statusOfTask(oneRetry.id())).isEqualTo(Status.PENDING);
    job.act(Action.UNPAUSE, taskRef(oneRetry.id()));
    assertThat(job.statusOfTask(oneRetry.id())).isEqualTo(Status.QUEUED);
    assertThat(job.task(oneRetry.id()).attempts()).isEqualTo(2);
  }

  @Test
  void lateReportsOfAnAttemptGivenBackAreIgnored() {
    job.start(oneRetry.id());
    job.release(oneRetry.id());

    List<JobEvent> late =
        job.report(
            job.reportOf(Kind.STARTED, oneRetry.id(), 1, "", null, true),
            job.reportOf(Kind.COMPLETED, oneRetry.id(), 1, "done anyway", null, true),
            job.reportOf(Kind.FAILED, oneRetry.id(), 1, "failed anyway", null, true),
            job.reportOf(Kind.RELEASED, oneRetry.id(), 1, "", null, true));

    assertThat(late).isEmpty();
    assertThat(job.statusOfTask(oneRetry.id())).isEqualTo(Status.QUEUED);
    assertThat(job.task(oneRetry.id()).attempts()).isEqualTo(2);
  }

  @Test
  void releaseOfAnAttemptAlreadyFinishedIsIgnored() {
    job.complete(noRetry.id());

    List<JobEvent> late = job.report(job.reportOf(Kind.RELEASED, noRetry.id(), 1, "", null, true));

    assertThat(late).isEmpty();
    assertThat(job.statusOfTask(noRetry.id())).isEqualTo(Status.COMPLETED);
    assertThat(job.task(noRetry.id()).attempts()).isEqualTo(1);
  }

  @Test
  void attemptWithdrawnByAPauseDoesNotUseUpARetry() {
    job.act(Action.PAUSE, taskRef(oneRetry.id()));
    job.act(Action.UNPAUSE, taskRef(oneRetry.id()));
    assertThat(job.task(oneRetry.id()).attempts()).isEqualTo(2);

    List<JobEvent> failure = job.fail(oneRetry.id(), "failed");

    assertThat(only(failure, TaskFailed.class).retryAt())
        .as("the withdrawn attempt did not count against the one retry")
        .isGreaterThan(job.now());
    job.at(job.task(oneRetry.id()).retryAt()).wake();
    job.fail(oneRetry.id(), "failed again");
    assertThat(job.statusOfTask(oneRetry.id())).isEqualTo(Status.ERRORED);
    assertThat(job.task(oneRetry.id()).attempts()).isEqualTo(3);
  }

  @Test
  void lateReportsOfAnAttemptWithdrawnByAPauseAreIgnored() {
    job.act(Action.PAUSE, taskRef(oneRetry.id()));

    List<JobEvent> whilePaused =
        job.report(
            job.reportOf(Kind.STARTED, oneRetry.id(), 1, "", null, true),
            job.reportOf(Kind.COMPLETED, oneRetry.id(), 1, "ran anyway", null, true));
    job.act(Action.UNPAUSE, taskRef(oneRetry.id()));
    List<JobEvent> afterUnpause =
        job.report(job.reportOf(Kind.COMPLETED, oneRetry.id(), 1, "ran anyway", null, true));

    assertThat(whilePaused).isEmpty();
    assertThat(afterUnpause).isEmpty();
    assertThat(job.statusOfTask(oneRetry.id())).isEqualTo(Status.QUEUED);
    assertThat(job.task(oneRetry.id()).attempts()).isEqualTo(2);
  }
}
