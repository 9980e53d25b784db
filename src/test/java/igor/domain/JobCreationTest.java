package igor.domain;

import static igor.domain.Events.all;
import static igor.domain.Events.only;
import static igor.domain.Events.types;
import static igor.domain.Plans.aJob;
import static igor.domain.Plans.aLayer;
import static igor.domain.Plans.aTask;
import static org.assertj.core.api.Assertions.assertThat;

import igor.domain.JobEvent.JobCreated;
import igor.domain.JobEvent.JobStatusChanged;
import igor.domain.JobEvent.LayerFinished;
import igor.domain.JobEvent.LayersStarted;
import igor.domain.JobEvent.TasksAdded;
import igor.domain.JobEvent.TasksQueued;
import igor.domain.Plans.LayerBuilder;
import igor.domain.Plans.TaskBuilder;
import java.util.List;
import org.junit.jupiter.api.Test;

class JobCreationTest {

  @Test
  void createdJobRunsAndQueuesTheTasksOfItsLowestGroup() {
    TaskBuilder a = aTask();
    TaskBuilder b = aTask();
    TaskBuilder c = aTask();
    LayerBuilder first = aLayer().priority(0).with(a, b);
    LayerBuilder second = aLayer().priority(1).with(c);
    JobScenario job = JobScenario.noJob();

    List<JobEvent> events = job.create(aJob().with(first, second).build());

    assertThat(types(events))
        .containsExactly(
            JobCreated.class, TasksAdded.class, LayersStarted.class, TasksQueued.class);
    assertThat(only(events, LayersStarted.class).layerIds()).containsExactly(first.id());
    assertThat(only(events, TasksQueued.class).taskIds()).containsExactly(a.id(), b.id());
    assertThat(job.status()).isEqualTo(Status.RUNNING);
    assertThat(job.statusOfLayer(first.id())).isEqualTo(Status.RUNNING);
    for (String queued : List.of(a.id(), b.id())) {
      Task task = job.task(queued);
      assertThat(task.status()).isEqualTo(Status.QUEUED);
      assertThat(task.attempts()).isEqualTo(1);
      assertThat(task.queueTaskId()).isNotEmpty().isEqualTo(Identifiers.deliveryId(queued, 1));
    }
  }

  @Test
  void higherGroupsStayPendingWithPendingTasks() {
    TaskBuilder c = aTask();
    TaskBuilder d = aTask();
    LayerBuilder first = aLayer().priority(0).withTasks(2);
    LayerBuilder second = aLayer().priority(1).with(c);
    LayerBuilder third = aLayer().priority(2).with(d);

    JobScenario job = JobScenario.created(aJob().with(first, second, third));

    for (LayerBuilder later : List.of(second, third)) {
      assertThat(job.statusOfLayer(later.id())).isEqualTo(Status.PENDING);
    }
    for (String pending : List.of(c.id(), d.id())) {
      Task task = job.task(pending);
      assertThat(task.status()).isEqualTo(Status.PENDING);
      assertThat(task.attempts()).isZero();
      assertThat(task.queueTaskId()).isEmpty();
    }
    assertThat(job.job().tasksInFlight())
        .extracting(Task::id)
        .containsExactlyInAnyOrderElementsOf(first.taskIds());
  }

