package igor.domain;

import static igor.domain.Events.only;
import static igor.domain.Events.types;
import static igor.domain.Plans.aJob;
import static igor.domain.Plans.aLayer;
import static igor.domain.Plans.aTask;
import static org.assertj.core.api.Assertions.assertThat;

import igor.domain.JobEvent.JobStatusChanged;
import igor.domain.JobEvent.LayerFinished;
import igor.domain.JobEvent.TaskCompleted;
import igor.domain.JobEvent.TaskFailed;
import igor.domain.JobEvent.TasksQueued;
import igor.domain.Plans.LayerBuilder;
import igor.domain.Plans.TaskBuilder;
import java.util.List;
import org.junit.jupiter.api.Test;

class RetriesTest {
  private final TaskBuilder flaky = aTask().retries(2);
  private final TaskBuilder steady = aTask();
  private final TaskBuilder later = aTask();
  private final LayerBuilder first = aLayer().priority(0).with(flaky, steady);
  private final LayerBuilder second = aLayer().priority(1).with(later);
  private final JobScenario job = JobScenario.created(aJob().with(first, second));

  @Test
  void failedTaskWithRetriesLeftWaitsForItsBackOff() {
    job.start(flaky.id());

    List<JobEvent> events = job.later(250).fail(flaky.id(), "connection refused");

    assertThat(types(events)).containsExactly(TaskFailed.class);
    TaskFailed failed = only(events, TaskFailed.class);
    assertThat(failed.attempt()).isEqualTo(1);
    assertThat(failed.message()).isEqualTo("connection refused");
    assertThat(failed.retryAt())
        .isGreaterThan(job.now())
        .isBetween(job.now() + 500, job.now() + 1_000);
    Task task = job.task(flaky.id());
    assertThat(task.status()).isEqualTo(Status.PENDING);
    assertThat(task.attempts()).isEqualTo(1);
    assertThat(task.retryAt()).isEqualTo(failed.retryAt());
    assertThat(task.queueTaskId()).isEmpty();
    assertThat(task.snapshot().message()).isEqualTo("connection refused");
    assertThat(job.statusOfLayer(first.id())).isEqualTo(Status.RUNNING);
    assertThat(job.statusOfLayer(second.id())).isEqualTo(Status.PENDING);
    assertThat(job.status()).isEqualTo(Status.RUNNING);
    assertThat(job.job().nextRetryAt()).isEqualTo(failed.retryAt());
  }

  @Test
  void retryIsNotQueuedBeforeItsTime() {
    job.fail(flaky.id(), "boom");
    long retryAt = job.task(flaky.id()).retryAt();

    List<JobEvent> early = job.at(retryAt - 1).wake();

    assertThat(early).isEmpty();
    assertThat(job.statusOfTask(flaky.id())).isEqualTo(Status.PENDING);
    assertThat(job.task(flaky.id()).attempts()).isEqualTo(1);
  }

  @Test
  void retryIsQueuedAgainWhenItsTimeComes() {
    job.fail(flaky.id(), "boom");
    long retryAt = job.task(flaky.id()).retryAt();
    String firstDelivery = Identifiers.deliveryId(flaky.id(), 1);

    List<JobEvent> due = job.at(retryAt).wake();

    assertThat(types(due)).containsExactly(TasksQueued.class);
    assertThat(only(due, TasksQueued.class).taskIds()).containsExactly(flaky.id());
    Task task = job.task(flaky.id());
    assertThat(task.status()).isEqualTo(Status.QUEUED);
    assertThat(task.attempts()).isEqualTo(2);
    assertThat(task.retryAt()).isZero();
    assertThat(task.queueTaskId())
        .isEqualTo(Identifiers.deliveryId(flaky.id(), 2))
        .isNotEqualTo(firstDelivery);
    assertThat(job.job().nextRetryAt()).isZero();
  }

  @Test
  void retryLongOverdueIsQueuedOnce() {
    job.fail(flaky.id(), "boom");

    List<JobEvent> due = job.later(3_600_000).wake();
    List<JobEvent> again = job.later(3_600_000).wake();

    assertThat(only(due, TasksQueued.class).taskIds()).containsExactly(flaky.id());
    assertThat(again).isEmpty();
    assertThat(job.task(flaky.id()).attempts()).isEqualTo(2);
  }

  @Test
  void wakingWithNothingDueDoesNothing() {
    List<JobEvent> events = job.later(60_000).wake();

    assertThat(events).isEmpty();
    assertThat(job.statusOfLayer(second.id())).isEqualTo(Status.PENDING);
    assertThat(job.statusOfTask(later.id())).isEqualTo(Status.PENDING);
  }

  @Test
  void wakingAJobThatDoesNotExistDoesNothing() {
    Decision decision = JobScenario.noJob().decideWake();

    assertThat(decision).isEqualTo(new Decision.Accepted(List.of()));
  }

