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
import igor.domain.JobEvent.TaskKilled;
import igor.domain.JobEvent.TasksKilled;
import igor.domain.Plans.LayerBuilder;
import igor.domain.Plans.TaskBuilder;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Kill on a task, a layer and a job (SEMANTICS.md section 3). */
class KillTest {
  private final TaskBuilder a = aTask().retries(2);
  private final TaskBuilder b = aTask();
  private final LayerBuilder first = aLayer().priority(0).with(a, b);
  private final TaskBuilder c = aTask();
  private final LayerBuilder second = aLayer().priority(1).with(c);
  private final JobScenario job = JobScenario.created(aJob().with(first, second));

  // ---- task ----

  @Test
  void killingAQueuedTaskErrorsItWithMessageKilled() {
    int updated = job.later(1_000).act(Action.KILL, taskRef(a.id()));

    assertThat(updated).isEqualTo(1);
    assertThat(types(job.lastEvents())).containsExactly(ActionTaken.class, TaskKilled.class);
    TaskKilled killed = only(job.lastEvents(), TaskKilled.class);
    assertThat(killed.taskId()).isEqualTo(a.id());
    assertThat(killed.attempt()).isEqualTo(1);
    assertThat(killed.at()).isEqualTo(job.now());
    Task task = job.task(a.id());
    assertThat(task.status()).isEqualTo(Status.ERRORED);
    assertThat(task.snapshot().message()).isEqualTo("killed");
    assertThat(task.attempts()).isEqualTo(1);
    assertThat(task.queueTaskId()).isEmpty();
    assertThat(job.statusOfLayer(first.id())).isEqualTo(Status.RUNNING);
    assertThat(job.status()).isEqualTo(Status.RUNNING);
  }

  @Test
  void killedAttemptCountsAndIsNotRetriedEvenWithRetriesLeft() {
    job.start(a.id());

    int updated = job.act(Action.KILL, taskRef(a.id()));

    assertThat(updated).isEqualTo(1);
    Task task = job.task(a.id());
    assertThat(task.status()).isEqualTo(Status.ERRORED);
    assertThat(task.attempts()).isEqualTo(1);
    assertThat(task.retryAt()).isZero();
    assertThat(job.job().nextRetryAt()).isZero();
    assertThat(job.later(3_600_000).wake()).isEmpty();
    assertThat(job.statusOfTask(a.id())).isEqualTo(Status.ERRORED);
  }

  @Test
  void lateReportsOfAKilledAttemptAreIgnored() {
    job.start(a.id());
    job.act(Action.KILL, taskRef(a.id()));

    List<JobEvent> completed =
        job.report(job.reportOf(WorkerReport.Kind.COMPLETED, a.id(), 1, "done", null, true));
    List<JobEvent> failed =
        job.report(job.reportOf(WorkerReport.Kind.FAILED, a.id(), 1, "cancelled", null, true));
    List<JobEvent> started =
        job.report(job.reportOf(WorkerReport.Kind.STARTED, a.id(), 1, "", null, true));

    assertThat(completed).isEmpty();
    assertThat(failed).isEmpty();
    assertThat(started).isEmpty();
    assertThat(job.statusOfTask(a.id())).isEqualTo(Status.ERRORED);
    assertThat(job.task(a.id()).snapshot().message()).isEqualTo("killed");
  }

  @Test
  void killingTheLastTaskInFlightOfTheGroupErrorsTheLayerAndTheJob() {
    job.complete(b.id());

    job.act(Action.KILL, taskRef(a.id()));

    assertThat(types(job.lastEvents()))
        .containsExactly(
            ActionTaken.class, TaskKilled.class, LayerFinished.class, JobStatusChanged.class);
    assertThat(only(job.lastEvents(), LayerFinished.class).status()).isEqualTo(Status.ERRORED);
    assertThat(only(job.lastEvents(), JobStatusChanged.class).status()).isEqualTo(Status.ERRORED);
    assertThat(job.statusOfLayer(second.id())).isEqualTo(Status.PENDING);
  }