  @Test
  void wholePlanIsVisibleFromCreation() {
    LayerBuilder first = aLayer().named("extract").priority(0).withTasks(2);
    LayerBuilder second = aLayer().named("load").priority(1).withTasks(3);
    LayerBuilder empty = aLayer().named("nothing").priority(2);
    Plans.JobBuilder plan = aJob().named("nightly").with(first, second, empty);

    JobScenario job = JobScenario.created(plan);

    JobSnapshot snapshot = job.job().snapshot();
    assertThat(job.jobId()).isEqualTo(plan.id());
    assertThat(snapshot.name()).isEqualTo("nightly");
    assertThat(snapshot.createdAt()).isEqualTo(JobScenario.START);
    assertThat(snapshot.layers())
        .extracting(LayerSnapshot::id)
        .containsExactly(first.id(), second.id(), empty.id());
    assertThat(snapshot.layers())
        .extracting(LayerSnapshot::name)
        .containsExactly("extract", "load", "nothing");
    assertThat(job.layer(first.id()).taskIds()).containsExactlyElementsOf(first.taskIds());
    assertThat(job.layer(second.id()).taskIds()).containsExactlyElementsOf(second.taskIds());
    assertThat(job.job().taskCount()).isEqualTo(5);
    assertThat(snapshot.tasks()).allSatisfy(t -> assertThat(t.jobId()).isEqualTo(plan.id()));
  }

  @Test
  void taskKeepsTheTypeArgsNameAndRetriesOfItsPlan() {
    byte[] args = {1, 2, 3, 0, -1};
    TaskBuilder task = aTask().ofType("resize").named("thumbnail").withArgs(args).retries(4);
    LayerBuilder layer = aLayer().with(task);

    JobScenario job = JobScenario.created(aJob().with(layer));

    TaskSnapshot snapshot = job.task(task.id()).snapshot();
    assertThat(snapshot.type()).isEqualTo("resize");
    assertThat(snapshot.name()).isEqualTo("thumbnail");
    assertThat(snapshot.args()).containsExactly(1, 2, 3, 0, -1);
    assertThat(snapshot.retries()).isEqualTo(4);
    assertThat(snapshot.layerId()).isEqualTo(layer.id());
    assertThat(snapshot.message()).isEmpty();
  }

  @Test
  void jobWithNoLayersCompletesAtOnce() {
    JobScenario job = JobScenario.noJob();

    List<JobEvent> events = job.create(aJob().build());

    assertThat(types(events)).containsExactly(JobCreated.class, JobStatusChanged.class);
    assertThat(only(events, JobStatusChanged.class).status()).isEqualTo(Status.COMPLETED);
    assertThat(job.status()).isEqualTo(Status.COMPLETED);
    assertThat(job.job().exists()).isTrue();
  }

  @Test
  void jobWithOnlyEmptyLayersCompletesAtOnce() {
    LayerBuilder first = aLayer().priority(0);
    LayerBuilder second = aLayer().priority(1);
    LayerBuilder third = aLayer().priority(2);
    JobScenario job = JobScenario.noJob();

    List<JobEvent> events = job.create(aJob().with(first, second, third).build());

    assertThat(types(events))
        .containsExactly(
            JobCreated.class,
            LayersStarted.class,
            LayerFinished.class,
            LayersStarted.class,
            LayerFinished.class,
            LayersStarted.class,
            LayerFinished.class,
            JobStatusChanged.class);
    assertThat(all(events, LayerFinished.class))
        .extracting(LayerFinished::layerId)
        .containsExactly(first.id(), second.id(), third.id());
    assertThat(all(events, LayerFinished.class))
        .extracting(LayerFinished::status)
        .containsOnly(Status.COMPLETED);
    assertThat(job.status()).isEqualTo(Status.COMPLETED);
    assertThat(job.job().layers()).extracting(Layer::status).containsOnly(Status.COMPLETED);
  }

