package igor.domain;

import static igor.domain.Events.only;
import static igor.domain.Events.types;
import static igor.domain.Plans.aJob;
import static igor.domain.Plans.aLayer;
import static igor.domain.Plans.aTask;
import static igor.domain.Refs.taskRef;
import static org.assertj.core.api.Assertions.assertThat;

import igor.domain.JobEvent.JobStatusChanged;
import igor.domain.JobEvent.LayerFinished;
import igor.domain.JobEvent.TaskTimedOut;
import igor.domain.JobEvent.TasksQueued;
import igor.domain.Plans.LayerBuilder;
import igor.domain.Plans.TaskBuilder;
import igor.domain.WorkerReport.Kind;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Time-outs as the decider sees them when time passes ({@link JobDecider#wake}): an attempt that
 * outlives its task's time-out has failed, "timed out", and is retried after its back-off while
 * retries are left (SEMANTICS.md section 2); Igor's time-out is a final word on the attempt
 * (section 3).
 */
class TimeOutsTest {
  private static final int TIMEOUT_SECONDS = 10;
  private static final long TIMEOUT_MILLIS = TIMEOUT_SECONDS * 1_000L;

  private final TaskBuilder slow = aTask().retries(1).timeoutSeconds(TIMEOUT_SECONDS);
  private final TaskBuilder once = aTask().timeoutSeconds(TIMEOUT_SECONDS);
  private final TaskBuilder unbounded = aTask();
  private final LayerBuilder first = aLayer().priority(0).with(slow, once, unbounded);
  private final TaskBuilder later = aTask();
  private final LayerBuilder second = aLayer().priority(1).with(later);
  private final JobScenario job = JobScenario.created(aJob().with(first, second));

  @Test
  void attemptStillRunningAtItsTimeOutIsLeftAloneUntilTheTimeOutIsReached() {
    job.start(slow.id());

    List<JobEvent> justBefore = job.later(TIMEOUT_MILLIS - 1).wake();

    assertThat(justBefore).isEmpty();
    assertThat(job.statusOfTask(slow.id())).isEqualTo(Status.RUNNING);
  }

  @Test
  void attemptPastItsTimeOutFailsTimedOutAndWaitsForItsBackOffWhileRetriesAreLeft() {
    job.start(slow.id());

    List<JobEvent> events = job.later(TIMEOUT_MILLIS).wake();

    assertThat(types(events)).containsExactly(TaskTimedOut.class);
    TaskTimedOut timedOut = only(events, TaskTimedOut.class);
    assertThat(timedOut.taskId()).isEqualTo(slow.id());
    assertThat(timedOut.attempt()).isEqualTo(1);
    // The scenario's policy waits 1 s after a first failure, jittered into its upper half.
    assertThat(timedOut.retryAt()).isBetween(job.now() + 500, job.now() + 1_000);
    Task task = job.task(slow.id());
    assertThat(task.status()).isEqualTo(Status.PENDING);
    assertThat(task.snapshot().message()).isEqualTo("timed out");
    assertThat(task.queueTaskId()).isEmpty();
    assertThat(job.statusOfLayer(first.id())).isEqualTo(Status.RUNNING);
    assertThat(job.status()).isEqualTo(Status.RUNNING);
  }

  @Test
  void timedOutAttemptIsRetriedWhenItsBackOffRunsOutAndTheRetryHasATimeOutOfItsOwn() {
    job.start(slow.id());
    job.later(TIMEOUT_MILLIS).wake();
    long retryAt = job.task(slow.id()).retryAt();

    assertThat(job.at(retryAt - 1).wake()).as("before the back-off ran out").isEmpty();
    List<JobEvent> due = job.at(retryAt).wake();

    assertThat(only(due, TasksQueued.class).taskIds()).containsExactly(slow.id());
    assertThat(job.task(slow.id()).attempts()).isEqualTo(2);
    job.later(5_000).start(slow.id());
    assertThat(job.later(TIMEOUT_MILLIS - 1).wake())
        .as("the second attempt counts its time-out from its own start")
        .isEmpty();
    assertThat(job.statusOfTask(slow.id())).isEqualTo(Status.RUNNING);
  }

  @Test
  void attemptPastItsTimeOutWithNoRetriesLeftIsErrored() {
    job.complete(slow.id());
    job.complete(unbounded.id());
    job.start(once.id());

    List<JobEvent> events = job.later(TIMEOUT_MILLIS).wake();

    assertThat(types(events))
        .containsExactly(TaskTimedOut.class, LayerFinished.class, JobStatusChanged.class);
    assertThat(only(events, TaskTimedOut.class).retryAt()).isZero();
    assertThat(only(events, LayerFinished.class).status()).isEqualTo(Status.ERRORED);
    assertThat(only(events, JobStatusChanged.class).status()).isEqualTo(Status.ERRORED);
    Task task = job.task(once.id());
    assertThat(task.status()).isEqualTo(Status.ERRORED);
    assertThat(task.attempts()).isEqualTo(1);
    assertThat(task.snapshot().message()).isEqualTo("timed out");
    assertThat(job.statusOfLayer(second.id())).isEqualTo(Status.PENDING);
    assertThat(job.later(3_600_000).wake()).as("nothing more comes of it").isEmpty();
  }

  @Test
  void lastRetryThatTimesOutIsErrored() {
    job.start(slow.id());
    job.later(TIMEOUT_MILLIS).wake();
    job.at(job.task(slow.id()).retryAt()).wake();
    job.start(slow.id());

    List<JobEvent> events = job.later(TIMEOUT_MILLIS).wake();

    assertThat(only(events, TaskTimedOut.class).attempt()).isEqualTo(2);
    assertThat(only(events, TaskTimedOut.class).retryAt()).isZero();
    assertThat(job.statusOfTask(slow.id())).isEqualTo(Status.ERRORED);
    assertThat(job.task(slow.id()).attempts()).isEqualTo(2);
  }

  @Test
  void timeOutCountsFromTheStartReportNotFromQueueing() {
    job.later(TIMEOUT_MILLIS).start(slow.id());

    assertThat(job.later(TIMEOUT_MILLIS - 1).wake()).isEmpty();
    assertThat(types(job.later(1).wake())).containsExactly(TaskTimedOut.class);
  }

  @Test
  void taskWithoutATimeOutRunsAsLongAsItTakes() {
    job.start(unbounded.id());

    List<JobEvent> events = job.later(24 * 3_600_000L).wake();

    assertThat(events).isEmpty();
    assertThat(job.statusOfTask(unbounded.id())).isEqualTo(Status.RUNNING);
  }

  @Test
  void personsRetryAfterATimeOutGivesAFreshAllowance() {
    job.start(slow.id());
    job.later(TIMEOUT_MILLIS).wake();
    job.at(job.task(slow.id()).retryAt()).wake();
    job.start(slow.id());
    job.later(TIMEOUT_MILLIS).wake();
    assertThat(job.statusOfTask(slow.id())).isEqualTo(Status.ERRORED);

    int updated = job.later(1_000).act(Action.RETRY, taskRef(slow.id()));
    job.start(slow.id());
    List<JobEvent> thirdTimedOut = job.later(TIMEOUT_MILLIS).wake();

    assertThat(updated).isEqualTo(1);
    TaskTimedOut third = only(thirdTimedOut, TaskTimedOut.class);
    assertThat(third.attempt()).isEqualTo(3);
    assertThat(third.retryAt()).as("the task's one retry is there again").isGreaterThan(0);
    assertThat(job.statusOfTask(slow.id())).isEqualTo(Status.PENDING);

    job.at(job.task(slow.id()).retryAt()).wake();
    job.start(slow.id());
    List<JobEvent> fourthTimedOut = job.later(TIMEOUT_MILLIS).wake();

    assertThat(only(fourthTimedOut, TaskTimedOut.class).retryAt())
        .as("and used up again by the fourth attempt")
        .isZero();
    assertThat(job.statusOfTask(slow.id())).isEqualTo(Status.ERRORED);
    assertThat(job.task(slow.id()).attempts()).isEqualTo(4);
  }

  @Test
  void lateCompletionOfATimedOutAttemptWaitingForItsRetryIsIgnored() {
    job.start(slow.id());
    job.later(TIMEOUT_MILLIS).wake();
    long retryAt = job.task(slow.id()).retryAt();

    List<JobEvent> late =
        job.later(1)
            .report(job.reportOf(Kind.COMPLETED, slow.id(), 1, "done", new byte[] {1}, true));

    assertThat(late).isEmpty();
    TaskSnapshot task = job.task(slow.id()).snapshot();
    assertThat(task.status()).isEqualTo(Status.PENDING);
    assertThat(task.message()).isEqualTo("timed out");
    assertThat(task.result()).isNull();
    assertThat(task.retryAt()).isEqualTo(retryAt);
  }

  @Test
  void lateReportsOfATimedOutAttemptAreIgnoredOnceItsRetryIsQueued() {
    job.start(slow.id());
    job.later(TIMEOUT_MILLIS).wake();
    job.at(job.task(slow.id()).retryAt()).wake();

    List<JobEvent> late =
        job.report(
            job.reportOf(Kind.STARTED, slow.id(), 1, "", null, true),
            job.reportOf(Kind.FAILED, slow.id(), 1, "failed late", null, true),
            job.reportOf(Kind.COMPLETED, slow.id(), 1, "done late", null, true));

    assertThat(late).isEmpty();
    assertThat(job.statusOfTask(slow.id())).isEqualTo(Status.QUEUED);
    assertThat(job.task(slow.id()).attempts()).isEqualTo(2);
  }

  @Test
  void lateCompletionOfATimedOutAttemptDoesNotFinishAnErroredTask() {
    job.complete(slow.id());
    job.complete(unbounded.id());
    job.start(once.id());
    job.later(TIMEOUT_MILLIS).wake();

    List<JobEvent> late = job.later(1).complete(once.id());

    assertThat(late).isEmpty();
    assertThat(job.statusOfTask(once.id())).isEqualTo(Status.ERRORED);
    assertThat(job.task(once.id()).snapshot().message()).isEqualTo("timed out");
    assertThat(job.statusOfLayer(first.id())).isEqualTo(Status.ERRORED);
    assertThat(job.status()).isEqualTo(Status.ERRORED);
  }

  @Test
  void completionThatArrivesBeforeTheTimeOutIsDecidedWins() {
    job.start(once.id());

    job.later(TIMEOUT_MILLIS).complete(once.id());
    List<JobEvent> woken = job.wake();

    assertThat(woken).isEmpty();
    assertThat(job.statusOfTask(once.id())).isEqualTo(Status.COMPLETED);
  }

  @Test
  void pausedTaskStillTimesOutButItsRetryWaitsForTheUnpause() {
    job.start(slow.id());
    job.act(Action.PAUSE, taskRef(slow.id()));

    List<JobEvent> events = job.later(TIMEOUT_MILLIS).wake();
    List<JobEvent> afterBackOff = job.later(60_000).wake();

    assertThat(types(events)).containsExactly(TaskTimedOut.class);
    assertThat(afterBackOff).isEmpty();
    assertThat(job.statusOfTask(slow.id())).isEqualTo(Status.PENDING);
    job.act(Action.UNPAUSE, taskRef(slow.id()));
    assertThat(job.statusOfTask(slow.id())).isEqualTo(Status.QUEUED);
    assertThat(job.task(slow.id()).attempts()).isEqualTo(2);
  }
}