  @Test
  void killingAPendingTaskDoesNothing() {
    TaskBuilder flaky = aTask().retries(1);
    TaskBuilder held = aTask().paused();
    LayerBuilder layer = aLayer().priority(0).with(flaky, held);
    JobScenario job = JobScenario.created(aJob().with(layer, second));
    job.fail(flaky.id(), "transient");
    assertThat(job.statusOfTask(flaky.id())).isEqualTo(Status.PENDING);

    assertThat(job.act(Action.KILL, taskRef(flaky.id()))).isZero();
    assertThat(job.lastEvents()).isEmpty();
    assertThat(job.act(Action.KILL, taskRef(held.id()))).isZero();
    assertThat(job.lastEvents()).isEmpty();
    assertThat(job.act(Action.KILL, taskRef(c.id()))).isZero();
    assertThat(job.lastEvents()).isEmpty();
    assertThat(job.statusOfTask(flaky.id())).isEqualTo(Status.PENDING);
    assertThat(job.statusOfTask(held.id())).isEqualTo(Status.PENDING);
    assertThat(job.statusOfTask(c.id())).isEqualTo(Status.PENDING);
  }

  @Test
  void killingAFinalTaskDoesNothing() {
    TaskBuilder done = aTask();
    TaskBuilder broken = aTask();
    TaskBuilder skipped = aTask();
    LayerBuilder layer = aLayer().with(done, broken, skipped, aTask());
    JobScenario job = JobScenario.created(aJob().with(layer));
    job.complete(done.id());
    job.fail(broken.id(), "broken");
    job.act(Action.SKIP, taskRef(skipped.id()));

    assertThat(job.act(Action.KILL, taskRef(done.id()))).isZero();
    assertThat(job.lastEvents()).isEmpty();
    assertThat(job.act(Action.KILL, taskRef(broken.id()))).isZero();
    assertThat(job.lastEvents()).isEmpty();
    assertThat(job.act(Action.KILL, taskRef(skipped.id()))).isZero();
    assertThat(job.lastEvents()).isEmpty();
    assertThat(job.task(broken.id()).snapshot().message()).isEqualTo("broken");
  }

  @Test
  void killingATaskTwiceCountsOnlyTheFirst() {
    int updated = job.act(Action.KILL, taskRef(a.id()), taskRef(a.id()));

    assertThat(updated).isEqualTo(1);
    assertThat(all(job.lastEvents(), TaskKilled.class)).hasSize(1);
  }

  // ---- layer ----

  @Test
  void killingALayerKillsEveryQueuedOrRunningTaskOfIt() {
    job.start(a.id());

    int updated = job.act(Action.KILL, layerRef(first.id()));

    assertThat(updated).isEqualTo(1);
    assertThat(types(job.lastEvents()))
        .containsExactly(
            ActionTaken.class, TasksKilled.class, LayerFinished.class, JobStatusChanged.class);
    // a layer's tasks are killed in bulk, each with the attempt it stops
    assertThat(only(job.lastEvents(), TasksKilled.class).attempts())
        .containsExactly(new TaskAttempt(a.id(), 1), new TaskAttempt(b.id(), 1));
    assertThat(job.statusOfTask(a.id())).isEqualTo(Status.ERRORED);
    assertThat(job.statusOfTask(b.id())).isEqualTo(Status.ERRORED);
    assertThat(job.task(a.id()).snapshot().message()).isEqualTo("killed");
    assertThat(job.task(b.id()).snapshot().message()).isEqualTo("killed");
    assertThat(job.statusOfLayer(first.id())).isEqualTo(Status.ERRORED);
    assertThat(job.status()).isEqualTo(Status.ERRORED);
    assertThat(job.statusOfLayer(second.id())).isEqualTo(Status.PENDING);
    assertThat(job.job().tasksInFlight()).isEmpty();
  }

  @Test
  void killingALayerLeavesItsFinishedAndPendingTasksAlone() {
    TaskBuilder done = aTask();
    TaskBuilder held = aTask().paused();
    TaskBuilder inFlight = aTask();
    LayerBuilder layer = aLayer().with(done, held, inFlight);
    JobScenario job = JobScenario.created(aJob().with(layer));
    job.complete(done.id());

    int updated = job.act(Action.KILL, layerRef(layer.id()));

    assertThat(updated).isEqualTo(1);
    assertThat(only(job.lastEvents(), TasksKilled.class).attempts())
        .containsExactly(new TaskAttempt(inFlight.id(), 1));
    assertThat(job.statusOfTask(done.id())).isEqualTo(Status.COMPLETED);
    assertThat(job.statusOfTask(held.id())).isEqualTo(Status.PENDING);
    assertThat(job.statusOfLayer(layer.id())).isEqualTo(Status.RUNNING);
    assertThat(job.status()).isEqualTo(Status.RUNNING);
  }

