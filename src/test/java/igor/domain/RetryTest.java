package igor.domain;

import static igor.domain.Events.all;
import static igor.domain.Events.only;
import static igor.domain.Events.types;
import static igor.domain.Plans.aJob;
import static igor.domain.Plans.aLayer;
import static igor.domain.Plans.aTask;
import static igor.domain.Refs.jobRef;
import static igor.domain.Refs.layerRef;
import static igor.domain.Refs.taskRef;
import static org.assertj.core.api.Assertions.assertThat;

import igor.domain.JobEvent.ActionTaken;
import igor.domain.JobEvent.JobStatusChanged;
import igor.domain.JobEvent.LayerFinished;
import igor.domain.JobEvent.LayerReopened;
import igor.domain.JobEvent.TaskFailed;
import igor.domain.JobEvent.TaskKilled;
import igor.domain.JobEvent.TaskReset;
import igor.domain.JobEvent.TasksQueued;
import igor.domain.JobEvent.TasksReset;
import igor.domain.Plans.LayerBuilder;
import igor.domain.Plans.TaskBuilder;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Retry on a task, a layer and a job (SEMANTICS.md section 3). */
class RetryTest {
  private final TaskBuilder a = aTask();
  private final TaskBuilder b = aTask();
  private final LayerBuilder first = aLayer().priority(0).with(a, b);
  private final TaskBuilder c = aTask();
  private final LayerBuilder second = aLayer().priority(1).with(c);
  private final JobScenario job = JobScenario.created(aJob().with(first, second));

  // ---- task ----

  @Test
  void retryingAnErroredTaskQueuesANewAttemptAtOnce() {
    job.fail(a.id(), "broken");
    assertThat(job.statusOfTask(a.id())).isEqualTo(Status.ERRORED);

    int updated = job.later(1_000).act(Action.RETRY, taskRef(a.id()));

    assertThat(updated).isEqualTo(1);
    assertThat(types(job.lastEvents()))
        .containsExactly(ActionTaken.class, TaskReset.class, TasksQueued.class);
    assertThat(only(job.lastEvents(), TaskReset.class).taskId()).isEqualTo(a.id());
    assertThat(only(job.lastEvents(), TasksQueued.class).taskIds()).containsExactly(a.id());
    Task task = job.task(a.id());
    assertThat(task.status()).isEqualTo(Status.QUEUED);
    assertThat(task.attempts()).isEqualTo(2);
    assertThat(task.snapshot().message()).isEmpty();
    assertThat(task.queueTaskId()).isEqualTo(Identifiers.deliveryId(a.id(), 2));
    assertThat(job.statusOfLayer(first.id())).isEqualTo(Status.RUNNING);
  }

  @Test
  void retriedTaskGetsAFreshAllowanceOfAttempts() {
    TaskBuilder flaky = aTask().retries(1);
    JobScenario job = JobScenario.created(aJob().with(aLayer().with(flaky)));
    job.failUntilErrored(flaky.id(), "broken");
    assertThat(job.task(flaky.id()).attempts()).isEqualTo(2);

    job.act(Action.RETRY, taskRef(flaky.id()));
    assertThat(job.task(flaky.id()).attempts()).isEqualTo(3);
    List<JobEvent> third = job.fail(flaky.id(), "third");

    assertThat(only(third, TaskFailed.class).retryAt()).isPositive();
    assertThat(job.statusOfTask(flaky.id())).isEqualTo(Status.PENDING);

    job.at(job.task(flaky.id()).retryAt()).wake();
    assertThat(job.task(flaky.id()).attempts()).isEqualTo(4);
    List<JobEvent> fourth = job.fail(flaky.id(), "fourth");

    assertThat(only(fourth, TaskFailed.class).retryAt()).isZero();
    assertThat(job.statusOfTask(flaky.id())).isEqualTo(Status.ERRORED);
    assertThat(job.task(flaky.id()).attempts()).isEqualTo(4);
    assertThat(job.status()).isEqualTo(Status.ERRORED);
  }