  @Test
  void emptyLayerCompletesAtOnceWhenItsGroupStartsAndTheNextGroupStartsInTheSameDecision() {
    LayerBuilder empty = aLayer().priority(0);
    LayerBuilder next = aLayer().priority(1).withTasks(2);
    LayerBuilder last = aLayer().priority(2).withTasks(1);
    JobScenario job = JobScenario.noJob();

    List<JobEvent> events = job.create(aJob().with(empty, next, last).build());

    assertThat(types(events))
        .containsExactly(
            JobCreated.class,
            TasksAdded.class,
            LayersStarted.class,
            LayerFinished.class,
            LayersStarted.class,
            TasksQueued.class);
    assertThat(all(events, LayersStarted.class))
        .extracting(LayersStarted::layerIds)
        .containsExactly(List.of(empty.id()), List.of(next.id()));
    assertThat(only(events, LayerFinished.class).layerId()).isEqualTo(empty.id());
    assertThat(only(events, LayerFinished.class).status()).isEqualTo(Status.COMPLETED);
    assertThat(only(events, TasksQueued.class).taskIds()).containsExactlyElementsOf(next.taskIds());
    assertThat(job.statusOfLayer(empty.id())).isEqualTo(Status.COMPLETED);
    assertThat(job.statusOfLayer(next.id())).isEqualTo(Status.RUNNING);
    assertThat(job.statusOfLayer(last.id())).isEqualTo(Status.PENDING);
    assertThat(job.status()).isEqualTo(Status.RUNNING);
  }

  @Test
  void emptyLayerBesideABusyOneInItsGroupCompletesWhileTheOtherRuns() {
    LayerBuilder empty = aLayer().priority(0);
    LayerBuilder busy = aLayer().priority(0).withTasks(1);
    LayerBuilder later = aLayer().priority(1).withTasks(1);

    JobScenario job = JobScenario.created(aJob().with(empty, busy, later));

    assertThat(job.statusOfLayer(empty.id())).isEqualTo(Status.COMPLETED);
    assertThat(job.statusOfLayer(busy.id())).isEqualTo(Status.RUNNING);
    assertThat(job.statusOfLayer(later.id())).isEqualTo(Status.PENDING);
    assertThat(job.status()).isEqualTo(Status.RUNNING);
  }

  @Test
  void layersOfEqualPriorityRunTogether() {
    LayerBuilder left = aLayer().priority(5).withTasks(1);
    LayerBuilder right = aLayer().priority(5).withTasks(2);
    LayerBuilder after = aLayer().priority(7).withTasks(1);
    JobScenario job = JobScenario.noJob();

    List<JobEvent> events = job.create(aJob().with(left, after, right).build());

    assertThat(only(events, LayersStarted.class).layerIds()).containsExactly(left.id(), right.id());
    assertThat(all(events, TasksQueued.class))
        .flatExtracting(TasksQueued::taskIds)
        .containsExactlyInAnyOrderElementsOf(concat(left.taskIds(), right.taskIds()));
    assertThat(job.statusOfLayer(left.id())).isEqualTo(Status.RUNNING);
    assertThat(job.statusOfLayer(right.id())).isEqualTo(Status.RUNNING);
    assertThat(job.statusOfLayer(after.id())).isEqualTo(Status.PENDING);
  }

  @Test
  void negativePrioritiesRunFirst() {
    LayerBuilder zero = aLayer().priority(0).withTasks(1);
    LayerBuilder negative = aLayer().priority(-3).withTasks(1);
    LayerBuilder veryNegative = aLayer().priority(Integer.MIN_VALUE).withTasks(1);
    JobScenario job = JobScenario.noJob();

    List<JobEvent> events = job.create(aJob().with(zero, negative, veryNegative).build());

    assertThat(only(events, LayersStarted.class).layerIds()).containsExactly(veryNegative.id());
    assertThat(job.statusOfLayer(veryNegative.id())).isEqualTo(Status.RUNNING);
    assertThat(job.statusOfLayer(negative.id())).isEqualTo(Status.PENDING);
    assertThat(job.statusOfLayer(zero.id())).isEqualTo(Status.PENDING);

    List<JobEvent> next = job.completeLayer(veryNegative.id());

    assertThat(only(next, LayersStarted.class).layerIds()).containsExactly(negative.id());
  }

