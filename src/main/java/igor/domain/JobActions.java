package igor.domain;

import igor.domain.JobEvent.ActionTaken;
import igor.domain.JobEvent.JobStatusChanged;
import igor.domain.JobEvent.LayerReopened;
import igor.domain.JobEvent.LayerSkipped;
import igor.domain.JobEvent.Paused;
import igor.domain.JobEvent.TaskKilled;
import igor.domain.JobEvent.TaskReset;
import igor.domain.JobEvent.TaskSkipped;
import igor.domain.JobEvent.TaskWithdrawn;
import igor.domain.JobEvent.TasksKilled;
import igor.domain.JobEvent.TasksReset;
import igor.domain.JobEvent.TasksWithdrawn;
import igor.domain.JobEvent.Unpaused;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The actions a person takes on a job, a layer or a task: pause, unpause, skip, kill, retry
 * (SEMANTICS.md section 3), and start (a job that waits for its start time starts now). Each
 * applies only where the object's state allows it and its etag, if given, is current; an action
 * that applies is recorded ({@link ActionTaken}) before its effects, and every effect is an event
 * of its own.
 *
 * <p>An action on a task changes it by an event about that task. An action on a layer or a job
 * changes its tasks by events about many tasks each, in chunks ({@link JobDraft#emitInChunks}): a
 * job of 100,000 tasks is paused, killed or retried in a hundred events, not a hundred thousand.
 */
final class JobActions {
  static final String PAUSED = "paused while queued";

  private final JobDraft draft;
  private final String by;

  JobActions(JobDraft draft, String by) {
    this.draft = draft;
    this.by = by;
  }

  /** Applies the action to the object; false when it does not apply (and nothing changed). */
  boolean apply(Action action, ObjectRef ref) {
    if (!exists(ref) || !etagMatches(ref)) {
      return false;
    }
    return switch (action) {
      case PAUSE -> pause(ref);
      case UNPAUSE -> unpause(ref);
      case SKIP -> skip(ref);
      case KILL -> kill(ref);
      case RETRY -> retry(ref);
      case START -> start(ref);
    };
  }

  private boolean exists(ObjectRef ref) {
    return switch (ref.kind()) {
      case JOB -> draft.jobId().equals(ref.id());
      case LAYER -> draft.layer(ref.id()) != null;
      case TASK -> draft.task(ref.id()) != null;
    };
  }

  private boolean etagMatches(ObjectRef ref) {
    if (ref.etag().isEmpty()) {
      return true;
    }
    long revision =
        switch (ref.kind()) {
          case JOB -> draft.header().revision;
          case LAYER -> draft.layer(ref.id()).revision;
          case TASK -> draft.task(ref.id()).revision;
        };
    return Identifiers.etag(ref.id(), revision).equals(ref.etag());
  }

  private boolean pause(ObjectRef ref) {
    boolean applies =
        switch (ref.kind()) {
          case JOB -> draft.header().pausedAtMillis == 0 && !draft.header().status.isDone();
          case LAYER ->
              draft.layer(ref.id()).pausedAtMillis == 0 && !draft.layer(ref.id()).status.isFinal();
          case TASK ->
              draft.task(ref.id()).pausedAtMillis == 0 && !draft.task(ref.id()).status.isFinal();
        };
    if (applies) {
      record(Action.PAUSE, ref);
      long pausedAtMillis = PlanBounds.wholeSecond(draft.now());
      draft.emit(new Paused(draft.jobId(), ref.kind(), ref.id(), pausedAtMillis, draft.now()));
      List<Task> queued = new ArrayList<>();
      for (Task task : affectedTasks(ref)) {
        if (task.status == Status.QUEUED) {
          queued.add(task);
        }
      }
      if (ref.kind() == ObjectKind.TASK) {
        for (Task task : queued) {
          draft.emit(new TaskWithdrawn(draft.jobId(), task.id, task.attempts, PAUSED, draft.now()));
        }
      } else {
        draft.emitInChunks(
            attempts(queued),
            chunk -> new TasksWithdrawn(draft.jobId(), chunk, PAUSED, draft.now()));
      }
    }
    return applies;
  }

  private boolean unpause(ObjectRef ref) {
    long pausedAtMillis =
        switch (ref.kind()) {
          case JOB -> draft.header().pausedAtMillis;
          case LAYER -> draft.layer(ref.id()).pausedAtMillis;
          case TASK -> draft.task(ref.id()).pausedAtMillis;
        };
    if (pausedAtMillis == 0) {
      return false;
    }
    record(Action.UNPAUSE, ref);
    draft.emit(new Unpaused(draft.jobId(), ref.kind(), ref.id(), draft.now()));
    for (Layer layer : affectedLayers(ref)) {
      if (layer.status == Status.RUNNING) {
        JobDecider.queueEligible(draft, layer);
      }
    }
    return true;
  }

  private boolean skip(ObjectRef ref) {
    switch (ref.kind()) {
      case TASK -> {
        Task task = draft.task(ref.id());
        if (task.status.isDone()) {
          return false;
        }
        record(Action.SKIP, ref);
        skipTask(task);
      }
      case LAYER -> {
        Layer layer = draft.layer(ref.id());
        if (layer.status.isDone()) {
          return false;
        }
        record(Action.SKIP, ref);
        skipLayer(layer);
      }
      case JOB -> {
        if (draft.header().status.isDone()) {
          return false;
        }
        record(Action.SKIP, ref);
        for (Layer layer : allLayers()) {
          if (!layer.status.isDone()) {
            skipLayer(layer);
          }
        }
        draft.emit(new JobStatusChanged(draft.jobId(), Status.SKIPPED, draft.now()));
      }
    }
    return true;
  }

  /**
   * Skips the layer's unfinished tasks in bulk (those in flight naming the attempt to stop) and
   * then the layer.
   */
  private void skipLayer(Layer layer) {
    List<Task> unfinished = new ArrayList<>();
    for (String taskId : layer.taskIds()) {
      Task task = draft.task(taskId);
      if (!task.status.isFinal()) {
        unfinished.add(task);
      }
    }
    draft.emitInChunks(unfinished, this::skipped);
    draft.emit(new LayerSkipped(draft.jobId(), layer.id, draft.now()));
  }

  /** One chunk of a bulk skip: the tasks waiting by id, those in flight with their attempt. */
  private JobEvent skipped(List<Task> chunk) {
    List<String> waiting = new ArrayList<>();
    List<TaskAttempt> inFlight = new ArrayList<>();
    for (Task task : chunk) {
      if (task.status == Status.QUEUED || task.status == Status.RUNNING) {
        inFlight.add(new TaskAttempt(task.id, task.attempts));
      } else {
        waiting.add(task.id);
      }
    }
    return new JobEvent.TasksSkipped(draft.jobId(), waiting, draft.now(), inFlight);
  }

  /** The attempt in flight, if any, is named so that its worker can be told to stop. */
  private void skipTask(Task task) {
    int inFlight =
        task.status == Status.QUEUED || task.status == Status.RUNNING ? task.attempts : 0;
    draft.emit(
        new TaskSkipped(draft.jobId(), task.id, inFlight, TaskTransition.SKIPPED, draft.now()));
  }

  private boolean kill(ObjectRef ref) {
    List<Task> inFlight = new ArrayList<>();
    for (Task task : affectedTasks(ref)) {
      if (task.status == Status.QUEUED || task.status == Status.RUNNING) {
        inFlight.add(task);
      }
    }
    if (inFlight.isEmpty()) {
      return false;
    }
    record(Action.KILL, ref);
    if (ref.kind() == ObjectKind.TASK) {
      killTask(inFlight.get(0));
    } else {
      draft.emitInChunks(
          attempts(inFlight), chunk -> new TasksKilled(draft.jobId(), chunk, draft.now()));
    }
    return true;
  }

  /**
   * Retry: a task that is ERRORED (or still in flight: it is killed first) goes back to PENDING
   * with a fresh allowance; for a layer or job, every ERRORED task of it. Only in layers that have
   * started and are not skipped; the layer runs again and its tasks are queued.
   */
  private boolean retry(ObjectRef ref) {
    List<Task> retried = new ArrayList<>();
    for (Task task : affectedTasks(ref)) {
      Layer layer = draft.layer(task.layerId);
      boolean layerStarted = layer.status != Status.PENDING && layer.status != Status.SKIPPED;
      boolean retriable =
          task.status == Status.ERRORED
              || (ref.kind() == ObjectKind.TASK
                  && (task.status == Status.QUEUED || task.status == Status.RUNNING));
      if (layerStarted && retriable) {
        retried.add(task);
      }
    }
    if (retried.isEmpty()) {
      return false;
    }
    record(Action.RETRY, ref);
    Set<String> layers = new LinkedHashSet<>();
    List<String> reset = new ArrayList<>(retried.size());
    for (Task task : retried) {
      layers.add(task.layerId);
      reset.add(task.id);
    }
    if (ref.kind() == ObjectKind.TASK) {
      Task task = retried.get(0);
      if (task.status == Status.QUEUED || task.status == Status.RUNNING) {
        killTask(task);
      }
      draft.emit(new TaskReset(draft.jobId(), task.id, draft.now()));
    } else {
      // Only ERRORED tasks of a layer or job are retried: none is in flight, none to kill.
      draft.emitInChunks(reset, chunk -> new TasksReset(draft.jobId(), chunk, draft.now()));
    }
    for (String layerId : layers) {
      Layer layer = draft.layer(layerId);
      if (layer.status != Status.RUNNING) {
        draft.emit(new LayerReopened(draft.jobId(), layerId, draft.now()));
      }
      JobDecider.queueEligible(draft, draft.layer(layerId));
    }
    return true;
  }

  /**
   * Start now: a job that waits for its start time starts at once (the decider's settle then starts
   * its first group). Only a job, and only while it waits.
   */
  private boolean start(ObjectRef ref) {
    if (ref.kind() != ObjectKind.JOB || !draft.header().waitingToStart()) {
      return false;
    }
    record(Action.START, ref);
    draft.emit(new JobEvent.JobStarted(draft.jobId(), draft.now()));
    return true;
  }

  private void killTask(Task task) {
    draft.emit(new TaskKilled(draft.jobId(), task.id, task.attempts, draft.now()));
  }

  /** The current attempt of each task. */
  private static List<TaskAttempt> attempts(List<Task> tasks) {
    List<TaskAttempt> attempts = new ArrayList<>(tasks.size());
    for (Task task : tasks) {
      attempts.add(new TaskAttempt(task.id, task.attempts));
    }
    return attempts;
  }

  private void record(Action action, ObjectRef ref) {
    draft.emit(new ActionTaken(draft.jobId(), action, ref.kind(), ref.id(), by, draft.now()));
  }

  private List<Layer> affectedLayers(ObjectRef ref) {
    return switch (ref.kind()) {
      case JOB -> allLayers();
      case LAYER -> List.of(draft.layer(ref.id()));
      case TASK -> List.of(draft.layer(draft.task(ref.id()).layerId));
    };
  }

  private List<Task> affectedTasks(ObjectRef ref) {
    if (ref.kind() == ObjectKind.TASK) {
      return List.of(draft.task(ref.id()));
    }
    List<Task> tasks = new ArrayList<>();
    for (Layer layer : affectedLayers(ref)) {
      for (String taskId : layer.taskIds()) {
        tasks.add(draft.task(taskId));
      }
    }
    return tasks;
  }

  private List<Layer> allLayers() {
    List<Layer> layers = new ArrayList<>();
    for (List<String> group : draft.groups().values()) {
      for (String layerId : group) {
        layers.add(draft.layer(layerId));
      }
    }
    return layers;
  }
}