  @Test
  void retryingARunningTaskKillsItFirstAndQueuesANewAttempt() {
    job.start(a.id());

    int updated = job.act(Action.RETRY, taskRef(a.id()));

    assertThat(updated).isEqualTo(1);
    assertThat(types(job.lastEvents()))
        .containsExactly(ActionTaken.class, TaskKilled.class, TaskReset.class, TasksQueued.class);
    assertThat(only(job.lastEvents(), TaskKilled.class).attempt()).isEqualTo(1);
    Task task = job.task(a.id());
    assertThat(task.status()).isEqualTo(Status.QUEUED);
    assertThat(task.attempts()).isEqualTo(2);
    assertThat(task.snapshot().message()).isEmpty();
  }

  @Test
  void lateReportOfTheAttemptARetrySupersededIsIgnored() {
    job.start(a.id());
    job.act(Action.RETRY, taskRef(a.id()));

    List<JobEvent> late =
        job.report(
            job.reportOf(WorkerReport.Kind.COMPLETED, a.id(), 1, "old", null, true),
            job.reportOf(WorkerReport.Kind.FAILED, a.id(), 1, "old", null, true));

    assertThat(late).isEmpty();
    assertThat(job.statusOfTask(a.id())).isEqualTo(Status.QUEUED);
    assertThat(job.task(a.id()).attempts()).isEqualTo(2);

    job.report(job.reportOf(WorkerReport.Kind.COMPLETED, a.id(), 2, "new", null, true));

    assertThat(job.statusOfTask(a.id())).isEqualTo(Status.COMPLETED);
    assertThat(job.task(a.id()).snapshot().message()).isEqualTo("new");
  }

  @Test
  void retryingAQueuedTaskStartsANewAttempt() {
    int updated = job.act(Action.RETRY, taskRef(a.id()));

    assertThat(updated).isEqualTo(1);
    assertThat(types(job.lastEvents()))
        .containsExactly(ActionTaken.class, TaskKilled.class, TaskReset.class, TasksQueued.class);
    assertThat(job.task(a.id()).attempts()).isEqualTo(2);
    assertThat(job.task(a.id()).queueTaskId()).isEqualTo(Identifiers.deliveryId(a.id(), 2));
  }

  @Test
  void retryingAnErroredTaskOfAnErroredLayerReopensTheLayerAndTheJob() {
    job.fail(a.id(), "broken");
    job.complete(b.id());
    assertThat(job.statusOfLayer(first.id())).isEqualTo(Status.ERRORED);
    assertThat(job.status()).isEqualTo(Status.ERRORED);

    int updated = job.act(Action.RETRY, taskRef(a.id()));

    assertThat(updated).isEqualTo(1);
    assertThat(types(job.lastEvents()))
        .containsExactly(
            ActionTaken.class,
            TaskReset.class,
            LayerReopened.class,
            TasksQueued.class,
            JobStatusChanged.class);
    assertThat(only(job.lastEvents(), JobStatusChanged.class).status()).isEqualTo(Status.RUNNING);
    assertThat(job.statusOfLayer(first.id())).isEqualTo(Status.RUNNING);
    assertThat(job.status()).isEqualTo(Status.RUNNING);
    assertThat(job.statusOfTask(b.id())).isEqualTo(Status.COMPLETED);

    job.complete(a.id());

    assertThat(job.statusOfLayer(first.id())).isEqualTo(Status.COMPLETED);
    assertThat(job.statusOfLayer(second.id())).isEqualTo(Status.RUNNING);
  }

  @Test
  void retryingATaskOfAPausedLayerResetsItButQueuesItOnlyWhenUnpaused() {
    job.fail(a.id(), "broken");
    job.start(b.id());
    job.act(Action.PAUSE, layerRef(first.id()));

    int updated = job.act(Action.RETRY, taskRef(a.id()));

    assertThat(updated).isEqualTo(1);
    assertThat(types(job.lastEvents())).containsExactly(ActionTaken.class, TaskReset.class);
    assertThat(job.statusOfTask(a.id())).isEqualTo(Status.PENDING);

    job.act(Action.UNPAUSE, layerRef(first.id()));

    assertThat(only(job.lastEvents(), TasksQueued.class).taskIds()).containsExactly(a.id());
  }

