package igor.domain;

import static igor.domain.Events.all;
import static igor.domain.Events.only;
import static igor.domain.Events.types;
import static igor.domain.Plans.aJob;
import static igor.domain.Plans.aLayer;
import static igor.domain.Plans.aTask;
import static org.assertj.core.api.Assertions.assertThat;

import igor.domain.JobEvent.JobStatusChanged;
import igor.domain.JobEvent.LayerFinished;
import igor.domain.JobEvent.LayersStarted;
import igor.domain.JobEvent.TaskCompleted;
import igor.domain.JobEvent.TaskFailed;
import igor.domain.JobEvent.TasksQueued;
import igor.domain.Plans.LayerBuilder;
import igor.domain.Plans.TaskBuilder;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The layer and job status rules of SEMANTICS.md section 2. */
class LayerAndJobStatusTest {

  @Test
  void layerCompletesWhenAllItsTasksAreFinalAndNoneErrored() {
    TaskBuilder a = aTask();
    TaskBuilder b = aTask();
    TaskBuilder c = aTask();
    LayerBuilder layer = aLayer().with(a, b, c);
    LayerBuilder next = aLayer().priority(1).withTasks(1);
    JobScenario job = JobScenario.created(aJob().with(layer, next));

    job.complete(a.id());
    job.report(job.skipped(b.id(), "not needed"));
    assertThat(job.statusOfLayer(layer.id())).isEqualTo(Status.RUNNING);
    List<JobEvent> events = job.later(10).complete(c.id());

    assertThat(types(events))
        .containsExactly(
            TaskCompleted.class, LayerFinished.class, LayersStarted.class, TasksQueued.class);
    LayerFinished finished = only(events, LayerFinished.class);
    assertThat(finished.layerId()).isEqualTo(layer.id());
    assertThat(finished.status()).isEqualTo(Status.COMPLETED);
    assertThat(job.statusOfLayer(layer.id())).isEqualTo(Status.COMPLETED);
    assertThat(job.layer(layer.id()).snapshot().updatedAt()).isEqualTo(job.now());
    assertThat(job.statusOfLayer(next.id())).isEqualTo(Status.RUNNING);
  }

  @Test
  void layerErrorsWhenAllItsTasksAreFinalAndOneErrored() {
    TaskBuilder a = aTask();
    TaskBuilder b = aTask();
    LayerBuilder layer = aLayer().with(a, b);
    JobScenario job = JobScenario.created(aJob().with(layer));

    job.fail(a.id(), "broken");
    assertThat(job.statusOfLayer(layer.id())).isEqualTo(Status.RUNNING);
    List<JobEvent> events = job.complete(b.id());

    assertThat(types(events))
        .containsExactly(TaskCompleted.class, LayerFinished.class, JobStatusChanged.class);
    assertThat(only(events, LayerFinished.class).status()).isEqualTo(Status.ERRORED);
    assertThat(job.statusOfLayer(layer.id())).isEqualTo(Status.ERRORED);
    assertThat(job.layer(layer.id()).count(Status.ERRORED)).isEqualTo(1);
    assertThat(job.layer(layer.id()).count(Status.COMPLETED)).isEqualTo(1);
  }

  @Test
  void layerStaysRunningWhileAnyOfItsTasksIsUnfinished() {
    TaskBuilder a = aTask();
    TaskBuilder b = aTask().retries(1);
    TaskBuilder c = aTask();
    LayerBuilder layer = aLayer().with(a, b, c);
    JobScenario job = JobScenario.created(aJob().with(layer));

    job.fail(a.id(), "broken");
    job.fail(b.id(), "will retry");
    job.start(c.id());

    assertThat(job.statusOfLayer(layer.id())).isEqualTo(Status.RUNNING);
    assertThat(job.status()).isEqualTo(Status.RUNNING);
    assertThat(job.layer(layer.id()).count(Status.ERRORED)).isEqualTo(1);
    assertThat(job.layer(layer.id()).count(Status.PENDING)).isEqualTo(1);
    assertThat(job.layer(layer.id()).count(Status.RUNNING)).isEqualTo(1);
  }

