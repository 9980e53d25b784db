package igor.domain;

import igor.domain.JobEvent.JobCreated;
import igor.domain.JobEvent.TasksAdded;

/**
 * Applies an event to a job's state. Deterministic: the same events in the same order always give
 * the same state, which is what replaying the journal relies on. It never decides anything: every
 * choice was made by {@link JobDecider} and written into the event, and what the event means is
 * read from {@link Transitions}. Every change of status is checked against {@link
 * AllowedStatusChanges}: a change the table refuses is a bug, and it fails here, loudly.
 */
final class JobEvolution {
  private JobEvolution() {}

  static void apply(JobState state, JobEvent event) {
    Transitions transitions = Transitions.of(event);
    if (event instanceof JobCreated e) {
      created(state, e, transitions.job().orElseThrow());
      return;
    }
    if (event instanceof TasksAdded e) {
      for (TaskPlan plan : e.tasks()) {
        state.addTask(new Task(plan, e.jobId(), e.at()));
      }
      return;
    }
    for (TaskTransition change : transitions.tasks()) {
      changeTask(state, change, event);
    }
    for (LayerTransition change : transitions.layers()) {
      Layer l = state.layerForUpdate(change.layerId());
      AllowedStatusChanges.check(ObjectKind.LAYER, l.id, l.status, change.to(), event);
      l.status = change.to();
      l.updatedAt = event.at();
      l.revision++;
    }
    if (transitions.job().isPresent()) {
      JobHeader h = state.headerForUpdate();
      Status to = transitions.job().get();
      AllowedStatusChanges.check(ObjectKind.JOB, h.id, h.status, to, event);
      h.status = to;
      h.updatedAt = event.at();
      h.revision++;
    }
    if (transitions.pause().isPresent()) {
      setPausedAt(state, transitions.pause().get(), event.at());
    }
    transitions.audit().ifPresent(state::addAudit);
  }

  private static void created(JobState state, JobCreated e, Status status) {
    JobHeader h = state.headerForUpdate();
    h.id = e.jobId();
    h.name = e.name();
    h.pausedAtMillis = e.pausedAtMillis();
    h.startAt = e.startAt();
    h.status = status;
    h.createdAt = e.at();
    h.updatedAt = e.at();
    h.created = true;
    h.traceParent = e.traceParent();
    for (LayerPlan plan : e.layers()) {
      state.addLayer(new Layer(plan, e.jobId(), e.at()));
    }
  }

  private static void changeTask(JobState state, TaskTransition change, JobEvent event) {
    Task t = state.taskForUpdate(change.taskId());
    AllowedStatusChanges.check(ObjectKind.TASK, t.id, t.status, change.to(), event);
    state.layerForUpdate(t.layerId).countChange(t.status, change.to());
    t.status = change.to();
    t.updatedAt = event.at();
    t.revision++;
    t.retryAt = change.retryAt();
    state.retryAtSet(t);
    if (change.message() != null) {
      t.message = change.message();
    }
    if (change.worker() != null) {
      t.worker = change.worker();
    }
    if (change.changesResult()) {
      t.result = change.result();
    }
    switch (change.step()) {
      case QUEUED -> {
        t.attempts++;
        t.startedAt = 0;
      }
      case STARTED -> t.startedAt = event.at();
      case RESET -> t.allowanceBase = t.attempts;
      case WITHDRAWN -> t.allowanceBase++;
      case ADDED, COMPLETED, FAILED, TIMED_OUT, KILLED, SKIPPED -> {}
    }
  }

  private static void setPausedAt(JobState state, PauseChange pause, long at) {
    switch (pause.kind()) {
      case JOB -> {
        JobHeader h = state.headerForUpdate();
        h.pausedAtMillis = pause.pausedAtMillis();
        h.updatedAt = at;
        h.revision++;
      }
      case LAYER -> {
        Layer l = state.layerForUpdate(pause.id());
        l.pausedAtMillis = pause.pausedAtMillis();
        l.updatedAt = at;
        l.revision++;
      }
      case TASK -> {
        Task t = state.taskForUpdate(pause.id());
        t.pausedAtMillis = pause.pausedAtMillis();
        t.updatedAt = at;
        t.revision++;
      }
    }
  }
}
