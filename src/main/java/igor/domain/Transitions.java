package igor.domain;

import igor.domain.JobEvent.ActionTaken;
import igor.domain.JobEvent.AttemptsReported;
import igor.domain.JobEvent.JobCreated;
import igor.domain.JobEvent.JobStarted;
import igor.domain.JobEvent.JobStatusChanged;
import igor.domain.JobEvent.LayerFinished;
import igor.domain.JobEvent.LayerReopened;
import igor.domain.JobEvent.LayerSkipped;
import igor.domain.JobEvent.LayersStarted;
import igor.domain.JobEvent.Paused;
import igor.domain.JobEvent.TaskCompleted;
import igor.domain.JobEvent.TaskFailed;
import igor.domain.JobEvent.TaskKilled;
import igor.domain.JobEvent.TaskReset;
import igor.domain.JobEvent.TaskSkipped;
import igor.domain.JobEvent.TaskStarted;
import igor.domain.JobEvent.TaskTimedOut;
import igor.domain.JobEvent.TaskWithdrawn;
import igor.domain.JobEvent.TasksAdded;
import igor.domain.JobEvent.TasksKilled;
import igor.domain.JobEvent.TasksQueued;
import igor.domain.JobEvent.TasksRedelivered;
import igor.domain.JobEvent.TasksReset;
import igor.domain.JobEvent.TasksSkipped;
import igor.domain.JobEvent.TasksWithdrawn;
import igor.domain.JobEvent.Unpaused;
import igor.domain.TaskTransition.Step;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What an event means: which tasks and layers, and the job, it moves to which status, with the
 * fields that change with them. This is the one reading of {@link JobEvent}: the job's state
 * ({@link JobEvolution}), the event stream, the metrics, the read model and the entity's effects
 * all take an event's meaning from here, so a rule such as "a failure with a retry time waits in
 * PENDING" is written once.
 *
 * <p>For {@link JobCreated} the job is RUNNING (PENDING when it waits for its start time, which
 * {@link JobStarted} ends) and its layers PENDING, and for {@link TasksAdded} each task is PENDING
 * ({@link Step#ADDED}), as {@link AllowedStatusChanges#initial} says; the plans themselves are read
 * from those events. {@link ActionTaken} changes no status: it is the audit trail; nor does {@link
 * TasksRedelivered}, a note that the queue got the same attempts again. {@link AttemptsReported}
 * means what the events it stands for mean, one after the other ({@link AttemptsReported#each}): so
 * an attempt begun and ended in one batch has its STARTED transition, then its end. An event of a
 * type this class does not know is an error, never passed over.
 *
 * @param tasks the tasks the event changes, in the event's order
 * @param layers the layers the event changes, in the event's order
 * @param job the job's new status, if the event changes it
 * @param pause the pause or unpause the event records, if any
 * @param audit the action the event records, if any
 */
public record Transitions(
    List<TaskTransition> tasks,
    List<LayerTransition> layers,
    Optional<Status> job,
    Optional<PauseChange> pause,
    Optional<AuditEntry> audit) {

  public Transitions {
    tasks = List.copyOf(tasks);
    layers = List.copyOf(layers);
  }

  /**
   * The meaning of {@code event}; an unknown type of event is an {@link IllegalArgumentException}.
   */
  public static Transitions of(JobEvent event) {
    if (event instanceof JobCreated e) {
      List<LayerTransition> layers = new ArrayList<>(e.layers().size());
      for (LayerPlan plan : e.layers()) {
        layers.add(
            new LayerTransition(plan.layerId(), AllowedStatusChanges.initial(ObjectKind.LAYER)));
      }
      return new Transitions(
          List.of(),
          layers,
          Optional.of(AllowedStatusChanges.initialJob(e.startAt())),
          Optional.empty(),
          Optional.empty());
    } else if (event instanceof TasksAdded e) {
      List<TaskTransition> tasks = new ArrayList<>(e.tasks().size());
      Status initial = AllowedStatusChanges.initial(ObjectKind.TASK);
      for (TaskPlan plan : e.tasks()) {
        tasks.add(new TaskTransition(plan.taskId(), Step.ADDED, initial, 0, "", 0, "", null));
      }
      return ofTasks(tasks);
    } else if (event instanceof LayersStarted e) {
      return ofLayers(e.layerIds(), Status.RUNNING);
    } else if (event instanceof TasksQueued e) {
      List<TaskTransition> tasks = new ArrayList<>(e.taskIds().size());
      for (String taskId : e.taskIds()) {
        tasks.add(new TaskTransition(taskId, Step.QUEUED, Status.QUEUED, 0, null, 0, "", null));
      }
      return ofTasks(tasks);
    } else if (event instanceof AttemptsReported e) {
      List<TaskTransition> tasks = new ArrayList<>(e.attempts().size() * 2);
      for (JobEvent each : e.each()) {
        tasks.addAll(of(each).tasks());
      }
      return ofTasks(tasks);
    } else if (event instanceof TaskStarted e) {
      return ofTask(
          new TaskTransition(
              e.taskId(), Step.STARTED, Status.RUNNING, e.attempt(), null, 0, e.worker(), null));
    } else if (event instanceof TaskCompleted e) {
      return ofTask(
          new TaskTransition(
              e.taskId(),
              Step.COMPLETED,
              Status.COMPLETED,
              e.attempt(),
              e.message(),
              0,
              null,
              e.result()));
    } else if (event instanceof TaskFailed e) {
      return ofTask(
          new TaskTransition(
              e.taskId(),
              Step.FAILED,
              TaskTransition.afterFailure(e.retryAt()),
              e.attempt(),
              e.message(),
              e.retryAt(),
              null,
              null));
    } else if (event instanceof TaskSkipped e) {
      return ofTask(
          new TaskTransition(
              e.taskId(), Step.SKIPPED, Status.SKIPPED, e.attempt(), e.message(), 0, null, null));
    } else if (event instanceof TasksSkipped e) {
      List<TaskTransition> tasks = new ArrayList<>(e.taskIds().size() + e.inFlight().size());
      for (String taskId : e.taskIds()) {
        tasks.add(skipped(taskId, 0));
      }
      for (TaskAttempt a : e.inFlight()) {
        tasks.add(skipped(a.taskId(), a.attempt()));
      }
      return ofTasks(tasks);
    } else if (event instanceof TaskKilled e) {
      return ofTask(killed(e.taskId(), e.attempt()));
    } else if (event instanceof TasksKilled e) {
      List<TaskTransition> tasks = new ArrayList<>(e.attempts().size());
      for (TaskAttempt a : e.attempts()) {
        tasks.add(killed(a.taskId(), a.attempt()));
      }
      return ofTasks(tasks);
    } else if (event instanceof TaskReset e) {
      return ofTask(reset(e.taskId()));
    } else if (event instanceof TasksReset e) {
      List<TaskTransition> tasks = new ArrayList<>(e.taskIds().size());
      for (String taskId : e.taskIds()) {
        tasks.add(reset(taskId));
      }
      return ofTasks(tasks);
    } else if (event instanceof TaskTimedOut e) {
      return ofTask(
          new TaskTransition(
              e.taskId(),
              Step.TIMED_OUT,
              TaskTransition.afterFailure(e.retryAt()),
              e.attempt(),
              TaskTransition.TIMED_OUT,
              e.retryAt(),
              null,
              null));
    } else if (event instanceof TaskWithdrawn e) {
      return ofTask(withdrawn(e.taskId(), e.attempt(), e.reason()));
    } else if (event instanceof TasksWithdrawn e) {
      List<TaskTransition> tasks = new ArrayList<>(e.attempts().size());
      for (TaskAttempt a : e.attempts()) {
        tasks.add(withdrawn(a.taskId(), a.attempt(), e.reason()));
      }
      return ofTasks(tasks);
    } else if (event instanceof LayerFinished e) {
      return ofLayers(List.of(e.layerId()), e.status());
    } else if (event instanceof LayerSkipped e) {
      return ofLayers(List.of(e.layerId()), Status.SKIPPED);
    } else if (event instanceof LayerReopened e) {
      return ofLayers(List.of(e.layerId()), Status.RUNNING);
    } else if (event instanceof JobStarted) {
      return new Transitions(
          List.of(), List.of(), Optional.of(Status.RUNNING), Optional.empty(), Optional.empty());
    } else if (event instanceof JobStatusChanged e) {
      return new Transitions(
          List.of(), List.of(), Optional.of(e.status()), Optional.empty(), Optional.empty());
    } else if (event instanceof ActionTaken e) {
      AuditEntry entry = new AuditEntry(e.action(), e.targetKind(), e.targetId(), e.by(), e.at());
      return new Transitions(
          List.of(), List.of(), Optional.empty(), Optional.empty(), Optional.of(entry));
    } else if (event instanceof TasksRedelivered) {
      return new Transitions(
          List.of(), List.of(), Optional.empty(), Optional.empty(), Optional.empty());
    } else if (event instanceof Paused e) {
      return ofPause(new PauseChange(e.targetKind(), e.targetId(), e.pausedAtMillis()));
    } else if (event instanceof Unpaused e) {
      return ofPause(new PauseChange(e.targetKind(), e.targetId(), 0));
    }
    throw new IllegalArgumentException(
        "unknown event " + (event == null ? "null" : event.getClass().getName()));
  }

  /** The one task an event about a single task changes. */
  public TaskTransition onlyTask() {
    if (tasks.size() != 1) {
      throw new IllegalStateException("the event changes " + tasks.size() + " tasks, not one");
    }
    return tasks.get(0);
  }

  /** The one layer an event about a single layer changes. */
  public LayerTransition onlyLayer() {
    if (layers.size() != 1) {
      throw new IllegalStateException("the event changes " + layers.size() + " layers, not one");
    }
    return layers.get(0);
  }

  /**
   * A person skipped the task ({@link TasksSkipped}): SKIPPED "skipped", stopping {@code attempt}
   * (0: none was in flight).
   */
  private static TaskTransition skipped(String taskId, int attempt) {
    return new TaskTransition(
        taskId, Step.SKIPPED, Status.SKIPPED, attempt, TaskTransition.SKIPPED, 0, null, null);
  }

  /**
   * Igor stopped the attempt ({@link TaskKilled}, {@link TasksKilled}): ERRORED "killed", the
   * attempt counts.
   */
  private static TaskTransition killed(String taskId, int attempt) {
    return new TaskTransition(
        taskId, Step.KILLED, Status.ERRORED, attempt, TaskTransition.KILLED, 0, null, null);
  }

  /**
   * A person retried the task ({@link TaskReset}, {@link TasksReset}): PENDING, message, worker and
   * result cleared.
   */
  private static TaskTransition reset(String taskId) {
    return new TaskTransition(taskId, Step.RESET, Status.PENDING, 0, "", 0, "", null);
  }

  /**
   * The attempt was taken back ({@link TaskWithdrawn}, {@link TasksWithdrawn}): PENDING, with the
   * reason as message.
   */
  private static TaskTransition withdrawn(String taskId, int attempt, String reason) {
    return new TaskTransition(taskId, Step.WITHDRAWN, Status.PENDING, attempt, reason, 0, "", null);
  }

  private static Transitions ofTask(TaskTransition task) {
    return ofTasks(List.of(task));
  }

  private static Transitions ofTasks(List<TaskTransition> tasks) {
    return new Transitions(tasks, List.of(), Optional.empty(), Optional.empty(), Optional.empty());
  }

  private static Transitions ofLayers(List<String> layerIds, Status to) {
    List<LayerTransition> layers = new ArrayList<>(layerIds.size());
    for (String layerId : layerIds) {
      layers.add(new LayerTransition(layerId, to));
    }
    return new Transitions(List.of(), layers, Optional.empty(), Optional.empty(), Optional.empty());
  }

  private static Transitions ofPause(PauseChange pause) {
    return new Transitions(
        List.of(), List.of(), Optional.empty(), Optional.of(pause), Optional.empty());
  }
}