  @Test
  void layerWithAPausedPendingTaskStaysRunningWhenTheOthersFinish() {
    TaskBuilder a = aTask();
    TaskBuilder held = aTask().paused();
    LayerBuilder layer = aLayer().with(a, held);
    LayerBuilder next = aLayer().priority(1).withTasks(1);
    JobScenario job = JobScenario.created(aJob().with(layer, next));

    List<JobEvent> events = job.complete(a.id());

    assertThat(types(events)).containsExactly(TaskCompleted.class);
    assertThat(job.statusOfLayer(layer.id())).isEqualTo(Status.RUNNING);
    assertThat(job.statusOfTask(held.id())).isEqualTo(Status.PENDING);
    assertThat(job.statusOfLayer(next.id())).isEqualTo(Status.PENDING);
    assertThat(job.status()).isEqualTo(Status.RUNNING);
    assertThat(job.later(3_600_000).wake()).isEmpty();
    assertThat(job.statusOfLayer(layer.id())).isEqualTo(Status.RUNNING);
  }

  @Test
  void nextGroupStartsOnlyWhenEveryLayerOfTheCurrentGroupIsDone() {
    LayerBuilder left = aLayer().priority(0).withTasks(1);
    LayerBuilder right = aLayer().priority(0).withTasks(2);
    LayerBuilder next = aLayer().priority(1).withTasks(1);
    JobScenario job = JobScenario.created(aJob().with(left, right, next));

    List<JobEvent> leftDone = job.completeLayer(left.id());

    assertThat(types(leftDone)).containsExactly(TaskCompleted.class, LayerFinished.class);
    assertThat(job.statusOfLayer(left.id())).isEqualTo(Status.COMPLETED);
    assertThat(job.statusOfLayer(next.id())).isEqualTo(Status.PENDING);

    job.complete(right.taskIds().get(0));
    assertThat(job.statusOfLayer(next.id())).isEqualTo(Status.PENDING);
    List<JobEvent> rightDone = job.complete(right.taskIds().get(1));

    assertThat(types(rightDone))
        .containsExactly(
            TaskCompleted.class, LayerFinished.class, LayersStarted.class, TasksQueued.class);
    assertThat(only(rightDone, LayersStarted.class).layerIds()).containsExactly(next.id());
    assertThat(job.statusOfLayer(next.id())).isEqualTo(Status.RUNNING);
  }

  @Test
  void erroredLayerBlocksLaterGroupsAndTheJobErrors() {
    TaskBuilder a = aTask();
    LayerBuilder layer = aLayer().priority(0).with(a);
    LayerBuilder next = aLayer().priority(1).withTasks(2);
    LayerBuilder last = aLayer().priority(2).withTasks(1);
    JobScenario job = JobScenario.created(aJob().with(layer, next, last));

    List<JobEvent> events = job.fail(a.id(), "fatal");

    assertThat(types(events))
        .containsExactly(TaskFailed.class, LayerFinished.class, JobStatusChanged.class);
    assertThat(only(events, LayerFinished.class).status()).isEqualTo(Status.ERRORED);
    assertThat(only(events, JobStatusChanged.class).status()).isEqualTo(Status.ERRORED);
    assertThat(job.status()).isEqualTo(Status.ERRORED);
    assertThat(job.statusOfLayer(next.id())).isEqualTo(Status.PENDING);
    assertThat(job.statusOfLayer(last.id())).isEqualTo(Status.PENDING);
    for (String taskId : next.taskIds()) {
      assertThat(job.statusOfTask(taskId)).isEqualTo(Status.PENDING);
      assertThat(job.task(taskId).attempts()).isZero();
    }
    assertThat(job.later(3_600_000).wake()).isEmpty();
    assertThat(job.job().tasksInFlight()).isEmpty();
  }

  @Test
  void emptyLaterLayerDoesNotStartBehindAnErroredLayer() {
    TaskBuilder a = aTask();
    LayerBuilder layer = aLayer().priority(0).with(a);
    LayerBuilder empty = aLayer().priority(1);
    JobScenario job = JobScenario.created(aJob().with(layer, empty));

    job.fail(a.id(), "fatal");

    assertThat(job.statusOfLayer(empty.id())).isEqualTo(Status.PENDING);
    assertThat(job.status()).isEqualTo(Status.ERRORED);
  }

