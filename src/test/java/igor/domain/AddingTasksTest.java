package igor.domain;

import static igor.domain.Events.all;
import static igor.domain.Events.only;
import static igor.domain.Events.types;
import static igor.domain.Plans.aJob;
import static igor.domain.Plans.aLayer;
import static igor.domain.Plans.aTask;
import static igor.domain.Plans.tasks;
import static org.assertj.core.api.Assertions.assertThat;

import igor.domain.JobEvent.LayerFinished;
import igor.domain.JobEvent.LayersStarted;
import igor.domain.JobEvent.TaskCompleted;
import igor.domain.JobEvent.TasksAdded;
import igor.domain.JobEvent.TasksQueued;
import igor.domain.Plans.LayerBuilder;
import igor.domain.Plans.TaskBuilder;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class AddingTasksTest {
  private final TaskBuilder a = aTask();
  private final TaskBuilder c = aTask();
  private final LayerBuilder first = aLayer().priority(0).with(a);
  private final LayerBuilder second = aLayer().priority(1).with(c);
  private final LayerBuilder third = aLayer().priority(2);

  private JobScenario aRunningJob() {
    return JobScenario.created(aJob().with(first, second, third));
  }

  @Test
  void tasksCanBeAddedToAPendingLayerWhereTheyWaitUnqueued() {
    JobScenario job = aRunningJob();
    TaskBuilder d = aTask();
    TaskBuilder e = aTask();

    List<JobEvent> events = job.later(1_000).addTasks(d.in(second), e.in(second));

    assertThat(types(events)).containsExactly(TasksAdded.class);
    assertThat(only(events, TasksAdded.class).tasks())
        .extracting(TaskPlan::taskId)
        .containsExactly(d.id(), e.id());
    for (TaskBuilder added : List.of(d, e)) {
      Task task = job.task(added.id());
      assertThat(task.status()).isEqualTo(Status.PENDING);
      assertThat(task.attempts()).isZero();
      assertThat(task.queueTaskId()).isEmpty();
      assertThat(task.layerId()).isEqualTo(second.id());
      assertThat(task.snapshot().createdAt()).isEqualTo(JobScenario.START + 1_000);
    }
    assertThat(job.layer(second.id()).taskIds()).containsExactly(c.id(), d.id(), e.id());
    assertThat(job.layer(second.id()).count(Status.PENDING)).isEqualTo(3);
    assertThat(job.statusOfLayer(second.id())).isEqualTo(Status.PENDING);
    assertThat(job.status()).isEqualTo(Status.RUNNING);
  }

  @Test
  void tasksCanBeAddedToAnEmptyLayerThatHasNotStarted() {
    JobScenario job = aRunningJob();
    TaskBuilder d = aTask();

    job.addTasks(d.in(third));

    assertThat(job.layer(third.id()).taskIds()).containsExactly(d.id());
    assertThat(job.statusOfTask(d.id())).isEqualTo(Status.PENDING);
  }

  @Test
  void oneCallCanAddTasksToSeveralLayersOfTheJob() {
    JobScenario job = aRunningJob();
    TaskBuilder d = aTask();
    TaskBuilder e = aTask();
    TaskBuilder f = aTask();

    List<JobEvent> events = job.addTasks(d.in(second), e.in(third), f.in(second));

    assertThat(types(events)).containsExactly(TasksAdded.class);
    assertThat(job.layer(second.id()).taskIds()).containsExactly(c.id(), d.id(), f.id());
    assertThat(job.layer(third.id()).taskIds()).containsExactly(e.id());
  }

  @Test
  void tasksCanBeAddedToARunningLayerWhileItIsPaused() {
    LayerBuilder paused = aLayer().paused().withTasks(1);
    LayerBuilder later = aLayer().priority(1).withTasks(1);
    JobScenario job = JobScenario.created(aJob().with(paused, later));
    TaskBuilder d = aTask();

    List<JobEvent> events = job.addTasks(d.in(paused));

    assertThat(types(events)).containsExactly(TasksAdded.class);
    assertThat(job.statusOfLayer(paused.id())).isEqualTo(Status.RUNNING);
    assertThat(job.statusOfTask(d.id())).isEqualTo(Status.PENDING);
    assertThat(job.task(d.id()).attempts()).isZero();
    assertThat(job.layer(paused.id()).taskIds()).hasSize(2);
    assertThat(job.job().tasksInFlight()).isEmpty();
  }

  @Test
  void runningLayerThatIsNotPausedRefusesTasksAsConflict() {
    JobScenario job = aRunningJob();

    Rejection rejection = job.addTasksRejected(aTask().in(first));

    assertThat(rejection.kind()).isEqualTo(Rejection.Kind.CONFLICT);
    assertThat(rejection.reason()).contains(first.id()).contains("RUNNING").contains("not paused");
    assertThat(job.layer(first.id()).taskIds()).containsExactly(a.id());
  }

  @Test
  void completedLayerRefusesTasksAsConflict() {
    JobScenario job = aRunningJob();
    job.complete(a.id());
    assertThat(job.statusOfLayer(first.id())).isEqualTo(Status.COMPLETED);

    Rejection rejection = job.addTasksRejected(aTask().in(first));

    assertThat(rejection.kind()).isEqualTo(Rejection.Kind.CONFLICT);
    assertThat(rejection.reason()).contains(first.id()).contains("COMPLETED");
  }

  @Test
  void emptyLayerThatCompletedWhenItsGroupStartedRefusesTasks() {
    LayerBuilder empty = aLayer().priority(0);
    LayerBuilder later = aLayer().priority(1).withTasks(1);
    JobScenario job = JobScenario.created(aJob().with(empty, later));

    Rejection rejection = job.addTasksRejected(aTask().in(empty));

    assertThat(rejection.kind()).isEqualTo(Rejection.Kind.CONFLICT);
  }

  @Test
  void erroredLayerRefusesTasksAsConflict() {
    JobScenario job = aRunningJob();
    job.report(job.failedForGood(a.id(), "boom"));
    assertThat(job.statusOfLayer(first.id())).isEqualTo(Status.ERRORED);

    Rejection rejection = job.addTasksRejected(aTask().in(first));

    assertThat(rejection.kind()).isEqualTo(Rejection.Kind.CONFLICT);
    assertThat(rejection.reason()).contains("ERRORED");
  }

  @Test
  void unknownLayerIsNotFound() {
    JobScenario job = aRunningJob();
    String unknown = Identifiers.newId();

    Rejection rejection = job.addTasksRejected(aTask().in(unknown));

    assertThat(rejection.kind()).isEqualTo(Rejection.Kind.NOT_FOUND);
    assertThat(rejection.reason()).contains(unknown);
  }

  @Test
  void layerOfAnotherJobIsNotFound() {
    JobScenario job = aRunningJob();
    LayerBuilder elsewhere = aLayer();
    JobScenario.created(aJob().with(elsewhere));

    Rejection rejection = job.addTasksRejected(aTask().in(elsewhere));

    assertThat(rejection.kind()).isEqualTo(Rejection.Kind.NOT_FOUND);
  }

  @Test
  void unknownJobIsNotFound() {
    JobScenario job = JobScenario.noJob();

    Rejection rejection = job.addTasksRejected(aTask().in(Identifiers.newId()));

    assertThat(rejection.kind()).isEqualTo(Rejection.Kind.NOT_FOUND);
    assertThat(job.job().exists()).isFalse();
  }

  @Test
  void oneInvalidTaskRefusesTheWholeBatch() {
    JobScenario job = aRunningJob();
    TaskBuilder good = aTask();
    TaskBuilder untyped = aTask().ofType(" ");

    Rejection rejection = job.addTasksRejected(good.in(second), untyped.in(second));

    assertThat(rejection.kind()).isEqualTo(Rejection.Kind.INVALID);
    assertThat(rejection.reason()).contains(untyped.id());
    assertThat(job.job().findTask(good.id())).isNull();
    assertThat(job.layer(second.id()).taskIds()).containsExactly(c.id());
    assertThat(job.job().taskCount()).isEqualTo(2);
  }

  @Test
  void oneTaskForARunningLayerRefusesTheWholeBatch() {
    JobScenario job = aRunningJob();
    TaskBuilder good = aTask();

    Rejection rejection = job.addTasksRejected(good.in(second), aTask().in(first));

    assertThat(rejection.kind()).isEqualTo(Rejection.Kind.CONFLICT);
    assertThat(job.job().findTask(good.id())).isNull();
    assertThat(job.layer(second.id()).taskIds()).containsExactly(c.id());
  }

  @Test
  void oneTaskForAnUnknownLayerRefusesTheWholeBatch() {
    JobScenario job = aRunningJob();
    TaskBuilder good = aTask();

    Rejection rejection = job.addTasksRejected(good.in(second), aTask().in(Identifiers.newId()));

    assertThat(rejection.kind()).isEqualTo(Rejection.Kind.NOT_FOUND);
    assertThat(job.job().findTask(good.id())).isNull();
  }

  @Test
  void taskWithNegativeRetriesIsRejectedAsInvalid() {
    JobScenario job = aRunningJob();

    Rejection rejection = job.addTasksRejected(aTask().retries(-2).in(second));

    assertThat(rejection.kind()).isEqualTo(Rejection.Kind.INVALID);
  }

  @Test
  void taskIdRepeatedInTheBatchIsRejectedAsInvalid() {
    JobScenario job = aRunningJob();
    TaskBuilder d = aTask();

    Rejection rejection = job.addTasksRejected(d.in(second), aTask().withId(d.id()).in(third));

    assertThat(rejection.kind()).isEqualTo(Rejection.Kind.INVALID);
    assertThat(rejection.reason()).contains(d.id());
    assertThat(job.job().findTask(d.id())).isNull();
  }

  @Test
  void taskIdAlreadyInTheJobIsRejectedAsInvalid() {
    JobScenario job = aRunningJob();

    Rejection rejection = job.addTasksRejected(aTask().withId(c.id()).in(second));

    assertThat(rejection.kind()).isEqualTo(Rejection.Kind.INVALID);
    assertThat(rejection.reason()).contains(c.id());
    assertThat(job.layer(second.id()).taskIds()).containsExactly(c.id());
  }

  @Test
  void addingNoTasksIsAcceptedAndChangesNothing() {
    JobScenario job = aRunningJob();
    JobSnapshot before = job.job().snapshot();

    List<JobEvent> events = job.addTasks(List.of());

    assertThat(events).isEmpty();
    assertThat(job.job().snapshot()).usingRecursiveComparison().isEqualTo(before);
  }

  @Test
  void tasksAddedToALaterGroupAreQueuedWhenTheEarlierGroupCompletes() {
    JobScenario job = aRunningJob();
    TaskBuilder d = aTask();
    TaskBuilder e = aTask();
    job.addTasks(d.in(second), e.in(second));

    List<JobEvent> events = job.complete(a.id());

    assertThat(types(events))
        .containsExactly(
            TaskCompleted.class, LayerFinished.class, LayersStarted.class, TasksQueued.class);
    assertThat(only(events, LayersStarted.class).layerIds()).containsExactly(second.id());
    assertThat(only(events, TasksQueued.class).taskIds()).containsExactly(c.id(), d.id(), e.id());
    for (String taskId : List.of(c.id(), d.id(), e.id())) {
      assertThat(job.statusOfTask(taskId)).isEqualTo(Status.QUEUED);
      assertThat(job.task(taskId).attempts()).isEqualTo(1);
    }
  }

  @Test
  void taskOfAnEarlierLayerCanExpandALaterOneWhileItRuns() {
    JobScenario job = aRunningJob();
    job.start(a.id());
    TaskBuilder spawned = aTask().ofType("child");

    job.addTasks(spawned.in(third));
    List<JobEvent> afterFirst = job.complete(a.id());
    List<JobEvent> afterSecond = job.complete(c.id());

    assertThat(only(afterFirst, LayersStarted.class).layerIds()).containsExactly(second.id());
    assertThat(only(afterSecond, LayersStarted.class).layerIds()).containsExactly(third.id());
    assertThat(only(afterSecond, TasksQueued.class).taskIds()).containsExactly(spawned.id());
    assertThat(job.statusOfLayer(third.id())).isEqualTo(Status.RUNNING);
    assertThat(job.status()).isEqualTo(Status.RUNNING);
  }

  @Test
  void anyNumberOfTasksCanBeAddedInOneCallSplitIntoSeveralEvents() {
    JobScenario job = aRunningJob();
    List<TaskPlan> many = new ArrayList<>();
    for (TaskBuilder task : tasks(2_300)) {
      many.add(task.in(many.size() % 2 == 0 ? second : third));
    }

    List<JobEvent> events = job.addTasks(many);

    assertThat(types(events)).containsExactly(TasksAdded.class, TasksAdded.class, TasksAdded.class);
    assertThat(all(events, TasksAdded.class))
        .extracting(e -> e.tasks().size())
        .containsExactly(1000, 1000, 300);
    assertThat(job.job().taskCount()).isEqualTo(2 + 2_300);
    assertThat(job.layer(second.id()).count(Status.PENDING)).isEqualTo(1 + 1_150);
    assertThat(job.layer(third.id()).count(Status.PENDING)).isEqualTo(1_150);

    List<JobEvent> started = job.complete(a.id());

    assertThat(all(started, TasksQueued.class))
        .extracting(e -> e.taskIds().size())
        .containsExactly(1000, 151);
    assertThat(job.layer(second.id()).count(Status.QUEUED)).isEqualTo(1_151);
  }
}
