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
import static org.assertj.core.api.Assertions.tuple;

import igor.domain.JobEvent.ActionTaken;
import igor.domain.JobEvent.JobStatusChanged;
import igor.domain.JobEvent.LayerFinished;
import igor.domain.JobEvent.LayerSkipped;
import igor.domain.JobEvent.LayersStarted;
import igor.domain.JobEvent.TaskSkipped;
import igor.domain.JobEvent.TasksQueued;
import igor.domain.Plans.LayerBuilder;
import igor.domain.Plans.TaskBuilder;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Skip on a task, a layer and a job (SEMANTICS.md section 3). */
class SkipTest {
  private final TaskBuilder a = aTask();
  private final TaskBuilder b = aTask();
  private final LayerBuilder first = aLayer().priority(0).with(a, b);
  private final TaskBuilder c = aTask();
  private final LayerBuilder second = aLayer().priority(1).with(c);
  private final JobScenario job = JobScenario.created(aJob().with(first, second));

  // ---- task ----

  @Test
  void skippingAQueuedTaskMakesItSkippedAndCountsOne() {
    int updated = job.later(1_000).act(Action.SKIP, taskRef(a.id()));

    assertThat(updated).isEqualTo(1);
    assertThat(types(job.lastEvents())).containsExactly(ActionTaken.class, TaskSkipped.class);
    TaskSkipped skipped = only(job.lastEvents(), TaskSkipped.class);
    assertThat(skipped.taskId()).isEqualTo(a.id());
    assertThat(skipped.at()).isEqualTo(job.now());
    Task task = job.task(a.id());
    assertThat(task.status()).isEqualTo(Status.SKIPPED);
    assertThat(task.attempts()).isEqualTo(1);
    assertThat(task.queueTaskId()).isEmpty();
    assertThat(task.snapshot().message()).isEqualTo("skipped");
    assertThat(job.statusOfLayer(first.id())).isEqualTo(Status.RUNNING);
    assertThat(job.layer(first.id()).count(Status.SKIPPED)).isEqualTo(1);
  }

  @Test
  void skippedTaskCountsAsDoneSoItsLayerCompletesAndTheNextGroupStarts() {
    job.complete(a.id());

    int updated = job.act(Action.SKIP, taskRef(b.id()));

    assertThat(updated).isEqualTo(1);
    assertThat(types(job.lastEvents()))
        .containsExactly(
            ActionTaken.class,
            TaskSkipped.class,
            LayerFinished.class,
            LayersStarted.class,
            TasksQueued.class);
    assertThat(only(job.lastEvents(), LayerFinished.class).status()).isEqualTo(Status.COMPLETED);
    assertThat(only(job.lastEvents(), TasksQueued.class).taskIds()).containsExactly(c.id());
    assertThat(job.statusOfLayer(first.id())).isEqualTo(Status.COMPLETED);
    assertThat(job.statusOfLayer(second.id())).isEqualTo(Status.RUNNING);
    assertThat(job.status()).isEqualTo(Status.RUNNING);
  }

  @Test
  void reportForTheAttemptOfASkippedTaskIsIgnored() {
    job.start(a.id());
    job.act(Action.SKIP, taskRef(a.id()));

    List<JobEvent> completed =
        job.report(job.reportOf(WorkerReport.Kind.COMPLETED, a.id(), 1, "done", null, true));
    List<JobEvent> failed =
        job.report(job.reportOf(WorkerReport.Kind.FAILED, a.id(), 1, "boom", null, true));

    assertThat(completed).isEmpty();
    assertThat(failed).isEmpty();
    assertThat(job.statusOfTask(a.id())).isEqualTo(Status.SKIPPED);
    assertThat(job.task(a.id()).snapshot().message()).isEqualTo("skipped");
  }

  @Test
  void skippingAnErroredTaskLetsItsRunningLayerCompleteWhenNothingElseErrored() {
    job.fail(a.id(), "broken");
    assertThat(job.statusOfTask(a.id())).isEqualTo(Status.ERRORED);

    int updated = job.act(Action.SKIP, taskRef(a.id()));
    List<JobEvent> done = job.complete(b.id());

    assertThat(updated).isEqualTo(1);
    assertThat(job.statusOfTask(a.id())).isEqualTo(Status.SKIPPED);
    assertThat(only(done, LayerFinished.class).status()).isEqualTo(Status.COMPLETED);
    assertThat(job.statusOfLayer(second.id())).isEqualTo(Status.RUNNING);
  }