  @Test
  void runningSiblingKeepsTheJobRunningAndWhenItFinishesTheJobErrorsWithoutStartingTheNextGroup() {
    TaskBuilder broken = aTask();
    TaskBuilder slow = aTask();
    LayerBuilder failing = aLayer().priority(0).with(broken);
    LayerBuilder sibling = aLayer().priority(0).with(slow);
    LayerBuilder next = aLayer().priority(1).withTasks(1);
    JobScenario job = JobScenario.created(aJob().with(failing, sibling, next));
    job.start(slow.id());

    List<JobEvent> failure = job.fail(broken.id(), "fatal");

    assertThat(types(failure)).containsExactly(TaskFailed.class, LayerFinished.class);
    assertThat(job.statusOfLayer(failing.id())).isEqualTo(Status.ERRORED);
    assertThat(job.statusOfLayer(sibling.id())).isEqualTo(Status.RUNNING);
    assertThat(job.status()).isEqualTo(Status.RUNNING);

    List<JobEvent> siblingDone = job.complete(slow.id());

    assertThat(types(siblingDone))
        .containsExactly(TaskCompleted.class, LayerFinished.class, JobStatusChanged.class);
    assertThat(only(siblingDone, LayerFinished.class).status()).isEqualTo(Status.COMPLETED);
    assertThat(only(siblingDone, JobStatusChanged.class).status()).isEqualTo(Status.ERRORED);
    assertThat(job.statusOfLayer(sibling.id())).isEqualTo(Status.COMPLETED);
    assertThat(job.status()).isEqualTo(Status.ERRORED);
    assertThat(job.statusOfLayer(next.id())).isEqualTo(Status.PENDING);
    assertThat(job.statusOfTask(next.taskIds().get(0))).isEqualTo(Status.PENDING);
  }

  @Test
  void siblingWaitingForARetryKeepsTheJobRunning() {
    TaskBuilder broken = aTask();
    TaskBuilder flaky = aTask().retries(1);
    LayerBuilder failing = aLayer().with(broken);
    LayerBuilder sibling = aLayer().with(flaky);
    JobScenario job = JobScenario.created(aJob().with(failing, sibling));

    job.fail(broken.id(), "fatal");
    job.fail(flaky.id(), "transient");

    assertThat(job.statusOfLayer(sibling.id())).isEqualTo(Status.RUNNING);
    assertThat(job.status()).isEqualTo(Status.RUNNING);

    job.at(job.task(flaky.id()).retryAt()).wake();
    job.fail(flaky.id(), "again");

    assertThat(job.statusOfLayer(sibling.id())).isEqualTo(Status.ERRORED);
    assertThat(job.status()).isEqualTo(Status.ERRORED);
  }

  @Test
  void siblingHoldingOnlyAPausedTaskKeepsTheJobRunning() {
    TaskBuilder broken = aTask();
    LayerBuilder failing = aLayer().with(broken);
    LayerBuilder held = aLayer().with(aTask().paused());
    JobScenario job = JobScenario.created(aJob().with(failing, held));

    job.fail(broken.id(), "fatal");

    assertThat(job.statusOfLayer(failing.id())).isEqualTo(Status.ERRORED);
    assertThat(job.statusOfLayer(held.id())).isEqualTo(Status.RUNNING);
    assertThat(job.status()).isEqualTo(Status.RUNNING);
  }

  @Test
  void jobErrorsWhenEveryLayerOfTheGroupErrored() {
    TaskBuilder x = aTask();
    TaskBuilder y = aTask();
    LayerBuilder left = aLayer().with(x);
    LayerBuilder right = aLayer().with(y);
    JobScenario job = JobScenario.created(aJob().with(left, right));

    List<JobEvent> events = job.report(job.failed(x.id(), "x"), job.failed(y.id(), "y"));

    assertThat(types(events))
        .containsExactly(
            TaskFailed.class,
            TaskFailed.class,
            LayerFinished.class,
            LayerFinished.class,
            JobStatusChanged.class);
    assertThat(job.status()).isEqualTo(Status.ERRORED);
  }

  @Test
  void jobCompletesWhenEveryLayerIsDone() {
    LayerBuilder first = aLayer().priority(0).withTasks(2);
    LayerBuilder second = aLayer().priority(1).withTasks(1);
    JobScenario job = JobScenario.created(aJob().with(first, second));

    job.completeLayer(first.id());
    assertThat(job.status()).isEqualTo(Status.RUNNING);
    List<JobEvent> events = job.later(7).completeLayer(second.id());

    assertThat(types(events))
        .containsExactly(TaskCompleted.class, LayerFinished.class, JobStatusChanged.class);
    assertThat(only(events, JobStatusChanged.class).status()).isEqualTo(Status.COMPLETED);
    assertThat(job.status()).isEqualTo(Status.COMPLETED);
    assertThat(job.job().layers()).extracting(Layer::status).containsOnly(Status.COMPLETED);
    assertThat(job.job().snapshot().updatedAt()).isEqualTo(job.now());
    assertThat(job.job().tasksInFlight()).isEmpty();
  }