  @Test
  void retryingACompletedTaskDoesNothing() {
    job.complete(a.id());

    assertThat(job.act(Action.RETRY, taskRef(a.id()))).isZero();
    assertThat(job.lastEvents()).isEmpty();
    assertThat(job.statusOfTask(a.id())).isEqualTo(Status.COMPLETED);
    assertThat(job.task(a.id()).attempts()).isEqualTo(1);
  }

  @Test
  void retryingASkippedTaskDoesNothing() {
    job.act(Action.SKIP, taskRef(a.id()));

    assertThat(job.act(Action.RETRY, taskRef(a.id()))).isZero();
    assertThat(job.lastEvents()).isEmpty();
    assertThat(job.statusOfTask(a.id())).isEqualTo(Status.SKIPPED);
  }

  @Test
  void retryingATaskWaitingForItsBackOffDoesNothing() {
    TaskBuilder flaky = aTask().retries(1);
    JobScenario job = JobScenario.created(aJob().with(aLayer().with(flaky)));
    job.fail(flaky.id(), "transient");

    assertThat(job.act(Action.RETRY, taskRef(flaky.id()))).isZero();
    assertThat(job.lastEvents()).isEmpty();
    assertThat(job.task(flaky.id()).retryAt()).isPositive();
  }

  @Test
  void retryingATaskOfAPendingLayerDoesNothing() {
    assertThat(job.act(Action.RETRY, taskRef(c.id()))).isZero();
    assertThat(job.lastEvents()).isEmpty();
    assertThat(job.statusOfTask(c.id())).isEqualTo(Status.PENDING);
    assertThat(job.task(c.id()).attempts()).isZero();
  }

  @Test
  void retryingAnErroredTaskOfASkippedLayerDoesNothing() {
    job.fail(a.id(), "broken");
    job.act(Action.SKIP, layerRef(first.id()));
    assertThat(job.statusOfTask(a.id())).isEqualTo(Status.ERRORED);

    assertThat(job.act(Action.RETRY, taskRef(a.id()))).isZero();
    assertThat(job.lastEvents()).isEmpty();
    assertThat(job.statusOfTask(a.id())).isEqualTo(Status.ERRORED);
    assertThat(job.statusOfLayer(first.id())).isEqualTo(Status.SKIPPED);
  }

  // ---- layer ----

  @Test
  void retryingALayerRetriesEveryErroredTaskAndReopensIt() {
    TaskBuilder done = aTask();
    LayerBuilder layer = aLayer().priority(0).with(a, done, b);
    JobScenario job = JobScenario.created(aJob().with(layer, second));
    job.fail(a.id(), "a broken");
    job.complete(done.id());
    job.fail(b.id(), "b broken");
    assertThat(job.statusOfLayer(layer.id())).isEqualTo(Status.ERRORED);
    assertThat(job.status()).isEqualTo(Status.ERRORED);

    int updated = job.later(1_000).act(Action.RETRY, layerRef(layer.id()));

    assertThat(updated).isEqualTo(1);
    assertThat(types(job.lastEvents()))
        .containsExactly(
            ActionTaken.class,
            TasksReset.class,
            LayerReopened.class,
            TasksQueued.class,
            JobStatusChanged.class);
    assertThat(only(job.lastEvents(), TasksReset.class).taskIds()).containsExactly(a.id(), b.id());
    assertThat(only(job.lastEvents(), LayerReopened.class).layerId()).isEqualTo(layer.id());
    assertThat(only(job.lastEvents(), TasksQueued.class).taskIds()).containsExactly(a.id(), b.id());
    assertThat(only(job.lastEvents(), JobStatusChanged.class).status()).isEqualTo(Status.RUNNING);
    assertThat(job.statusOfLayer(layer.id())).isEqualTo(Status.RUNNING);
    assertThat(job.status()).isEqualTo(Status.RUNNING);
    assertThat(job.task(a.id()).attempts()).isEqualTo(2);
    assertThat(job.task(b.id()).attempts()).isEqualTo(2);
    assertThat(job.statusOfTask(done.id())).isEqualTo(Status.COMPLETED);
    assertThat(job.task(done.id()).attempts()).isEqualTo(1);
    assertThat(job.statusOfLayer(second.id())).isEqualTo(Status.PENDING);
  }