  @Test
  void skippingTheOnlyErroredTaskOfAnErroredLayerCompletesTheLayerAndTheJobMovesOn() {
    job.fail(a.id(), "broken");
    job.complete(b.id());
    assertThat(job.statusOfLayer(first.id())).isEqualTo(Status.ERRORED);
    assertThat(job.status()).isEqualTo(Status.ERRORED);

    int updated = job.act(Action.SKIP, taskRef(a.id()));

    // SEMANTICS.md 2: a layer whose tasks are all final is ERRORED only if one of them is ERRORED,
    // and SKIPPED tasks count as done; skip is how a person lets an ERRORED job move on.
    assertThat(updated).isEqualTo(1);
    assertThat(job.statusOfTask(a.id())).isEqualTo(Status.SKIPPED);
    assertThat(job.statusOfLayer(first.id())).isEqualTo(Status.COMPLETED);
    assertThat(job.statusOfLayer(second.id())).isEqualTo(Status.RUNNING);
    assertThat(job.statusOfTask(c.id())).isEqualTo(Status.QUEUED);
    assertThat(job.status()).isEqualTo(Status.RUNNING);
  }

  @Test
  void skippingAPendingTaskOfALaterGroupLetsItsLayerCompleteAtOnceWhenItStarts() {
    int updated = job.act(Action.SKIP, taskRef(c.id()));
    assertThat(updated).isEqualTo(1);
    assertThat(job.statusOfTask(c.id())).isEqualTo(Status.SKIPPED);
    assertThat(job.statusOfLayer(second.id())).isEqualTo(Status.PENDING);

    List<JobEvent> events = job.completeLayer(first.id());

    assertThat(all(events, TasksQueued.class)).isEmpty();
    assertThat(all(events, LayerFinished.class))
        .extracting(LayerFinished::layerId, LayerFinished::status)
        .containsExactly(tuple(first.id(), Status.COMPLETED), tuple(second.id(), Status.COMPLETED));
    assertThat(job.status()).isEqualTo(Status.COMPLETED);
  }

  @Test
  void skippingAPendingTaskWaitingForItsBackOffMakesItDone() {
    TaskBuilder flaky = aTask().retries(2);
    JobScenario job = JobScenario.created(aJob().with(aLayer().with(flaky)));
    job.fail(flaky.id(), "transient");

    int updated = job.act(Action.SKIP, taskRef(flaky.id()));

    assertThat(updated).isEqualTo(1);
    assertThat(job.statusOfTask(flaky.id())).isEqualTo(Status.SKIPPED);
    assertThat(job.task(flaky.id()).retryAt()).isZero();
    assertThat(job.job().nextRetryAt()).isZero();
    assertThat(job.status()).isEqualTo(Status.COMPLETED);
    assertThat(job.later(3_600_000).wake()).isEmpty();
  }

  @Test
  void skippingACompletedOrSkippedTaskDoesNothing() {
    job.complete(a.id());
    job.act(Action.SKIP, taskRef(b.id()));

    assertThat(job.act(Action.SKIP, taskRef(a.id()))).isZero();
    assertThat(job.lastEvents()).isEmpty();
    assertThat(job.act(Action.SKIP, taskRef(b.id()))).isZero();
    assertThat(job.lastEvents()).isEmpty();
    assertThat(job.statusOfTask(a.id())).isEqualTo(Status.COMPLETED);
  }

  // ---- layer ----

