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
import igor.domain.JobEvent.LayersStarted;
import igor.domain.JobEvent.TaskCompleted;
import igor.domain.JobEvent.TasksQueued;
import igor.domain.JobEvent.Unpaused;
import igor.domain.Plans.LayerBuilder;
import igor.domain.Plans.TaskBuilder;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Unpause on a task, a layer and a job (SEMANTICS.md section 3). */
class UnpauseTest {

  // ---- task ----

  @Test
  void unpausingATaskOfARunningLayerQueuesItAtOnce() {
    TaskBuilder held = aTask().paused();
    TaskBuilder other = aTask();
    LayerBuilder layer = aLayer().with(held, other);
    JobScenario job = JobScenario.created(aJob().with(layer));
    assertThat(job.statusOfTask(held.id())).isEqualTo(Status.PENDING);

    int updated = job.later(1_000).act(Action.UNPAUSE, taskRef(held.id()));

    assertThat(updated).isEqualTo(1);
    assertThat(types(job.lastEvents()))
        .containsExactly(ActionTaken.class, Unpaused.class, TasksQueued.class);
    Unpaused unpaused = only(job.lastEvents(), Unpaused.class);
    assertThat(unpaused.targetKind()).isEqualTo(ObjectKind.TASK);
    assertThat(unpaused.targetId()).isEqualTo(held.id());
    assertThat(unpaused.at()).isEqualTo(job.now());
    assertThat(only(job.lastEvents(), TasksQueued.class).taskIds()).containsExactly(held.id());
    Task task = job.task(held.id());
    assertThat(task.pausedAtMillis()).isZero();
    assertThat(task.status()).isEqualTo(Status.QUEUED);
    assertThat(task.attempts()).isEqualTo(1);
    assertThat(job.task(other.id()).attempts()).isEqualTo(1);
  }

  @Test
  void unpausingATaskWhoseAttemptStillRunsQueuesNothingNew() {
    TaskBuilder a = aTask();
    JobScenario job = JobScenario.created(aJob().with(aLayer().with(a)));
    job.start(a.id());
    job.act(Action.PAUSE, taskRef(a.id()));

    int updated = job.act(Action.UNPAUSE, taskRef(a.id()));

    assertThat(updated).isEqualTo(1);
    assertThat(types(job.lastEvents())).containsExactly(ActionTaken.class, Unpaused.class);
    assertThat(job.statusOfTask(a.id())).isEqualTo(Status.RUNNING);
    assertThat(job.task(a.id()).attempts()).isEqualTo(1);
  }

  @Test
  void unpausingATaskOfAPausedLayerQueuesNothing() {
    TaskBuilder held = aTask().paused();
    LayerBuilder layer = aLayer().paused().with(held);
    JobScenario job = JobScenario.created(aJob().with(layer));

    int updated = job.act(Action.UNPAUSE, taskRef(held.id()));

    assertThat(updated).isEqualTo(1);
    assertThat(types(job.lastEvents())).containsExactly(ActionTaken.class, Unpaused.class);
    assertThat(job.statusOfTask(held.id())).isEqualTo(Status.PENDING);
    assertThat(job.task(held.id()).pausedAtMillis()).isZero();
  }

  @Test
  void unpausingATaskOfAPausedJobQueuesNothing() {
    TaskBuilder held = aTask().paused();
    JobScenario job = JobScenario.created(aJob().paused().with(aLayer().with(held)));

    int updated = job.act(Action.UNPAUSE, taskRef(held.id()));

    assertThat(updated).isEqualTo(1);
    assertThat(types(job.lastEvents())).containsExactly(ActionTaken.class, Unpaused.class);
    assertThat(job.statusOfTask(held.id())).isEqualTo(Status.PENDING);
  }