  @Test
  void repeatedLayerIdIsRejectedAsInvalid() {
    LayerBuilder layer = aLayer().priority(0);
    LayerBuilder twin = aLayer().priority(1).withId(layer.id());
    JobScenario job = JobScenario.noJob();

    Rejection rejection = job.createRejected(aJob().with(layer, twin).build());

    assertThat(rejection.kind()).isEqualTo(Rejection.Kind.INVALID);
    assertThat(rejection.reason()).contains(layer.id());
    assertThat(job.job().exists()).isFalse();
  }

  @Test
  void taskWithABlankTypeIsRejectedAsInvalid() {
    for (String blank : new String[] {null, "", "   "}) {
      TaskBuilder untyped = aTask().ofType(blank);
      JobScenario job = JobScenario.noJob();

      Rejection rejection =
          job.createRejected(aJob().with(aLayer().with(aTask(), untyped)).build());

      assertThat(rejection.kind()).as("type %s", blank).isEqualTo(Rejection.Kind.INVALID);
      assertThat(rejection.reason()).contains(untyped.id()).contains("type");
      assertThat(job.job().exists()).isFalse();
    }
  }

  @Test
  void taskWithNegativeRetriesIsRejectedAsInvalid() {
    TaskBuilder task = aTask().retries(-1);
    JobScenario job = JobScenario.noJob();

    Rejection rejection = job.createRejected(aJob().with(aLayer().with(task)).build());

    assertThat(rejection.kind()).isEqualTo(Rejection.Kind.INVALID);
    assertThat(rejection.reason()).contains(task.id());
  }

  @Test
  void taskNamingALayerOutsideThePlanIsRejectedAsInvalid() {
    TaskBuilder stray = aTask();
    LayerBuilder layer = aLayer().withTasks(1);
    JobPlan declared = aJob().with(layer).build();
    String unknownLayer = Identifiers.newId();
    JobPlan plan =
        new JobPlan(
            declared.jobId(),
            declared.name(),
            declared.pausedAtMillis(),
            declared.layers(),
            concat(declared.tasks(), List.of(stray.in(unknownLayer))));
    JobScenario job = JobScenario.noJob();

    Rejection rejection = job.createRejected(plan);

    assertThat(rejection.kind()).isEqualTo(Rejection.Kind.INVALID);
    assertThat(rejection.reason()).contains(unknownLayer);
    assertThat(job.job().exists()).isFalse();
  }

  @Test
  void repeatedTaskIdInAPlanIsRejectedAsInvalid() {
    TaskBuilder task = aTask();
    TaskBuilder twin = aTask().withId(task.id());
    JobScenario job = JobScenario.noJob();

    Rejection rejection =
        job.createRejected(aJob().with(aLayer().with(task), aLayer().with(twin)).build());

    assertThat(rejection.kind()).isEqualTo(Rejection.Kind.INVALID);
    assertThat(rejection.reason()).contains(task.id());
  }

  @Test
  void creatingAJobThatExistsIsRejectedAsConflictAndChangesNothing() {
    JobPlan plan = aJob().with(aLayer().withTasks(2), aLayer().priority(1).withTasks(1)).build();
    JobScenario job = JobScenario.created(plan);
    JobSnapshot before = job.job().snapshot();

    Rejection again = job.later(5_000).createRejected(plan);
    Rejection other = job.createRejected(aJob().with(aLayer()).build());

    assertThat(again.kind()).isEqualTo(Rejection.Kind.CONFLICT);
    assertThat(again.reason()).contains(plan.jobId());
    assertThat(other.kind()).isEqualTo(Rejection.Kind.CONFLICT);
    assertThat(job.job().snapshot()).usingRecursiveComparison().isEqualTo(before);
  }