  @Test
  void retryingARunningLayerRetriesOnlyItsErroredTasks() {
    job.fail(a.id(), "broken");
    job.start(b.id());

    int updated = job.act(Action.RETRY, layerRef(first.id()));

    assertThat(updated).isEqualTo(1);
    assertThat(types(job.lastEvents()))
        .containsExactly(ActionTaken.class, TasksReset.class, TasksQueued.class);
    assertThat(only(job.lastEvents(), TasksReset.class).taskIds()).containsExactly(a.id());
    assertThat(job.statusOfTask(b.id())).isEqualTo(Status.RUNNING);
    assertThat(job.task(b.id()).attempts()).isEqualTo(1);
  }

  @Test
  void retriedTaskThatFailsAgainMakesItsLayerAndTheJobErroredAgain() {
    job.fail(a.id(), "broken");
    job.complete(b.id());
    job.act(Action.RETRY, layerRef(first.id()));
    assertThat(job.status()).isEqualTo(Status.RUNNING);

    List<JobEvent> again = job.fail(a.id(), "broken again");

    assertThat(types(again))
        .containsExactly(TaskFailed.class, LayerFinished.class, JobStatusChanged.class);
    assertThat(only(again, TaskFailed.class).retryAt()).isZero();
    assertThat(job.statusOfTask(a.id())).isEqualTo(Status.ERRORED);
    assertThat(job.statusOfLayer(first.id())).isEqualTo(Status.ERRORED);
    assertThat(job.status()).isEqualTo(Status.ERRORED);
  }

  @Test
  void retriedTasksThatSucceedLetTheJobGoOnToCompleted() {
    job.fail(a.id(), "broken");
    job.fail(b.id(), "broken");
    job.act(Action.RETRY, layerRef(first.id()));

    job.completeLayer(first.id());

    assertThat(job.statusOfLayer(first.id())).isEqualTo(Status.COMPLETED);
    assertThat(job.statusOfLayer(second.id())).isEqualTo(Status.RUNNING);
    job.complete(c.id());
    assertThat(job.status()).isEqualTo(Status.COMPLETED);
  }

  @Test
  void retryingALayerWithNoErroredTaskDoesNothing() {
    job.start(a.id());

    assertThat(job.act(Action.RETRY, layerRef(first.id()))).isZero();
    assertThat(job.lastEvents()).isEmpty();
    assertThat(job.statusOfTask(a.id())).isEqualTo(Status.RUNNING);
    assertThat(job.statusOfTask(b.id())).isEqualTo(Status.QUEUED);

    job.completeLayer(first.id());

    assertThat(job.act(Action.RETRY, layerRef(first.id()))).isZero();
    assertThat(job.lastEvents()).isEmpty();
    assertThat(job.statusOfLayer(first.id())).isEqualTo(Status.COMPLETED);
  }

  @Test
  void retryingAPendingLayerDoesNothing() {
    assertThat(job.act(Action.RETRY, layerRef(second.id()))).isZero();
    assertThat(job.lastEvents()).isEmpty();
    assertThat(job.statusOfLayer(second.id())).isEqualTo(Status.PENDING);
  }