  @Test
  void unpausingATaskOfALayerNotStartedYetQueuesItOnlyWhenItsLayerStarts() {
    TaskBuilder held = aTask().paused();
    LayerBuilder first = aLayer().priority(0).withTasks(1);
    LayerBuilder later = aLayer().priority(1).with(held);
    JobScenario job = JobScenario.created(aJob().with(first, later));

    int updated = job.act(Action.UNPAUSE, taskRef(held.id()));

    assertThat(updated).isEqualTo(1);
    assertThat(types(job.lastEvents())).containsExactly(ActionTaken.class, Unpaused.class);
    assertThat(job.statusOfTask(held.id())).isEqualTo(Status.PENDING);

    List<JobEvent> started = job.completeLayer(first.id());

    assertThat(only(started, TasksQueued.class).taskIds()).containsExactly(held.id());
    assertThat(job.statusOfTask(held.id())).isEqualTo(Status.QUEUED);
  }

  @Test
  void unpausingATaskAfterItsRetryBackOffQueuesItAtOnce() {
    TaskBuilder flaky = aTask().retries(1);
    JobScenario job = JobScenario.created(aJob().with(aLayer().with(flaky)));
    job.start(flaky.id());
    job.act(Action.PAUSE, taskRef(flaky.id()));
    job.fail(flaky.id(), "transient");
    long retryAt = job.task(flaky.id()).retryAt();
    job.at(retryAt + 1).wake();
    assertThat(job.statusOfTask(flaky.id())).isEqualTo(Status.PENDING);

    int updated = job.act(Action.UNPAUSE, taskRef(flaky.id()));

    assertThat(updated).isEqualTo(1);
    assertThat(only(job.lastEvents(), TasksQueued.class).taskIds()).containsExactly(flaky.id());
    assertThat(job.statusOfTask(flaky.id())).isEqualTo(Status.QUEUED);
    assertThat(job.task(flaky.id()).attempts()).isEqualTo(2);
  }

  @Test
  void unpausingATaskBeforeItsRetryBackOffRunsOutQueuesItWhenTheBackOffEnds() {
    // Current behaviour, kept on purpose: the pause did not cancel the back-off of the failed
    // attempt, so "queued at once" means as soon as its back-off allows.
    TaskBuilder flaky = aTask().retries(1);
    JobScenario job = JobScenario.created(aJob().with(aLayer().with(flaky)));
    job.start(flaky.id());
    job.act(Action.PAUSE, taskRef(flaky.id()));
    job.fail(flaky.id(), "transient");
    long retryAt = job.task(flaky.id()).retryAt();

    int updated = job.act(Action.UNPAUSE, taskRef(flaky.id()));

    assertThat(updated).isEqualTo(1);
    assertThat(types(job.lastEvents())).containsExactly(ActionTaken.class, Unpaused.class);
    assertThat(job.statusOfTask(flaky.id())).isEqualTo(Status.PENDING);
    assertThat(job.job().nextRetryAt()).isEqualTo(retryAt);
    assertThat(only(job.at(retryAt).wake(), TasksQueued.class).taskIds())
        .containsExactly(flaky.id());
  }

  // ---- layer ----

  @Test
  void unpausingARunningLayerQueuesItsPendingTasksButNotItsPausedOnes() {
    TaskBuilder x = aTask();
    TaskBuilder y = aTask();
    TaskBuilder held = aTask().paused();
    LayerBuilder layer = aLayer().paused().with(x, held, y);
    JobScenario job = JobScenario.created(aJob().with(layer));
    assertThat(job.statusOfLayer(layer.id())).isEqualTo(Status.RUNNING);
    assertThat(job.job().tasksInFlight()).isEmpty();

    int updated = job.act(Action.UNPAUSE, layerRef(layer.id()));

    assertThat(updated).isEqualTo(1);
    assertThat(types(job.lastEvents()))
        .containsExactly(ActionTaken.class, Unpaused.class, TasksQueued.class);
    assertThat(only(job.lastEvents(), Unpaused.class).targetKind()).isEqualTo(ObjectKind.LAYER);
    assertThat(only(job.lastEvents(), TasksQueued.class).taskIds()).containsExactly(x.id(), y.id());
    assertThat(job.layer(layer.id()).isPaused()).isFalse();
    assertThat(job.statusOfTask(held.id())).isEqualTo(Status.PENDING);
  }