  @Test
  void tasksCreatedPausedAreNotQueued() {
    TaskBuilder paused = aTask().paused();
    TaskBuilder free = aTask();
    LayerBuilder layer = aLayer().with(paused, free);
    JobScenario job = JobScenario.noJob();

    List<JobEvent> events = job.create(aJob().with(layer).build());

    assertThat(only(events, TasksQueued.class).taskIds()).containsExactly(free.id());
    Task pausedTask = job.task(paused.id());
    assertThat(pausedTask.status()).isEqualTo(Status.PENDING);
    assertThat(pausedTask.attempts()).isZero();
    assertThat(pausedTask.queueTaskId()).isEmpty();
    assertThat(pausedTask.snapshot().pausedAtMillis()).isNotZero();
    assertThat(job.statusOfTask(free.id())).isEqualTo(Status.QUEUED);
    assertThat(job.statusOfLayer(layer.id())).isEqualTo(Status.RUNNING);
  }

  @Test
  void layerWhoseTasksAreAllPausedStartsAndWaits() {
    LayerBuilder layer = aLayer().with(aTask().paused(), aTask().paused());
    LayerBuilder later = aLayer().priority(1).withTasks(1);
    JobScenario job = JobScenario.noJob();

    List<JobEvent> events = job.create(aJob().with(layer, later).build());

    assertThat(types(events))
        .containsExactly(JobCreated.class, TasksAdded.class, LayersStarted.class);
    assertThat(job.statusOfLayer(layer.id())).isEqualTo(Status.RUNNING);
    assertThat(job.statusOfLayer(later.id())).isEqualTo(Status.PENDING);
    assertThat(job.status()).isEqualTo(Status.RUNNING);
  }

  @Test
  void pausedLayerStartsButQueuesNoneOfItsTasks() {
    LayerBuilder paused = aLayer().paused().withTasks(2);
    LayerBuilder sibling = aLayer().withTasks(1);
    JobScenario job = JobScenario.noJob();

    List<JobEvent> events = job.create(aJob().with(paused, sibling).build());

    assertThat(types(events))
        .containsExactly(
            JobCreated.class, TasksAdded.class, LayersStarted.class, TasksQueued.class);
    assertThat(only(events, LayersStarted.class).layerIds())
        .containsExactly(paused.id(), sibling.id());
    assertThat(only(events, TasksQueued.class).taskIds())
        .containsExactlyElementsOf(sibling.taskIds());
    assertThat(job.statusOfLayer(paused.id())).isEqualTo(Status.RUNNING);
    assertThat(job.layer(paused.id()).isPaused()).isTrue();
    for (String taskId : paused.taskIds()) {
      assertThat(job.statusOfTask(taskId)).isEqualTo(Status.PENDING);
      assertThat(job.task(taskId).attempts()).isZero();
    }
  }

  @Test
  void pausedEmptyLayerStillCompletesWhenItsGroupStarts() {
    LayerBuilder pausedEmpty = aLayer().priority(0).paused();
    LayerBuilder next = aLayer().priority(1).withTasks(1);
    JobScenario job = JobScenario.created(aJob().with(pausedEmpty, next));

    assertThat(job.statusOfLayer(pausedEmpty.id())).isEqualTo(Status.COMPLETED);
    assertThat(job.statusOfLayer(next.id())).isEqualTo(Status.RUNNING);
    assertThat(job.addTasksRejected(aTask().in(pausedEmpty)).kind())
        .isEqualTo(Rejection.Kind.CONFLICT);
  }

  @Test
  void pausedJobWithoutTasksStillCompletesAtOnce() {
    JobScenario job = JobScenario.created(aJob().paused().with(aLayer(), aLayer().priority(1)));

    assertThat(job.status()).isEqualTo(Status.COMPLETED);
  }

  @Test
  void pausedJobStartsItsFirstGroupButQueuesNothing() {
    LayerBuilder first = aLayer().priority(0).withTasks(2);
    LayerBuilder second = aLayer().priority(1).withTasks(1);
    JobScenario job = JobScenario.noJob();

    List<JobEvent> events = job.create(aJob().paused().with(first, second).build());

    assertThat(types(events))
        .containsExactly(JobCreated.class, TasksAdded.class, LayersStarted.class);
    assertThat(job.status()).isEqualTo(Status.RUNNING);
    assertThat(job.job().snapshot().pausedAtMillis()).isEqualTo(Plans.PAUSED_AT);
    assertThat(job.statusOfLayer(first.id())).isEqualTo(Status.RUNNING);
    assertThat(job.statusOfLayer(second.id())).isEqualTo(Status.PENDING);
    assertThat(job.job().tasksInFlight()).isEmpty();
    assertThat(job.job().snapshot().tasks()).extracting(TaskSnapshot::attempts).containsOnly(0);
  }