  @Test
  void skippingALayerSkipsItsUnfinishedTasksAndKeepsTheFinishedOnes() {
    TaskBuilder done = aTask();
    TaskBuilder broken = aTask();
    TaskBuilder running = aTask();
    TaskBuilder queued = aTask();
    TaskBuilder held = aTask().paused();
    LayerBuilder layer = aLayer().priority(0).with(done, broken, running, queued, held);
    JobScenario job = JobScenario.created(aJob().with(layer, second));
    job.complete(done.id());
    job.fail(broken.id(), "broken");
    job.start(running.id());

    int updated = job.act(Action.SKIP, layerRef(layer.id()));

    assertThat(updated).isEqualTo(1);
    assertThat(types(job.lastEvents()))
        .containsExactly(
            ActionTaken.class,
            JobEvent.TasksSkipped.class,
            LayerSkipped.class,
            LayersStarted.class,
            TasksQueued.class);
    // in bulk: those in flight naming the attempt to stop, those waiting by id
    JobEvent.TasksSkipped skipped = only(job.lastEvents(), JobEvent.TasksSkipped.class);
    assertThat(skipped.inFlight())
        .containsExactly(new TaskAttempt(running.id(), 1), new TaskAttempt(queued.id(), 1));
    assertThat(skipped.taskIds()).containsExactly(held.id());
    assertThat(only(job.lastEvents(), LayerSkipped.class).layerId()).isEqualTo(layer.id());
    assertThat(job.statusOfTask(done.id())).isEqualTo(Status.COMPLETED);
    assertThat(job.statusOfTask(broken.id())).isEqualTo(Status.ERRORED);
    assertThat(job.statusOfTask(running.id())).isEqualTo(Status.SKIPPED);
    assertThat(job.statusOfTask(queued.id())).isEqualTo(Status.SKIPPED);
    assertThat(job.statusOfTask(held.id())).isEqualTo(Status.SKIPPED);
    assertThat(job.statusOfLayer(layer.id())).isEqualTo(Status.SKIPPED);
    assertThat(job.statusOfLayer(second.id())).isEqualTo(Status.RUNNING);
    assertThat(job.status()).isEqualTo(Status.RUNNING);
  }

  @Test
  void skippedLayerSticks() {
    job.start(a.id());
    job.act(Action.SKIP, layerRef(first.id()));

    List<JobEvent> late =
        job.report(
            job.reportOf(WorkerReport.Kind.COMPLETED, a.id(), 1, "done", null, true),
            job.reportOf(WorkerReport.Kind.FAILED, b.id(), 1, "boom", null, true));

    assertThat(late).isEmpty();
    assertThat(job.statusOfLayer(first.id())).isEqualTo(Status.SKIPPED);
    assertThat(job.statusOfTask(a.id())).isEqualTo(Status.SKIPPED);
    assertThat(job.statusOfTask(b.id())).isEqualTo(Status.SKIPPED);
    assertThat(job.act(Action.RETRY, layerRef(first.id()))).isZero();
    assertThat(job.act(Action.SKIP, layerRef(first.id()))).isZero();
    assertThat(job.addTasksRejected(aTask().in(first)).kind()).isEqualTo(Rejection.Kind.CONFLICT);
    job.completeEverything();
    assertThat(job.statusOfLayer(first.id())).isEqualTo(Status.SKIPPED);
    assertThat(job.status()).isEqualTo(Status.COMPLETED);
  }

  @Test
  void skippingAnErroredLayerLetsTheNextGroupStartAndTheJobComplete() {
    job.fail(a.id(), "broken");
    job.complete(b.id());
    assertThat(job.status()).isEqualTo(Status.ERRORED);

    int updated = job.act(Action.SKIP, layerRef(first.id()));

    assertThat(updated).isEqualTo(1);
    assertThat(types(job.lastEvents()))
        .containsExactly(
            ActionTaken.class,
            LayerSkipped.class,
            LayersStarted.class,
            TasksQueued.class,
            JobStatusChanged.class);
    assertThat(only(job.lastEvents(), JobStatusChanged.class).status()).isEqualTo(Status.RUNNING);
    assertThat(job.statusOfLayer(first.id())).isEqualTo(Status.SKIPPED);
    assertThat(job.statusOfTask(a.id())).isEqualTo(Status.ERRORED);
    assertThat(job.statusOfTask(b.id())).isEqualTo(Status.COMPLETED);

    job.complete(c.id());

    assertThat(job.status()).isEqualTo(Status.COMPLETED);
  }

  @Test
  void skippingTheLastErroredLayerCompletesTheJob() {
    TaskBuilder x = aTask();
    LayerBuilder only = aLayer().with(x);
    JobScenario job = JobScenario.created(aJob().with(only));
    job.fail(x.id(), "broken");
    assertThat(job.status()).isEqualTo(Status.ERRORED);

    int updated = job.act(Action.SKIP, layerRef(only.id()));

    assertThat(updated).isEqualTo(1);
    assertThat(types(job.lastEvents()))
        .containsExactly(ActionTaken.class, LayerSkipped.class, JobStatusChanged.class);
    assertThat(job.status()).isEqualTo(Status.COMPLETED);
  }

