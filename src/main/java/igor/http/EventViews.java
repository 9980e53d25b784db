package igor.http;

import igor.domain.JobEvent;
import igor.domain.JobEvent.ActionTaken;
import igor.domain.JobEvent.JobCreated;
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
import igor.domain.JobEvent.TasksQueued;
import igor.domain.JobEvent.Unpaused;
import igor.domain.Status;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The wire form of a change on GET /api/v1/events: a stable lower-case name per event and its data
 * in the API's snake_case, with times in unix seconds and statuses upper-case. The names are part of
 * the API (README lists them); the journal's class names are not shown.
 */
final class EventViews {
  private EventViews() {}

  /** An event's SSE name and data. */
  record View(String name, Map<String, Object> data) {}

  static View of(JobEvent event) {
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("job_id", event.jobId());
    String name;
    if (event instanceof JobCreated e) {
      name = "job_created";
      d.put("name", e.name());
      d.put("paused_at", e.pausedAt());
      d.put(
          "layers",
          e.layers().stream()
              .map(
                  l ->
                      inOrder(
                          "id", l.layerId(),
                          "name", l.name(),
                          "priority", l.priority(),
                          "paused_at", l.pausedAt()))
              .toList());
    } else if (event instanceof TasksAdded e) {
      name = "tasks_added";
      d.put(
          "tasks",
          e.tasks().stream()
              .map(
                  t ->
                      inOrder(
                          "id", t.taskId(),
                          "layer_id", t.layerId(),
                          "type", t.type(),
                          "name", t.name(),
                          "paused_at", t.pausedAt(),
                          "retries", t.retries(),
                          "timeout", t.timeoutSeconds()))
              .toList());
    } else if (event instanceof LayersStarted e) {
      name = "layers_started";
      d.put("layer_ids", e.layerIds());
      d.put("status", Status.RUNNING.name());
    } else if (event instanceof TasksQueued e) {
      name = "tasks_queued";
      d.put("task_ids", e.taskIds());
      d.put("status", Status.QUEUED.name());
    } else if (event instanceof TaskStarted e) {
      name = "task_started";
      task(d, e.taskId(), e.attempt(), Status.RUNNING);
      d.put("worker", e.worker());
    } else if (event instanceof TaskCompleted e) {
      name = "task_completed";
      task(d, e.taskId(), e.attempt(), Status.COMPLETED);
      d.put("message", e.message());
      d.put("result", e.result());
    } else if (event instanceof TaskFailed e) {
      name = "task_failed";
      task(d, e.taskId(), e.attempt(), e.retryAt() > 0 ? Status.PENDING : Status.ERRORED);
      d.put("message", e.message());
      d.put("retry_at", JobViews.seconds(e.retryAt()));
    } else if (event instanceof TaskSkipped e) {
      name = "task_skipped";
      task(d, e.taskId(), e.attempt(), Status.SKIPPED);
      d.put("message", e.message());
    } else if (event instanceof JobEvent.TasksSkipped e) {
      name = "tasks_skipped";
      d.put("task_ids", e.taskIds());
      d.put("status", Status.SKIPPED.name());
      d.put("message", "skipped");
    } else if (event instanceof TaskKilled e) {
      name = "task_killed";
      task(d, e.taskId(), e.attempt(), Status.ERRORED);
      d.put("message", "killed");
    } else if (event instanceof TaskReset e) {
      name = "task_reset";
      d.put("task_id", e.taskId());
      d.put("status", Status.PENDING.name());
    } else if (event instanceof TaskTimedOut e) {
      name = "task_timed_out";
      task(d, e.taskId(), e.attempt(), e.retryAt() > 0 ? Status.PENDING : Status.ERRORED);
      d.put("message", "timed out");
      d.put("retry_at", JobViews.seconds(e.retryAt()));
    } else if (event instanceof TaskWithdrawn e) {
      name = "task_withdrawn";
      task(d, e.taskId(), e.attempt(), Status.PENDING);
      d.put("message", e.reason());
    } else if (event instanceof LayerFinished e) {
      name = "layer_finished";
      d.put("layer_id", e.layerId());
      d.put("status", e.status().name());
    } else if (event instanceof LayerSkipped e) {
      name = "layer_skipped";
      d.put("layer_id", e.layerId());
      d.put("status", Status.SKIPPED.name());
    } else if (event instanceof LayerReopened e) {
      name = "layer_reopened";
      d.put("layer_id", e.layerId());
      d.put("status", Status.RUNNING.name());
    } else if (event instanceof JobStatusChanged e) {
      name = "job_status_changed";
      d.put("status", e.status().name());
    } else if (event instanceof ActionTaken e) {
      name = "action_taken";
      d.put("action", e.action().name().toLowerCase(Locale.ROOT));
      d.put("kind", JobViews.kindName(e.targetKind()));
      d.put("id", e.targetId());
      d.put("by", e.by());
    } else if (event instanceof Paused e) {
      name = "paused";
      d.put("kind", JobViews.kindName(e.targetKind()));
      d.put("id", e.targetId());
      d.put("paused_at", e.pausedAt());
    } else if (event instanceof Unpaused e) {
      name = "unpaused";
      d.put("kind", JobViews.kindName(e.targetKind()));
      d.put("id", e.targetId());
    } else {
      throw new IllegalArgumentException("no view of event " + event.getClass().getName());
    }
    d.put("at", JobViews.seconds(event.at()));
    return new View(name, d);
  }

  /**
   * An object whose keys keep the order given. (Map.of's order changes from one JVM start to the
   * next, so the stream's bytes did too.)
   */
  private static Map<String, Object> inOrder(Object... keysAndValues) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      m.put((String) keysAndValues[i], keysAndValues[i + 1]);
    }
    return m;
  }

  private static void task(Map<String, Object> d, String taskId, int attempt, Status status) {
    d.put("task_id", taskId);
    d.put("attempt", attempt);
    d.put("status", status.name());
  }
}