  @Test
  void retryingASkippedLayerDoesNothing() {
    job.fail(a.id(), "broken");
    job.complete(b.id());
    job.act(Action.SKIP, layerRef(first.id()));

    assertThat(job.act(Action.RETRY, layerRef(first.id()))).isZero();
    assertThat(job.lastEvents()).isEmpty();
    assertThat(job.statusOfLayer(first.id())).isEqualTo(Status.SKIPPED);
  }

  // ---- job ----

  @Test
  void retryingAJobRetriesTheErroredTasksOfAllItsNonSkippedLayers() {
    TaskBuilder x = aTask();
    TaskBuilder y = aTask();
    TaskBuilder z = aTask();
    TaskBuilder done = aTask();
    LayerBuilder left = aLayer().priority(0).with(x, done);
    LayerBuilder middle = aLayer().priority(0).with(y);
    LayerBuilder right = aLayer().priority(0).with(z);
    JobScenario job = JobScenario.created(aJob().with(left, middle, right, second));
    job.fail(x.id(), "x");
    job.complete(done.id());
    job.fail(y.id(), "y");
    job.fail(z.id(), "z");
    job.act(Action.SKIP, layerRef(right.id()));
    assertThat(job.status()).isEqualTo(Status.ERRORED);

    int updated = job.act(Action.RETRY, jobRef(job.jobId()));

    assertThat(updated).isEqualTo(1);
    assertThat(only(job.lastEvents(), TasksReset.class).taskIds()).containsExactly(x.id(), y.id());
    assertThat(all(job.lastEvents(), LayerReopened.class))
        .extracting(LayerReopened::layerId)
        .containsExactly(left.id(), middle.id());
    assertThat(all(job.lastEvents(), TasksQueued.class))
        .flatExtracting(TasksQueued::taskIds)
        .containsExactly(x.id(), y.id());
    assertThat(only(job.lastEvents(), JobStatusChanged.class).status()).isEqualTo(Status.RUNNING);
    assertThat(job.statusOfTask(z.id())).isEqualTo(Status.ERRORED);
    assertThat(job.statusOfLayer(right.id())).isEqualTo(Status.SKIPPED);
    assertThat(job.statusOfTask(done.id())).isEqualTo(Status.COMPLETED);
    assertThat(job.statusOfLayer(left.id())).isEqualTo(Status.RUNNING);
    assertThat(job.statusOfLayer(middle.id())).isEqualTo(Status.RUNNING);
    assertThat(job.status()).isEqualTo(Status.RUNNING);

    job.completeEverything();

    assertThat(job.status()).isEqualTo(Status.COMPLETED);
  }

  @Test
  void retryingAJobDoesNotTouchTasksInFlightOrCompleted() {
    job.fail(a.id(), "broken");
    job.start(b.id());

    int updated = job.act(Action.RETRY, jobRef(job.jobId()));

    assertThat(updated).isEqualTo(1);
    assertThat(all(job.lastEvents(), TaskKilled.class)).isEmpty();
    assertThat(only(job.lastEvents(), TasksReset.class).taskIds()).containsExactly(a.id());
    assertThat(job.statusOfTask(b.id())).isEqualTo(Status.RUNNING);
  }

  @Test
  void retryingAJobWithNoErroredTaskDoesNothing() {
    job.complete(a.id());

    assertThat(job.act(Action.RETRY, jobRef(job.jobId()))).isZero();
    assertThat(job.lastEvents()).isEmpty();
  }

  @Test
  void retryingUnknownObjectsOrAnotherJobDoesNothing() {
    job.fail(a.id(), "broken");

    int updated =
        job.act(
            Action.RETRY,
            taskRef(Identifiers.newId()),
            layerRef(Identifiers.newId()),
            jobRef(Identifiers.newId()),
            layerRef(a.id()),
            taskRef(first.id()),
            jobRef(first.id()));

    assertThat(updated).isZero();
    assertThat(job.lastEvents()).isEmpty();
    assertThat(job.statusOfTask(a.id())).isEqualTo(Status.ERRORED);
  }
}