  @Test
  void unpausingALayerOfAPausedJobQueuesNothing() {
    TaskBuilder x = aTask();
    LayerBuilder layer = aLayer().paused().with(x);
    JobScenario job = JobScenario.created(aJob().paused().with(layer));

    int updated = job.act(Action.UNPAUSE, layerRef(layer.id()));

    assertThat(updated).isEqualTo(1);
    assertThat(types(job.lastEvents())).containsExactly(ActionTaken.class, Unpaused.class);
    assertThat(job.statusOfTask(x.id())).isEqualTo(Status.PENDING);
  }

  @Test
  void unpausingALayerNotStartedYetQueuesNothingUntilItStarts() {
    LayerBuilder first = aLayer().priority(0).withTasks(1);
    TaskBuilder x = aTask();
    LayerBuilder later = aLayer().priority(1).paused().with(x);
    JobScenario job = JobScenario.created(aJob().with(first, later));

    int updated = job.act(Action.UNPAUSE, layerRef(later.id()));

    assertThat(updated).isEqualTo(1);
    assertThat(types(job.lastEvents())).containsExactly(ActionTaken.class, Unpaused.class);
    assertThat(job.statusOfLayer(later.id())).isEqualTo(Status.PENDING);
    assertThat(job.statusOfTask(x.id())).isEqualTo(Status.PENDING);

    List<JobEvent> started = job.completeLayer(first.id());

    assertThat(only(started, TasksQueued.class).taskIds()).containsExactly(x.id());
  }

  @Test
  void unpausingALayerQueuesTasksAddedWhileItWasPaused() {
    TaskBuilder x = aTask();
    LayerBuilder layer = aLayer().paused().with(x);
    JobScenario job = JobScenario.created(aJob().with(layer));
    assertThat(job.statusOfLayer(layer.id())).isEqualTo(Status.RUNNING);
    TaskBuilder added = aTask();
    job.addTasks(added.in(layer));

    job.act(Action.UNPAUSE, layerRef(layer.id()));

    assertThat(only(job.lastEvents(), TasksQueued.class).taskIds())
        .containsExactly(x.id(), added.id());
  }

  // ---- job ----

  @Test
  void unpausingAJobQueuesThePendingTasksOfItsRunningLayers() {
    TaskBuilder x = aTask();
    TaskBuilder y = aTask();
    TaskBuilder held = aTask().paused();
    TaskBuilder inPausedLayer = aTask();
    TaskBuilder later = aTask();
    LayerBuilder left = aLayer().priority(0).with(x, held);
    LayerBuilder right = aLayer().priority(0).with(y);
    LayerBuilder pausedLayer = aLayer().priority(0).paused().with(inPausedLayer);
    LayerBuilder next = aLayer().priority(1).with(later);
    JobScenario job = JobScenario.created(aJob().paused().with(left, right, pausedLayer, next));
    assertThat(job.job().tasksInFlight()).isEmpty();

    int updated = job.act(Action.UNPAUSE, jobRef(job.jobId()));

    assertThat(updated).isEqualTo(1);
    assertThat(types(job.lastEvents()))
        .containsExactly(ActionTaken.class, Unpaused.class, TasksQueued.class, TasksQueued.class);
    assertThat(only(job.lastEvents(), Unpaused.class).targetKind()).isEqualTo(ObjectKind.JOB);
    assertThat(all(job.lastEvents(), TasksQueued.class))
        .flatExtracting(TasksQueued::taskIds)
        .containsExactlyInAnyOrder(x.id(), y.id());
    assertThat(job.job().snapshot().pausedAtMillis()).isZero();
    assertThat(job.statusOfTask(held.id())).isEqualTo(Status.PENDING);
    assertThat(job.statusOfTask(inPausedLayer.id())).isEqualTo(Status.PENDING);
    assertThat(job.statusOfTask(later.id())).isEqualTo(Status.PENDING);
  }