  @Test
  void skippingAPendingLayerOfALaterGroupMeansItNeverStarts() {
    int updated = job.act(Action.SKIP, layerRef(second.id()));

    assertThat(updated).isEqualTo(1);
    assertThat(types(job.lastEvents()))
        .containsExactly(ActionTaken.class, JobEvent.TasksSkipped.class, LayerSkipped.class);
    assertThat(job.statusOfLayer(second.id())).isEqualTo(Status.SKIPPED);
    assertThat(job.statusOfTask(c.id())).isEqualTo(Status.SKIPPED);

    List<JobEvent> events = job.completeLayer(first.id());

    assertThat(all(events, LayersStarted.class)).isEmpty();
    assertThat(all(events, TasksQueued.class)).isEmpty();
    assertThat(job.statusOfLayer(second.id())).isEqualTo(Status.SKIPPED);
    assertThat(job.status()).isEqualTo(Status.COMPLETED);
  }

  @Test
  void skippingACompletedOrSkippedLayerDoesNothing() {
    job.completeLayer(first.id());
    job.act(Action.SKIP, layerRef(second.id()));
    assertThat(job.statusOfLayer(first.id())).isEqualTo(Status.COMPLETED);

    assertThat(job.act(Action.SKIP, layerRef(first.id()))).isZero();
    assertThat(job.lastEvents()).isEmpty();
    assertThat(job.act(Action.SKIP, layerRef(second.id()))).isZero();
    assertThat(job.lastEvents()).isEmpty();
  }

  // ---- job ----

  @Test
  void skippingAJobSkipsEveryUnfinishedLayerAndTheJob() {
    LayerBuilder sibling = aLayer().priority(0).withTasks(1);
    JobScenario job = JobScenario.created(aJob().with(first, sibling, second));
    job.completeLayer(sibling.id());
    job.complete(a.id());
    job.start(b.id());

    int updated = job.act(Action.SKIP, jobRef(job.jobId()));

    assertThat(updated).isEqualTo(1);
    assertThat(types(job.lastEvents()))
        .containsExactly(
            ActionTaken.class,
            JobEvent.TasksSkipped.class,
            LayerSkipped.class,
            JobEvent.TasksSkipped.class,
            LayerSkipped.class,
            JobStatusChanged.class);
    assertThat(all(job.lastEvents(), JobEvent.TasksSkipped.class).get(0).inFlight())
        .containsExactly(new TaskAttempt(b.id(), 1));
    assertThat(all(job.lastEvents(), LayerSkipped.class))
        .extracting(LayerSkipped::layerId)
        .containsExactly(first.id(), second.id());
    assertThat(only(job.lastEvents(), JobStatusChanged.class).status()).isEqualTo(Status.SKIPPED);
    assertThat(job.status()).isEqualTo(Status.SKIPPED);
    assertThat(job.statusOfLayer(sibling.id())).isEqualTo(Status.COMPLETED);
    assertThat(job.statusOfLayer(first.id())).isEqualTo(Status.SKIPPED);
    assertThat(job.statusOfLayer(second.id())).isEqualTo(Status.SKIPPED);
    assertThat(job.statusOfTask(a.id())).isEqualTo(Status.COMPLETED);
    assertThat(job.statusOfTask(b.id())).isEqualTo(Status.SKIPPED);
    assertThat(job.statusOfTask(c.id())).isEqualTo(Status.SKIPPED);
  }

  @Test
  void nothingIsQueuedOrChangedAfterAJobIsSkipped() {
    TaskBuilder flaky = aTask().retries(3);
    LayerBuilder layer = aLayer().priority(0).with(flaky, aTask());
    JobScenario job = JobScenario.created(aJob().with(layer, second));
    job.fail(flaky.id(), "transient");
    job.start(layer.taskIds().get(1));

    job.act(Action.SKIP, jobRef(job.jobId()));

    assertThat(job.job().tasksInFlight()).isEmpty();
    assertThat(job.job().nextRetryAt()).isZero();
    assertThat(job.later(3_600_000).wake()).isEmpty();
    assertThat(
            job.report(
                job.reportOf(
                    WorkerReport.Kind.COMPLETED, layer.taskIds().get(1), 1, "", null, true)))
        .isEmpty();
    assertThat(job.act(Action.SKIP, jobRef(job.jobId()))).isZero();
    assertThat(job.act(Action.RETRY, jobRef(job.jobId()))).isZero();
    assertThat(job.act(Action.KILL, jobRef(job.jobId()))).isZero();
    assertThat(job.act(Action.PAUSE, jobRef(job.jobId()))).isZero();
    assertThat(job.status()).isEqualTo(Status.SKIPPED);
  }