  @Test
  void jobWhoseLastTaskIsSkippedCompletes() {
    TaskBuilder only = aTask();
    JobScenario job = JobScenario.created(aJob().with(aLayer().with(only)));

    job.report(job.skipped(only.id(), "skip"));

    assertThat(job.status()).isEqualTo(Status.COMPLETED);
  }

  @Test
  void layersCompleteInPriorityOrder() {
    LayerBuilder ten = aLayer().priority(10).withTasks(2);
    LayerBuilder minusFive = aLayer().priority(-5).withTasks(1);
    LayerBuilder zero = aLayer().priority(0).withTasks(3);
    LayerBuilder alsoTen = aLayer().priority(10).withTasks(1);
    LayerBuilder three = aLayer().priority(3);
    JobScenario job = JobScenario.created(aJob().with(ten, minusFive, zero, alsoTen, three));

    int rounds = 0;
    while (job.status() == Status.RUNNING) {
      assertThat(rounds++).as("rounds").isLessThan(10);
      job.later(1_000).completeAllInFlight();
    }

    assertThat(job.status()).isEqualTo(Status.COMPLETED);
    assertThat(all(job.history(), LayersStarted.class))
        .extracting(LayersStarted::layerIds)
        .containsExactly(
            List.of(minusFive.id()),
            List.of(zero.id()),
            List.of(three.id()),
            List.of(ten.id(), alsoTen.id()));
    assertThat(all(job.history(), LayerFinished.class))
        .extracting(LayerFinished::layerId)
        .containsExactly(minusFive.id(), zero.id(), three.id(), ten.id(), alsoTen.id());
    List<Long> finishedAt = new ArrayList<>();
    for (LayerBuilder layer : List.of(minusFive, zero, three, ten)) {
      finishedAt.add(job.layer(layer.id()).snapshot().updatedAt());
    }
    assertThat(finishedAt).isSorted();
  }

  @Test
  void noTaskOfALaterGroupIsQueuedBeforeTheEarlierGroupIsDone() {
    LayerBuilder first = aLayer().priority(1).withTasks(3);
    LayerBuilder second = aLayer().priority(2).withTasks(3);
    JobScenario job = JobScenario.created(aJob().with(second, first));

    while (job.status() == Status.RUNNING) {
      List<Task> inFlight = job.job().tasksInFlight();
      boolean firstDone = job.statusOfLayer(first.id()) == Status.COMPLETED;
      assertThat(inFlight)
          .extracting(Task::layerId)
          .containsOnly(firstDone ? second.id() : first.id());
      job.complete(inFlight.get(0).id());
    }
    assertThat(job.status()).isEqualTo(Status.COMPLETED);
  }

  @Test
  void jobStatusChangesBumpTheJobEtag() {
    TaskBuilder only = aTask();
    JobScenario job = JobScenario.created(aJob().with(aLayer().with(only)));
    String etagWhileRunning = job.job().snapshot().etag();

    job.complete(only.id());

    assertThat(job.job().snapshot().etag()).isNotEqualTo(etagWhileRunning);
    assertThat(job.job().snapshot().revision()).isGreaterThan(0);
  }

  @Test
  void everyChangeOfATaskOrLayerGivesItANewEtag() {
    TaskBuilder only = aTask().retries(1);
    LayerBuilder layer = aLayer().with(only);
    JobScenario job = JobScenario.created(aJob().with(layer));
    List<String> taskEtags = new ArrayList<>();
    List<String> layerEtags = new ArrayList<>();
    Runnable record =
        () -> {
          taskEtags.add(job.task(only.id()).snapshot().etag());
          layerEtags.add(job.layer(layer.id()).snapshot().etag());
        };

    record.run();
    job.fail(only.id(), "1");
    record.run();
    job.at(job.task(only.id()).retryAt()).wake();
    record.run();
    job.start(only.id());
    record.run();
    job.complete(only.id());
    record.run();

    assertThat(taskEtags).doesNotHaveDuplicates().allMatch(Identifiers::isId);
    assertThat(layerEtags.get(layerEtags.size() - 1)).isNotEqualTo(layerEtags.get(0));
  }
}