  @Test
  void unpausingAJobQueuesTheGroupThatStartedWhileItWasPaused() {
    TaskBuilder x = aTask();
    LayerBuilder first = aLayer().priority(0).withTasks(2);
    LayerBuilder next = aLayer().priority(1).with(x);
    JobScenario job = JobScenario.created(aJob().with(first, next));
    job.startLayer(first.id());
    job.act(Action.PAUSE, jobRef(job.jobId()));
    job.completeLayer(first.id());
    assertThat(job.statusOfLayer(next.id())).isEqualTo(Status.RUNNING);
    assertThat(job.statusOfTask(x.id())).isEqualTo(Status.PENDING);

    int updated = job.act(Action.UNPAUSE, jobRef(job.jobId()));

    assertThat(updated).isEqualTo(1);
    assertThat(only(job.lastEvents(), TasksQueued.class).taskIds()).containsExactly(x.id());
    job.complete(x.id());
    assertThat(job.status()).isEqualTo(Status.COMPLETED);
  }

  @Test
  void unpausingAJobQueuesRetriesWhoseBackOffRanOutWhileItWasPaused() {
    TaskBuilder flaky = aTask().retries(1);
    JobScenario job = JobScenario.created(aJob().with(aLayer().with(flaky)));
    job.start(flaky.id());
    job.act(Action.PAUSE, jobRef(job.jobId()));
    job.fail(flaky.id(), "transient");
    job.at(job.task(flaky.id()).retryAt() + 1).wake();

    job.act(Action.UNPAUSE, jobRef(job.jobId()));

    assertThat(only(job.lastEvents(), TasksQueued.class).taskIds()).containsExactly(flaky.id());
    assertThat(job.task(flaky.id()).attempts()).isEqualTo(2);
  }

  // ---- not paused, unknown ----

  @Test
  void unpausingSomethingNotPausedDoesNothing() {
    TaskBuilder x = aTask();
    LayerBuilder layer = aLayer().with(x);
    JobScenario job = JobScenario.created(aJob().with(layer));

    assertThat(job.act(Action.UNPAUSE, taskRef(x.id()))).isZero();
    assertThat(job.lastEvents()).isEmpty();
    assertThat(job.act(Action.UNPAUSE, layerRef(layer.id()))).isZero();
    assertThat(job.lastEvents()).isEmpty();
    assertThat(job.act(Action.UNPAUSE, jobRef(job.jobId()))).isZero();
    assertThat(job.lastEvents()).isEmpty();
    assertThat(job.audit()).isEmpty();
  }

  @Test
  void unpausingTwiceCountsOnlyTheFirst() {
    TaskBuilder held = aTask().paused();
    JobScenario job = JobScenario.created(aJob().with(aLayer().with(held)));

    int updated = job.act(Action.UNPAUSE, taskRef(held.id()), taskRef(held.id()));

    assertThat(updated).isEqualTo(1);
    assertThat(only(job.lastEvents(), TasksQueued.class).taskIds()).containsExactly(held.id());
  }

  @Test
  void unpausingUnknownObjectsOrAnotherJobDoesNothing() {
    LayerBuilder layer = aLayer().paused().withTasks(1);
    JobScenario job = JobScenario.created(aJob().paused().with(layer));

    int updated =
        job.act(
            Action.UNPAUSE,
            taskRef(Identifiers.newId()),
            layerRef(Identifiers.newId()),
            jobRef(Identifiers.newId()),
            taskRef(layer.id()),
            jobRef(layer.id()));

    assertThat(updated).isZero();
    assertThat(job.lastEvents()).isEmpty();
    assertThat(job.layer(layer.id()).isPaused()).isTrue();
    assertThat(job.job().snapshot().pausedAtMillis()).isNotZero();
  }