  @Test
  void moreThanAThousandTasksAreSplitIntoSeveralEventsAndAllAreApplied() {
    int count = 2 * JobDecider.TASKS_PER_EVENT + 500;
    LayerBuilder big = aLayer().withTasks(count);
    JobScenario job = JobScenario.noJob();

    List<JobEvent> events = job.create(aJob().with(big).build());

    assertThat(types(events))
        .containsExactly(
            JobCreated.class,
            TasksAdded.class,
            TasksAdded.class,
            TasksAdded.class,
            LayersStarted.class,
            TasksQueued.class,
            TasksQueued.class,
            TasksQueued.class);
    assertThat(all(events, TasksAdded.class))
        .extracting(e -> e.tasks().size())
        .containsExactly(1000, 1000, 500);
    assertThat(all(events, TasksQueued.class))
        .extracting(e -> e.taskIds().size())
        .containsExactly(1000, 1000, 500);
    assertThat(all(events, TasksAdded.class))
        .flatExtracting(TasksAdded::tasks)
        .extracting(TaskPlan::taskId)
        .containsExactlyElementsOf(big.taskIds());
    assertThat(all(events, TasksQueued.class))
        .flatExtracting(TasksQueued::taskIds)
        .containsExactlyElementsOf(big.taskIds());
    assertThat(job.job().taskCount()).isEqualTo(count);
    assertThat(job.layer(big.id()).taskIds()).hasSize(count);
    assertThat(job.layer(big.id()).count(Status.QUEUED)).isEqualTo(count);
    assertThat(job.job().tasksInFlight()).hasSize(count);
    assertThat(job.job().snapshot().tasks()).extracting(TaskSnapshot::attempts).containsOnly(1);
  }

  @Test
  void exactlyAThousandTasksFitInOneEventOfEachKind() {
    LayerBuilder layer = aLayer().withTasks(JobDecider.TASKS_PER_EVENT);
    JobScenario job = JobScenario.noJob();

    List<JobEvent> events = job.create(aJob().with(layer).build());

    assertThat(types(events))
        .containsExactly(
            JobCreated.class, TasksAdded.class, LayersStarted.class, TasksQueued.class);
    assertThat(job.layer(layer.id()).count(Status.QUEUED)).isEqualTo(JobDecider.TASKS_PER_EVENT);
  }

  @Test
  void tasksOfSeveralLayersShareTheSplitEventsAndOnlyTheFirstGroupIsQueued() {
    LayerBuilder first = aLayer().priority(0).withTasks(1500);
    LayerBuilder second = aLayer().priority(1).withTasks(700);
    JobScenario job = JobScenario.noJob();

    List<JobEvent> events = job.create(aJob().with(first, second).build());

    assertThat(all(events, TasksAdded.class))
        .extracting(e -> e.tasks().size())
        .containsExactly(1000, 1000, 200);
    assertThat(all(events, TasksQueued.class))
        .extracting(e -> e.taskIds().size())
        .containsExactly(1000, 500);
    assertThat(job.layer(first.id()).count(Status.QUEUED)).isEqualTo(1500);
    assertThat(job.layer(second.id()).count(Status.PENDING)).isEqualTo(700);
    assertThat(job.job().taskCount()).isEqualTo(2200);
  }

  private static <T> List<T> concat(List<T> first, List<T> second) {
    List<T> both = new java.util.ArrayList<>(first);
    both.addAll(second);
    return both;
  }
}