  @Test
  void killedLayerLeavesTheJobRunningWhileASiblingLayerRuns() {
    TaskBuilder s = aTask();
    LayerBuilder sibling = aLayer().priority(0).with(s);
    JobScenario job = JobScenario.created(aJob().with(first, sibling, second));

    job.act(Action.KILL, layerRef(first.id()));

    assertThat(job.statusOfLayer(first.id())).isEqualTo(Status.ERRORED);
    assertThat(job.statusOfLayer(sibling.id())).isEqualTo(Status.RUNNING);
    assertThat(job.status()).isEqualTo(Status.RUNNING);

    job.complete(s.id());

    assertThat(job.statusOfLayer(sibling.id())).isEqualTo(Status.COMPLETED);
    assertThat(job.statusOfLayer(second.id())).isEqualTo(Status.PENDING);
    assertThat(job.status()).isEqualTo(Status.ERRORED);
  }

  @Test
  void killingALayerWithNothingInFlightDoesNothing() {
    assertThat(job.act(Action.KILL, layerRef(second.id()))).isZero();
    assertThat(job.lastEvents()).isEmpty();

    job.completeLayer(first.id());

    assertThat(job.act(Action.KILL, layerRef(first.id()))).isZero();
    assertThat(job.lastEvents()).isEmpty();
  }

  // ---- job ----

  @Test
  void killingAJobKillsEveryQueuedOrRunningTaskOfIt() {
    TaskBuilder s = aTask();
    LayerBuilder sibling = aLayer().priority(0).with(s);
    JobScenario job = JobScenario.created(aJob().with(first, sibling, second));
    job.start(b.id());

    int updated = job.act(Action.KILL, jobRef(job.jobId()));

    assertThat(updated).isEqualTo(1);
    assertThat(only(job.lastEvents(), TasksKilled.class).attempts())
        .extracting(TaskAttempt::taskId)
        .containsExactly(a.id(), b.id(), s.id());
    assertThat(all(job.lastEvents(), LayerFinished.class))
        .extracting(LayerFinished::status)
        .containsExactly(Status.ERRORED, Status.ERRORED);
    assertThat(only(job.lastEvents(), JobStatusChanged.class).status()).isEqualTo(Status.ERRORED);
    assertThat(job.statusOfLayer(first.id())).isEqualTo(Status.ERRORED);
    assertThat(job.statusOfLayer(sibling.id())).isEqualTo(Status.ERRORED);
    assertThat(job.statusOfLayer(second.id())).isEqualTo(Status.PENDING);
    assertThat(job.statusOfTask(c.id())).isEqualTo(Status.PENDING);
    assertThat(job.status()).isEqualTo(Status.ERRORED);
    assertThat(job.job().tasksInFlight()).isEmpty();
  }

  @Test
  void killedJobStaysRunningWhileAPausedTaskOfItsGroupWaits() {
    TaskBuilder held = aTask().paused();
    LayerBuilder layer = aLayer().with(aTask(), held);
    JobScenario job = JobScenario.created(aJob().with(layer));

    int updated = job.act(Action.KILL, jobRef(job.jobId()));

    assertThat(updated).isEqualTo(1);
    assertThat(job.statusOfTask(held.id())).isEqualTo(Status.PENDING);
    assertThat(job.statusOfLayer(layer.id())).isEqualTo(Status.RUNNING);
    assertThat(job.status()).isEqualTo(Status.RUNNING);
  }

  @Test
  void killingAJobWithNothingInFlightDoesNothing() {
    JobScenario job = JobScenario.created(aJob().paused().with(first, second));
    assertThat(job.job().tasksInFlight()).isEmpty();

    assertThat(job.act(Action.KILL, jobRef(job.jobId()))).isZero();
    assertThat(job.lastEvents()).isEmpty();
    assertThat(job.statusOfTask(a.id())).isEqualTo(Status.PENDING);
  }

  @Test
  void killingUnknownObjectsOrAnotherJobDoesNothing() {
    int updated =
        job.act(
            Action.KILL,
            taskRef(Identifiers.newId()),
            layerRef(Identifiers.newId()),
            jobRef(Identifiers.newId()),
            layerRef(a.id()),
            taskRef(first.id()),
            jobRef(first.id()));

    assertThat(updated).isZero();
    assertThat(job.lastEvents()).isEmpty();
    assertThat(job.job().tasksInFlight()).hasSize(2);
  }
}
