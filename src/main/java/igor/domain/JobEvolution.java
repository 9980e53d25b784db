package igor.domain;

import igor.domain.JobEvent.ActionTaken;
import igor.domain.JobEvent.JobCreated;
import igor.domain.JobEvent.LayerReopened;
import igor.domain.JobEvent.LayerSkipped;
import igor.domain.JobEvent.Paused;
import igor.domain.JobEvent.TaskKilled;
import igor.domain.JobEvent.TaskReset;
import igor.domain.JobEvent.TaskTimedOut;
import igor.domain.JobEvent.TaskWithdrawn;
import igor.domain.JobEvent.Unpaused;
import igor.domain.JobEvent.JobStatusChanged;
import igor.domain.JobEvent.LayerFinished;
import igor.domain.JobEvent.LayersStarted;
import igor.domain.JobEvent.TaskCompleted;
import igor.domain.JobEvent.TaskFailed;
import igor.domain.JobEvent.TaskSkipped;
import igor.domain.JobEvent.TaskStarted;
import igor.domain.JobEvent.TasksAdded;
import igor.domain.JobEvent.TasksQueued;

/**
 * Applies an event to a job's state. Deterministic: the same events in the same order always give
 * the same state, which is what replaying the journal relies on. It never decides anything: every
 * choice was made by {@link JobDecider} and written into the event.
 */
final class JobEvolution {
  /** The message of an attempt that outlived its time-out. */
  static final String TIMED_OUT = "timed out";

  private JobEvolution() {}

  static void apply(JobState state, JobEvent event) {
    if (event instanceof JobCreated e) {
      created(state, e);
    } else if (event instanceof TasksAdded e) {
      for (TaskPlan plan : e.tasks()) {
        state.addTask(new Task(plan, e.jobId(), e.at()));
      }
    } else if (event instanceof LayersStarted e) {
      for (String layerId : e.layerIds()) {
        touch(state.layerForUpdate(layerId), Status.RUNNING, e.at());
      }
    } else if (event instanceof TasksQueued e) {
      for (String taskId : e.taskIds()) {
        Task t = changeTask(state, taskId, Status.QUEUED, e.at());
        t.attempts++;
        t.retryAt = 0;
        t.worker = "";
        t.startedAt = 0;
      }
    } else if (event instanceof TaskStarted e) {
      Task t = changeTask(state, e.taskId(), Status.RUNNING, e.at());
      t.worker = e.worker();
      t.startedAt = e.at();
    } else if (event instanceof TaskCompleted e) {
      Task t = changeTask(state, e.taskId(), Status.COMPLETED, e.at());
      t.result = e.result();
      t.message = e.message();
    } else if (event instanceof TaskFailed e) {
      Status to = e.retryAt() > 0 ? Status.PENDING : Status.ERRORED;
      Task t = changeTask(state, e.taskId(), to, e.at());
      t.message = e.message();
      t.retryAt = e.retryAt();
    } else if (event instanceof TaskSkipped e) {
      Task t = changeTask(state, e.taskId(), Status.SKIPPED, e.at());
      t.message = e.message();
      t.retryAt = 0;
    } else if (event instanceof LayerFinished e) {
      touch(state.layerForUpdate(e.layerId()), e.status(), e.at());
    } else if (event instanceof JobStatusChanged e) {
      JobHeader h = state.headerForUpdate();
      h.status = e.status();
      h.updatedAt = e.at();
      h.revision++;
    } else if (event instanceof ActionTaken e) {
      state.addAudit(new AuditEntry(e.action(), e.targetKind(), e.targetId(), e.by(), e.at()));
    } else if (event instanceof Paused e) {
      setPausedAt(state, e.targetKind(), e.targetId(), e.pausedAt(), e.at());
    } else if (event instanceof Unpaused e) {
      setPausedAt(state, e.targetKind(), e.targetId(), 0, e.at());
    } else if (event instanceof JobEvent.TasksSkipped e) {
      for (String taskId : e.taskIds()) {
        Task t = changeTask(state, taskId, Status.SKIPPED, e.at());
        t.message = JobActions.SKIPPED;
        t.retryAt = 0;
      }
    } else if (event instanceof LayerSkipped e) {
      touch(state.layerForUpdate(e.layerId()), Status.SKIPPED, e.at());
    } else if (event instanceof TaskKilled e) {
      Task t = changeTask(state, e.taskId(), Status.ERRORED, e.at());
      t.message = "killed";
      t.retryAt = 0;
    } else if (event instanceof TaskReset e) {
      Task t = changeTask(state, e.taskId(), Status.PENDING, e.at());
      t.allowanceBase = t.attempts;
      t.retryAt = 0;
      t.message = "";
      t.result = null;
      t.worker = "";
    } else if (event instanceof TaskTimedOut e) {
      Status to = e.retryAt() > 0 ? Status.PENDING : Status.ERRORED;
      Task t = changeTask(state, e.taskId(), to, e.at());
      t.message = TIMED_OUT;
      t.retryAt = e.retryAt();
    } else if (event instanceof TaskWithdrawn e) {
      Task t = changeTask(state, e.taskId(), Status.PENDING, e.at());
      t.allowanceBase++;
      t.message = e.reason();
      t.retryAt = 0;
      t.worker = "";
    } else if (event instanceof LayerReopened e) {
      touch(state.layerForUpdate(e.layerId()), Status.RUNNING, e.at());
    } else {
      throw new IllegalArgumentException("unknown event " + event.getClass().getName());
    }
  }

  private static void created(JobState state, JobCreated e) {
    JobHeader h = state.headerForUpdate();
    h.id = e.jobId();
    h.name = e.name();
    h.pausedAt = e.pausedAt();
    h.status = Status.RUNNING;
    h.createdAt = e.at();
    h.updatedAt = e.at();
    h.created = true;
    for (LayerPlan plan : e.layers()) {
      state.addLayer(new Layer(plan, e.jobId(), e.at()));
    }
  }

  private static Task changeTask(JobState state, String taskId, Status to, long at) {
    Task t = state.taskForUpdate(taskId);
    if (t.status != to) {
      state.layerForUpdate(t.layerId).countChange(t.status, to);
      t.status = to;
    }
    t.updatedAt = at;
    t.revision++;
    return t;
  }

  private static void setPausedAt(
      JobState state, ObjectKind kind, String id, long pausedAt, long at) {
    switch (kind) {
      case JOB -> {
        JobHeader h = state.headerForUpdate();
        h.pausedAt = pausedAt;
        h.updatedAt = at;
        h.revision++;
      }
      case LAYER -> {
        Layer l = state.layerForUpdate(id);
        l.pausedAt = pausedAt;
        l.updatedAt = at;
        l.revision++;
      }
      case TASK -> {
        Task t = state.taskForUpdate(id);
        t.pausedAt = pausedAt;
        t.updatedAt = at;
        t.revision++;
      }
    }
  }

  private static void touch(Layer l, Status to, long at) {
    l.status = to;
    l.updatedAt = at;
    l.revision++;
  }
}
