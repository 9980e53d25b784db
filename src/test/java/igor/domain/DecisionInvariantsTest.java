package igor.domain;

import static org.assertj.core.api.Assertions.assertThat;

import igor.domain.JobEvent.TaskCompleted;
import igor.domain.JobEvent.TaskFailed;
import igor.domain.JobEvent.TaskKilled;
import igor.domain.JobEvent.TaskSkipped;
import igor.domain.JobEvent.TaskTimedOut;
import igor.domain.JobEvent.TaskWithdrawn;
import igor.domain.JobEvent.TasksKilled;
import igor.domain.JobEvent.TasksQueued;
import igor.domain.JobEvent.TasksWithdrawn;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The decider against the invariants of SEMANTICS.md, for random jobs under random sequences of
 * worker reports, people's actions, added tasks and the passing of time (jqwik shrinks a failing
 * sequence to a short one). After every step:
 *
 * <ul>
 *   <li>a layer has started only when every layer of a lower priority is COMPLETED or SKIPPED;
 *   <li>a task in flight (QUEUED, RUNNING) belongs to a RUNNING layer;
 *   <li>nothing paused (the task, its layer or its job) was queued by the step;
 *   <li>every change of status is one that {@link AllowedStatusChanges} allows (JobEvolution checks
 *       each as the step's events are applied, and fails the step on a refused one);
 *   <li>every attempt ends at most once (completed, failed, timed out, skipped, killed or
 *       withdrawn), and {@link Transitions} says so of exactly the events that end one;
 *   <li>the counts by status of the job and of each layer add up and match their tasks;
 *   <li>the job is COMPLETED exactly when every layer is COMPLETED or SKIPPED and it was not
 *       skipped itself;
 *   <li>replaying the whole history from nothing gives the same job.
 * </ul>
 */
class DecisionInvariantsTest {
  private static final int[] PRIORITIES = {0, 0, 1, 2};

  /** One step of a scenario; {@code target} and {@code extra} pick among what exists then. */
  record Step(Op op, int target, int extra) {}

  enum Op {
    START,
    COMPLETE,
    FAIL,
    FAIL_FOR_GOOD,
    SKIP_BY_HANDLER,
    RELEASE,
    LATE_COMPLETION_OF_AN_EARLIER_ATTEMPT,
    TIME_PASSES,
    PAUSE,
    UNPAUSE,
    SKIP,
    KILL,
    RETRY,
    ADD_TASKS
  }

  /** The shape of a job: per layer a priority index and its tasks' retries and time-outs. */
  record Shape(List<List<Integer>> layers, int pausedMask) {}

  @Property(tries = 300)
  void everyStepKeepsTheInvariants(
      @ForAll("shapes") Shape shape, @ForAll("scenarios") List<Step> steps) {
    JobScenario job = JobScenario.created(plan(shape));
    Map<String, Integer> endsOfAttempts = new HashMap<>();
    checkInvariants(job, job.lastEvents(), endsOfAttempts);

    for (Step step : steps) {
      List<JobEvent> events = take(job, step);
      checkInvariants(job, events, endsOfAttempts);
    }
    assertThat(Snapshots.contentOf(replayed(job.history()).snapshot()))
        .as("the job replayed from its history")
        .isEqualTo(Snapshots.contentOf(job.job().snapshot()));
  }

  @Provide
  Arbitrary<Shape> shapes() {
    Arbitrary<Integer> task = Arbitraries.integers().between(0, 8); // retries 0-2 × time-out 0-2 s
    Arbitrary<List<Integer>> layer =
        Combinators.combine(
                Arbitraries.integers().between(0, PRIORITIES.length - 1), task.list().ofMaxSize(3))
            .as(
                (priority, tasks) -> {
                  List<Integer> l = new ArrayList<>();
                  l.add(priority);
                  l.addAll(tasks);
                  return l;
                });
    return Combinators.combine(
            layer.list().ofMinSize(1).ofMaxSize(4), Arbitraries.integers().between(0, 31))
        .as(Shape::new);
  }

  @Provide
  Arbitrary<List<Step>> scenarios() {
    Arbitrary<Step> step =
        Combinators.combine(
                Arbitraries.of(Op.class),
                Arbitraries.integers().between(0, 99),
                Arbitraries.integers().between(0, 99))
            .as(Step::new);
    return step.list().ofMaxSize(40);
  }

  // ---- the plan and the steps ----

  private static JobPlan plan(Shape shape) {
    Plans.JobBuilder job = Plans.aJob();
    if ((shape.pausedMask() & 1) != 0 && (shape.pausedMask() & 2) != 0) {
      job.paused();
    }
    List<TaskPlan> tasks = new ArrayList<>();
    List<LayerPlan> layers = new ArrayList<>();
    for (int i = 0; i < shape.layers().size(); i++) {
      List<Integer> layer = shape.layers().get(i);
      Plans.LayerBuilder builder = Plans.aLayer().priority(PRIORITIES[layer.get(0)]);
      if ((shape.pausedMask() >> 2 & 7) == i + 1) {
        builder.paused();
      }
      LayerPlan layerPlan = builder.build();
      layers.add(layerPlan);
      for (int j = 1; j < layer.size(); j++) {
        int code = layer.get(j);
        boolean paused = (shape.pausedMask() & 16) != 0 && j == 1;
        tasks.add(taskIn(layerPlan.layerId(), code, paused));
      }
    }
    JobPlan built = job.build();
    return new JobPlan(built.jobId(), "", built.pausedAtMillis(), layers, tasks);
  }

  private static TaskPlan taskIn(String layerId, int code, boolean paused) {
    return new TaskPlan(
        Identifiers.newId(),
        layerId,
        "echo",
        "",
        new byte[0],
        paused ? Plans.PAUSED_AT : 0,
        code % 3,
        code / 3);
  }

  private static List<JobEvent> take(JobScenario job, Step step) {
    List<Task> inFlight = job.job().tasksInFlight();
    Task flying = inFlight.isEmpty() ? null : inFlight.get(step.target() % inFlight.size());
    switch (step.op()) {
      case START:
        return flying == null ? List.of() : job.report(job.started(flying.id()));
      case COMPLETE:
        return flying == null ? List.of() : job.report(job.completed(flying.id()));
      case FAIL:
        return flying == null ? List.of() : job.report(job.failed(flying.id(), "failed"));
      case FAIL_FOR_GOOD:
        return flying == null ? List.of() : job.report(job.failedForGood(flying.id(), "broken"));
      case SKIP_BY_HANDLER:
        return flying == null ? List.of() : job.report(job.skipped(flying.id(), "not needed"));
      case RELEASE:
        return flying == null
            ? List.of()
            : job.report(
                job.reportOf(
                    WorkerReport.Kind.RELEASED,
                    flying.id(),
                    flying.attempts(),
                    "stopping",
                    null,
                    true));
      case LATE_COMPLETION_OF_AN_EARLIER_ATTEMPT:
        {
          List<Task> retried = allTasks(job).stream().filter(t -> t.attempts() > 1).toList();
          if (retried.isEmpty()) {
            return List.of();
          }
          Task t = retried.get(step.target() % retried.size());
          return job.report(
              job.reportOf(
                  WorkerReport.Kind.COMPLETED, t.id(), t.attempts() - 1, "late", null, true));
        }
      case TIME_PASSES:
        job.later(step.extra() * 700L);
        return job.wake();
      case PAUSE:
        return act(job, Action.PAUSE, step);
      case UNPAUSE:
        return act(job, Action.UNPAUSE, step);
      case SKIP:
        return act(job, Action.SKIP, step);
      case KILL:
        return act(job, Action.KILL, step);
      case RETRY:
        return act(job, Action.RETRY, step);
      case ADD_TASKS:
        {
          List<Layer> layers = new ArrayList<>(job.job().layers());
          Layer layer = layers.get(step.target() % layers.size());
          return job.appliedIfAccepted(
              job.decideAddTasks(List.of(taskIn(layer.id(), step.extra() % 9, step.extra() > 80))));
        }
      default:
        throw new AssertionError(step.op());
    }
  }

  private static List<JobEvent> act(JobScenario job, Action action, Step step) {
    List<ObjectRef> objects = new ArrayList<>();
    objects.add(new ObjectRef(ObjectKind.JOB, job.jobId(), ""));
    for (Layer layer : job.job().layers()) {
      objects.add(new ObjectRef(ObjectKind.LAYER, layer.id(), ""));
    }
    for (Task task : allTasks(job)) {
      objects.add(new ObjectRef(ObjectKind.TASK, task.id(), ""));
    }
    ObjectRef target = objects.get(step.target() % objects.size());
    job.act(action, target);
    return job.lastEvents();
  }

  private static List<Task> allTasks(JobScenario job) {
    List<Task> tasks = new ArrayList<>();
    for (Layer layer : job.job().layers()) {
      for (String id : layer.taskIds()) {
        tasks.add(job.task(id));
      }
    }
    return tasks;
  }

  private static Job replayed(List<JobEvent> history) {
    Job job = Job.empty();
    for (JobEvent event : history) {
      job = job.apply(event);
    }
    return job;
  }

  // ---- the invariants ----

  private static void checkInvariants(
      JobScenario scenario, List<JobEvent> events, Map<String, Integer> endsOfAttempts) {
    Job job = scenario.job();
    String history = "after " + events;

    for (Layer layer : job.layers()) {
      if (layer.status() != Status.PENDING && layer.status() != Status.SKIPPED) {
        for (Layer lower : job.layers()) {
          if (lower.priority() < layer.priority()) {
            assertThat(lower.status())
                .as(
                    "%s: layer of priority %d is %s while one of priority %d is %s",
                    history, lower.priority(), lower.status(), layer.priority(), layer.status())
                .isIn(Status.COMPLETED, Status.SKIPPED);
          }
        }
      }
    }

    for (Layer layer : job.layers()) {
      int total = 0;
      for (Status status : Status.values()) {
        long actual =
            layer.taskIds().stream().filter(id -> job.findTask(id).status() == status).count();
        assertThat((long) layer.count(status))
            .as("%s: count of %s in layer %s", history, status, layer.id())
            .isEqualTo(actual);
        total += layer.count(status);
      }
      assertThat(total).isEqualTo(layer.taskIds().size());
      for (String id : layer.taskIds()) {
        Status status = job.findTask(id).status();
        if (status == Status.QUEUED || status == Status.RUNNING) {
          assertThat(layer.status())
              .as("%s: layer of a task that is %s", history, status)
              .isEqualTo(Status.RUNNING);
        }
      }
    }
    int total = 0;
    for (Status status : Status.values()) {
      total += job.count(status);
    }
    assertThat(total).as("%s: the job's counts add up", history).isEqualTo(job.taskCount());

    for (JobEvent event : events) {
      if (event instanceof TasksQueued queued) {
        for (String id : queued.taskIds()) {
          Task task = job.findTask(id);
          Layer layer = job.findLayer(task.layerId());
          assertThat(task.pausedAtMillis()).as("%s: a paused task was queued", history).isZero();
          assertThat(layer.isPaused())
              .as("%s: a task of a paused layer was queued", history)
              .isFalse();
          assertThat(job.header().pausedAtMillis)
              .as("%s: a task of a paused job was queued", history)
              .isZero();
        }
      }
      List<String> ended = endsOfAttempts(event);
      assertThat(
              Transitions.of(event).tasks().stream()
                  .filter(TaskTransition::endsAttempt)
                  .map(t -> t.taskId() + "/" + t.attempt())
                  .toList())
          .as("%s: the attempts that %s ends", history, event)
          .isEqualTo(ended);
      for (String attempt : ended) {
        int ends = endsOfAttempts.merge(attempt, 1, Integer::sum);
        assertThat(ends).as("%s: attempt %s ended more than once", history, attempt).isEqualTo(1);
      }
    }

    boolean allDone =
        job.layers().stream()
            .allMatch(l -> l.status() == Status.COMPLETED || l.status() == Status.SKIPPED);
    if (job.status() == Status.COMPLETED) {
      assertThat(allDone).as("%s: a COMPLETED job has every layer done", history).isTrue();
    }
    if (allDone && job.status() != Status.SKIPPED) {
      assertThat(job.status()).as("%s: every layer done", history).isEqualTo(Status.COMPLETED);
    }
  }

  /** "taskId/attempt" of each attempt the event ends, in its order. */
  private static List<String> endsOfAttempts(JobEvent event) {
    if (event instanceof TasksKilled e) {
      return e.attempts().stream().map(a -> a.taskId() + "/" + a.attempt()).toList();
    }
    if (event instanceof TasksWithdrawn e) {
      return e.attempts().stream().map(a -> a.taskId() + "/" + a.attempt()).toList();
    }
    if (event instanceof JobEvent.TasksSkipped e) {
      return e.inFlight().stream().map(a -> a.taskId() + "/" + a.attempt()).toList();
    }
    if (event instanceof JobEvent.AttemptsReported e) {
      // every outcome a worker reports ends its attempt; a start alone ends nothing
      return e.attempts().stream()
          .filter(a -> a.outcome() != null)
          .map(a -> a.taskId() + "/" + a.attempt())
          .toList();
    }
    String ended = endOfAttempt(event);
    return ended == null ? List.of() : List.of(ended);
  }

  /** "taskId/attempt" of the attempt an event about one task ends, or null. */
  private static String endOfAttempt(JobEvent event) {
    if (event instanceof TaskCompleted e) {
      return e.taskId() + "/" + e.attempt();
    }
    if (event instanceof TaskFailed e) {
      return e.taskId() + "/" + e.attempt();
    }
    if (event instanceof TaskTimedOut e) {
      return e.taskId() + "/" + e.attempt();
    }
    if (event instanceof TaskKilled e) {
      return e.taskId() + "/" + e.attempt();
    }
    if (event instanceof TaskWithdrawn e) {
      return e.taskId() + "/" + e.attempt();
    }
    if (event instanceof TaskSkipped e && e.attempt() > 0) {
      return e.taskId() + "/" + e.attempt();
    }
    return null;
  }
}