  @Test
  void retriesFailedTaskUntilAttemptsRunOut() {
    job.fail(flaky.id(), "failure 1");
    job.at(job.task(flaky.id()).retryAt()).wake();
    job.start(flaky.id());
    List<JobEvent> second = job.fail(flaky.id(), "failure 2");
    assertThat(only(second, TaskFailed.class).retryAt()).isGreaterThan(job.now());
    job.at(job.task(flaky.id()).retryAt()).wake();
    assertThat(job.task(flaky.id()).attempts()).isEqualTo(3);
    job.complete(steady.id());

    List<JobEvent> last = job.fail(flaky.id(), "failure 3");

    assertThat(types(last))
        .containsExactly(TaskFailed.class, LayerFinished.class, JobStatusChanged.class);
    assertThat(only(last, TaskFailed.class).retryAt()).isZero();
    assertThat(only(last, LayerFinished.class).status()).isEqualTo(Status.ERRORED);
    assertThat(only(last, JobStatusChanged.class).status()).isEqualTo(Status.ERRORED);
    Task task = job.task(flaky.id());
    assertThat(task.status()).isEqualTo(Status.ERRORED);
    assertThat(task.attempts()).isEqualTo(3);
    assertThat(task.snapshot().message()).isEqualTo("failure 3");
    assertThat(task.queueTaskId()).isEmpty();
    assertThat(job.job().nextRetryAt()).isZero();
    assertThat(job.later(3_600_000).wake()).isEmpty();
  }

  @Test
  void backOffOfEachRetryFollowsTheRetryPolicy() {
    job.fail(flaky.id(), "1");
    long firstWait = job.task(flaky.id()).retryAt() - job.now();
    job.at(job.task(flaky.id()).retryAt()).wake();

    job.fail(flaky.id(), "2");
    long secondWait = job.task(flaky.id()).retryAt() - job.now();

    // The policy of the scenario starts at 1 s and doubles, each wait jittered into its upper half.
    assertThat(firstWait).isBetween(500L, 1_000L);
    assertThat(secondWait).isBetween(1_000L, 2_000L);
  }

  @Test
  void taskWithoutRetriesErrorsAtItsFirstFailure() {
    List<JobEvent> events = job.fail(steady.id(), "no luck");

    assertThat(types(events)).containsExactly(TaskFailed.class);
    assertThat(only(events, TaskFailed.class).retryAt()).isZero();
    assertThat(job.statusOfTask(steady.id())).isEqualTo(Status.ERRORED);
    assertThat(job.task(steady.id()).attempts()).isEqualTo(1);
    assertThat(job.task(steady.id()).snapshot().message()).isEqualTo("no luck");
    assertThat(job.statusOfLayer(first.id())).isEqualTo(Status.RUNNING);
  }

  @Test
  void nonRetryableFailureErrorsAtOnceEvenWithRetriesLeft() {
    job.complete(steady.id());

    List<JobEvent> events = job.report(job.failedForGood(flaky.id(), "bad input"));

    assertThat(types(events))
        .containsExactly(TaskFailed.class, LayerFinished.class, JobStatusChanged.class);
    assertThat(only(events, TaskFailed.class).retryAt()).isZero();
    Task task = job.task(flaky.id());
    assertThat(task.status()).isEqualTo(Status.ERRORED);
    assertThat(task.attempts()).isEqualTo(1);
    assertThat(task.snapshot().message()).isEqualTo("bad input");
    assertThat(job.statusOfLayer(first.id())).isEqualTo(Status.ERRORED);
    assertThat(job.status()).isEqualTo(Status.ERRORED);
  }

  @Test
  void retriedTaskThatSucceedsLetsTheJobGoOn() {
    job.complete(steady.id());
    job.fail(flaky.id(), "transient");
    job.at(job.task(flaky.id()).retryAt()).wake();

    List<JobEvent> events = job.report(job.completed(flaky.id(), null, "second time lucky"));

    assertThat(types(events).get(0)).isEqualTo(TaskCompleted.class);
    assertThat(only(events, LayerFinished.class).status()).isEqualTo(Status.COMPLETED);
    assertThat(job.statusOfLayer(second.id())).isEqualTo(Status.RUNNING);
    assertThat(job.task(flaky.id()).attempts()).isEqualTo(2);
    assertThat(job.task(flaky.id()).snapshot().message()).isEqualTo("second time lucky");
  }

  @Test
  void staleFailureReportDoesNotUseUpARetry() {
    job.fail(flaky.id(), "1");
    job.at(job.task(flaky.id()).retryAt()).wake();

    List<JobEvent> duplicate =
        job.report(job.reportOf(WorkerReport.Kind.FAILED, flaky.id(), 1, "1 again", null, true));

    assertThat(duplicate).isEmpty();
    assertThat(job.statusOfTask(flaky.id())).isEqualTo(Status.QUEUED);
    assertThat(job.task(flaky.id()).attempts()).isEqualTo(2);
  }

  @Test
  void waitingRetriesOfSeveralTasksAreQueuedEachInTurn() {
    TaskBuilder x = aTask().retries(1);
    TaskBuilder y = aTask().retries(1);
    LayerBuilder layer = aLayer().with(x, y);
    JobScenario two = JobScenario.created(aJob().with(layer));
    two.fail(x.id(), "x");
    two.later(5_000).fail(y.id(), "y");
    long xAt = two.task(x.id()).retryAt();
    long yAt = two.task(y.id()).retryAt();
    assertThat(xAt).isLessThan(yAt);
    assertThat(two.job().nextRetryAt()).isEqualTo(xAt);

    List<JobEvent> firstDue = two.at(xAt).wake();

    assertThat(only(firstDue, TasksQueued.class).taskIds()).containsExactly(x.id());
    assertThat(two.job().nextRetryAt()).isEqualTo(yAt);

    List<JobEvent> secondDue = two.at(yAt).wake();

    assertThat(only(secondDue, TasksQueued.class).taskIds()).containsExactly(y.id());
  }
}