  // ---- the original scenario ----

  /**
   * The first scenario of the original Igor: two paused layers at priority 0 (one of their tasks
   * paused as well) and an empty layer at priority 10. A task is added to the empty layer, then the
   * two layers and the paused task are unpaused with the etags a client read.
   */
  @Test
  void twoPausedLayersAndAPausedTaskUnpausedByEtagLetTheJobComplete() {
    TaskBuilder heldTask = aTask().paused();
    TaskBuilder x = aTask();
    TaskBuilder y = aTask();
    LayerBuilder left = aLayer().priority(0).paused().with(x, heldTask);
    LayerBuilder right = aLayer().priority(0).paused().with(y);
    LayerBuilder empty = aLayer().priority(10);
    JobScenario job = JobScenario.created(aJob().with(left, right, empty));
    assertThat(job.statusOfLayer(left.id())).isEqualTo(Status.RUNNING);
    assertThat(job.statusOfLayer(right.id())).isEqualTo(Status.RUNNING);
    assertThat(job.statusOfLayer(empty.id())).isEqualTo(Status.PENDING);
    assertThat(job.job().tasksInFlight()).isEmpty();

    TaskBuilder added = aTask();
    job.addTasks(added.in(empty));
    assertThat(job.statusOfTask(added.id())).isEqualTo(Status.PENDING);

    JobSnapshot read = job.job().snapshot();
    String leftEtag = etagIn(read.layers(), left.id());
    String rightEtag = etagIn(read.layers(), right.id());
    String taskEtag =
        read.tasks().stream()
            .filter(t -> t.id().equals(heldTask.id()))
            .map(t -> Identifiers.etag(t.id(), t.revision()))
            .findFirst()
            .orElseThrow();
    int updated =
        job.later(1_000)
            .act(
                Action.UNPAUSE,
                layerRef(left.id(), leftEtag),
                layerRef(right.id(), rightEtag),
                taskRef(heldTask.id(), taskEtag));

    assertThat(updated).isEqualTo(3);
    assertThat(all(job.lastEvents(), TasksQueued.class))
        .flatExtracting(TasksQueued::taskIds)
        .containsExactlyInAnyOrder(x.id(), y.id(), heldTask.id());
    assertThat(job.statusOfTask(added.id())).isEqualTo(Status.PENDING);

    List<JobEvent> firstGroupDone = job.later(1_000).completeAllInFlight();

    assertThat(types(firstGroupDone))
        .containsSubsequence(
            TaskCompleted.class, LayerFinished.class, LayersStarted.class, TasksQueued.class);
    assertThat(only(firstGroupDone, LayersStarted.class).layerIds()).containsExactly(empty.id());
    assertThat(only(firstGroupDone, TasksQueued.class).taskIds()).containsExactly(added.id());

    List<JobEvent> lastDone = job.later(1_000).completeAllInFlight();

    assertThat(only(lastDone, JobStatusChanged.class).status()).isEqualTo(Status.COMPLETED);
    assertThat(job.status()).isEqualTo(Status.COMPLETED);
    assertThat(job.statusOfLayer(left.id())).isEqualTo(Status.COMPLETED);
    assertThat(job.statusOfLayer(right.id())).isEqualTo(Status.COMPLETED);
    assertThat(job.statusOfLayer(empty.id())).isEqualTo(Status.COMPLETED);
    assertThat(job.job().snapshot().tasks())
        .extracting(TaskSnapshot::status)
        .containsOnly(Status.COMPLETED);
  }

  private static String etagIn(List<LayerSnapshot> layers, String layerId) {
    LayerSnapshot layer =
        layers.stream().filter(l -> l.id().equals(layerId)).findFirst().orElseThrow();
    return Identifiers.etag(layer.id(), layer.revision());
  }
}
