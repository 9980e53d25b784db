package igor.domain;

import static igor.domain.Plans.aJob;
import static igor.domain.Plans.aLayer;
import static igor.domain.Plans.aTask;
import static org.assertj.core.api.Assertions.assertThat;

import igor.domain.Plans.LayerBuilder;
import igor.domain.Plans.TaskBuilder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SnapshotTest {
  private final TaskBuilder done = aTask().withArgs(new byte[] {4, 5, 6});
  private final TaskBuilder waiting = aTask().retries(3);
  private final TaskBuilder running = aTask();
  private final TaskBuilder queued = aTask();
  private final TaskBuilder held = aTask().paused();
  private final TaskBuilder broken = aTask();
  private final TaskBuilder later = aTask();
  private final LayerBuilder busy =
      aLayer().named("busy").with(done, waiting, running, queued, held);
  private final LayerBuilder failing = aLayer().named("failing").with(broken);
  private final LayerBuilder pending = aLayer().named("pending").priority(1).with(later);
  private final LayerBuilder empty = aLayer().priority(-1);
  private JobScenario original;

  /** A job with a task in every state a running job can hold, and layers in three statuses. */
  @BeforeEach
  void aJobInEveryState() {
    original = JobScenario.created(aJob().named("mixed").with(busy, failing, pending, empty));
    original.later(1_000);
    original.report(
        original.completed(done.id(), "out".getBytes(StandardCharsets.UTF_8), "all good"),
        original.failed(waiting.id(), "try again"),
        original.started(running.id()),
        original.failed(broken.id(), "fatal"));
    original.addTasks(aTask().in(pending));
  }

  @Test
  void restoredJobHasTheSameSnapshot() {
    JobSnapshot snapshot = original.job().snapshot();

    Job restored = Job.restore(snapshot);

    assertThat(restored.exists()).isTrue();
    assertThat(restored.snapshot()).usingRecursiveComparison().isEqualTo(snapshot);
    assertThat(restored.snapshot().etag()).isEqualTo(snapshot.etag());
    assertThat(restored.id()).isEqualTo(original.jobId());
    assertThat(restored.status()).isEqualTo(Status.RUNNING);
    assertThat(restored.taskCount()).isEqualTo(original.job().taskCount());
    assertThat(restored.nextRetryAt()).isEqualTo(original.job().nextRetryAt()).isPositive();
    assertThat(restored.tasksInFlight())
        .extracting(Task::id)
        .containsExactlyInAnyOrder(running.id(), queued.id());
    assertThat(restored.findTask(done.id()).snapshot().result())
        .isEqualTo("out".getBytes(StandardCharsets.UTF_8));
    assertThat(restored.findTask(done.id()).args()).containsExactly(4, 5, 6);
  }

  @Test
  void aJobKeepsTheTraceItWasCreatedInThroughEventsAndSnapshots() {
    String trace = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
    Job job = Job.empty();
    Decision created =
        new JobDecider(JobScenario.RETRY_POLICY)
            .create(job, aJob().with(aLayer().with(aTask())).build().inTrace(trace), 1_000);
    for (JobEvent e : ((Decision.Accepted) created).events()) {
      job = job.apply(e);
    }

    assertThat(job.traceParent()).isEqualTo(trace);
    assertThat(Job.restore(job.snapshot()).traceParent()).isEqualTo(trace);
    assertThat(original.job().traceParent()).as("a job created without a trace").isEmpty();
  }

  @Test
  void snapshotListsLayersInDeclarationOrderAndTasksInTheOrderAdded() {
    JobSnapshot snapshot = original.job().snapshot();

    assertThat(snapshot.layers())
        .extracting(LayerSnapshot::id)
        .containsExactly(busy.id(), failing.id(), pending.id(), empty.id());
    assertThat(snapshot.tasks())
        .extracting(TaskSnapshot::id)
        .startsWith(
            done.id(), waiting.id(), running.id(), queued.id(), held.id(), broken.id(), later.id())
        .hasSize(8);
    assertThat(snapshot.layers())
        .extracting(LayerSnapshot::status)
        .containsExactly(Status.RUNNING, Status.ERRORED, Status.PENDING, Status.COMPLETED);
  }

  @Test
  void restoreRecomputesTheLayerCounts() {
    Job restored = Job.restore(original.job().snapshot());

    for (Layer layer : original.job().layers()) {
      Layer copy = restored.findLayer(layer.id());
      for (Status status : Status.values()) {
        assertThat(copy.count(status))
            .as("%s tasks of layer %s", status, layer.id())
            .isEqualTo(layer.count(status));
      }
    }
    Layer restoredBusy = restored.findLayer(busy.id());
    assertThat(restoredBusy.count(Status.COMPLETED)).isEqualTo(1);
    assertThat(restoredBusy.count(Status.PENDING)).isEqualTo(2);
    assertThat(restoredBusy.count(Status.RUNNING)).isEqualTo(1);
    assertThat(restoredBusy.count(Status.QUEUED)).isEqualTo(1);
    assertThat(restored.findLayer(pending.id()).count(Status.PENDING)).isEqualTo(2);
    assertThat(restored.findLayer(failing.id()).count(Status.ERRORED)).isEqualTo(1);
  }

  @Test
  void restoredJobDecidesTheSameEventsAsTheOriginal() {
    JobScenario copy = JobScenario.over(Job.restore(original.job().snapshot()), original.now());

    List<WorkerReport> reports =
        List.of(
            original.completed(running.id(), new byte[] {1, 2}, "done"),
            original.started(queued.id()));
    List<JobEvent> fromOriginal = original.report(reports.toArray(WorkerReport[]::new));
    List<JobEvent> fromCopy = copy.report(reports.toArray(WorkerReport[]::new));

    assertThat(fromOriginal).isNotEmpty();
    assertThat(fromCopy).usingRecursiveComparison().isEqualTo(fromOriginal);

    long retryAt = original.task(waiting.id()).retryAt();
    List<JobEvent> retriesOfOriginal = original.at(retryAt).wake();
    List<JobEvent> retriesOfCopy = copy.at(retryAt).wake();

    assertThat(retriesOfOriginal).isNotEmpty();
    assertThat(retriesOfCopy).usingRecursiveComparison().isEqualTo(retriesOfOriginal);
    assertThat(copy.job().snapshot())
        .usingRecursiveComparison()
        .isEqualTo(original.job().snapshot());
  }

  @Test
  void restoredJobFinishesItsLayersFromTheRecomputedCounts() {
    JobScenario copy = JobScenario.over(Job.restore(original.job().snapshot()), original.now());
    copy.at(copy.task(waiting.id()).retryAt()).wake();

    List<JobEvent> events =
        copy.report(
            copy.completed(running.id()),
            copy.completed(queued.id()),
            copy.completed(waiting.id()));

    assertThat(copy.statusOfLayer(busy.id())).isEqualTo(Status.RUNNING);
    assertThat(events).noneMatch(e -> e instanceof JobEvent.LayerFinished);
    assertThat(copy.layer(busy.id()).count(Status.PENDING)).isEqualTo(1);
    assertThat(copy.status()).isEqualTo(Status.RUNNING);
  }

  @Test
  void restoredJobWithAllWorkFinishedReachesTheSameEnd() {
    TaskBuilder one = aTask();
    TaskBuilder two = aTask();
    LayerBuilder first = aLayer().with(one);
    LayerBuilder second = aLayer().priority(1).with(two);
    JobScenario job = JobScenario.created(aJob().with(first, second));
    JobScenario copy = JobScenario.over(Job.restore(job.job().snapshot()), job.now());

    for (JobScenario each : List.of(job, copy)) {
      each.complete(one.id());
      each.complete(two.id());
    }

    assertThat(copy.status()).isEqualTo(Status.COMPLETED);
    assertThat(copy.job().snapshot()).usingRecursiveComparison().isEqualTo(job.job().snapshot());
  }

  @Test
  void snapshotDoesNotChangeWhenTheJobDoes() {
    JobSnapshot before = original.job().snapshot();
    Job copyOfBefore = Job.restore(before);

    original.report(original.completed(running.id()), original.completed(queued.id()));
    original.addTasks(aTask().in(pending));

    assertThat(before).usingRecursiveComparison().isEqualTo(copyOfBefore.snapshot());
    assertThat(before.tasks())
        .filteredOn(t -> t.id().equals(running.id()))
        .extracting(TaskSnapshot::status)
        .containsExactly(Status.RUNNING);
    assertThat(before.layers())
        .filteredOn(l -> l.id().equals(pending.id()))
        .flatExtracting(LayerSnapshot::taskIds)
        .hasSize(2);
  }

  @Test
  void changingTheRestoredJobLeavesTheOriginalAlone() {
    JobSnapshot before = original.job().snapshot();
    JobScenario copy = JobScenario.over(Job.restore(before), original.now());

    copy.report(copy.completed(running.id()));
    copy.addTasks(aTask().in(pending));

    assertThat(original.job().snapshot()).usingRecursiveComparison().isEqualTo(before);
    assertThat(original.layer(pending.id()).taskIds()).hasSize(2);
    assertThat(copy.layer(pending.id()).taskIds()).hasSize(3);
  }

  @Test
  void snapshotEtagsFollowTheRevisions() {
    JobSnapshot snapshot = original.job().snapshot();

    assertThat(snapshot.etag()).isEqualTo(Identifiers.etag(snapshot.id(), snapshot.revision()));
    for (LayerSnapshot layer : snapshot.layers()) {
      assertThat(layer.etag()).isEqualTo(Identifiers.etag(layer.id(), layer.revision()));
    }
    for (TaskSnapshot task : snapshot.tasks()) {
      assertThat(task.etag()).isEqualTo(Identifiers.etag(task.id(), task.revision()));
      assertThat(task.queueTaskId()).isEqualTo(original.task(task.id()).queueTaskId());
    }
  }
}