  @Test
  void skippingAnErroredJobSkipsItsErroredLayer() {
    job.fail(a.id(), "broken");
    job.complete(b.id());
    assertThat(job.status()).isEqualTo(Status.ERRORED);

    int updated = job.act(Action.SKIP, jobRef(job.jobId()));

    assertThat(updated).isEqualTo(1);
    assertThat(job.status()).isEqualTo(Status.SKIPPED);
    assertThat(job.statusOfLayer(first.id())).isEqualTo(Status.SKIPPED);
    assertThat(job.statusOfLayer(second.id())).isEqualTo(Status.SKIPPED);
    assertThat(job.statusOfTask(a.id())).isEqualTo(Status.ERRORED);
    assertThat(job.job().tasksInFlight()).isEmpty();
  }

  @Test
  void skippingACompletedJobDoesNothing() {
    job.completeEverything();
    assertThat(job.status()).isEqualTo(Status.COMPLETED);

    assertThat(job.act(Action.SKIP, jobRef(job.jobId()))).isZero();
    assertThat(job.lastEvents()).isEmpty();
    assertThat(job.status()).isEqualTo(Status.COMPLETED);
  }

  @Test
  void skippingUnknownObjectsOrAnotherJobDoesNothing() {
    int updated =
        job.act(
            Action.SKIP,
            taskRef(Identifiers.newId()),
            layerRef(Identifiers.newId()),
            jobRef(Identifiers.newId()),
            layerRef(a.id()),
            jobRef(first.id()));

    assertThat(updated).isZero();
    assertThat(job.lastEvents()).isEmpty();
    assertThat(job.status()).isEqualTo(Status.RUNNING);
  }

  // ---- the original scenario ----

  /**
   * The second scenario of the original Igor: two layers at priority 0 whose tasks fail; one layer
   * is ERRORED, and so is the task of the other one. Skipping that layer and that task lets the job
   * complete.
   */
  @Test
  void skippingAnErroredLayerAndTheErroredTaskOfItsSiblingCompletesTheJob() {
    TaskBuilder x = aTask();
    TaskBuilder y = aTask();
    LayerBuilder left = aLayer().priority(0).with(x);
    LayerBuilder right = aLayer().priority(0).with(y);
    JobScenario job = JobScenario.created(aJob().with(left, right));
    job.fail(x.id(), "x failed");
    job.fail(y.id(), "y failed");
    assertThat(job.statusOfLayer(left.id())).isEqualTo(Status.ERRORED);
    assertThat(job.statusOfTask(y.id())).isEqualTo(Status.ERRORED);
    assertThat(job.status()).isEqualTo(Status.ERRORED);

    int updated = job.act(Action.SKIP, layerRef(left.id()), taskRef(y.id()));

    assertThat(updated).isEqualTo(2);
    assertThat(job.statusOfLayer(left.id())).isEqualTo(Status.SKIPPED);
    assertThat(job.statusOfTask(y.id())).isEqualTo(Status.SKIPPED);
    assertThat(job.statusOfLayer(right.id())).isEqualTo(Status.COMPLETED);
    assertThat(job.status()).isEqualTo(Status.COMPLETED);
  }

  /** The same scenario while the sibling layer still runs when its task is skipped. */
  @Test
  void skippingAnErroredLayerAndAnErroredTaskOfARunningSiblingCompletesTheJob() {
    TaskBuilder x = aTask();
    TaskBuilder y = aTask();
    TaskBuilder z = aTask();
    LayerBuilder left = aLayer().priority(0).with(x);
    LayerBuilder right = aLayer().priority(0).with(y, z);
    JobScenario job = JobScenario.created(aJob().with(left, right));
    job.fail(x.id(), "x failed");
    job.fail(y.id(), "y failed");
    assertThat(job.statusOfLayer(left.id())).isEqualTo(Status.ERRORED);
    assertThat(job.statusOfLayer(right.id())).isEqualTo(Status.RUNNING);

    int updated = job.act(Action.SKIP, layerRef(left.id()), taskRef(y.id()));
    job.complete(z.id());

    assertThat(updated).isEqualTo(2);
    assertThat(job.statusOfLayer(right.id())).isEqualTo(Status.COMPLETED);
    assertThat(job.status()).isEqualTo(Status.COMPLETED);
  }
}
