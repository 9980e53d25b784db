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
import igor.domain.JobEvent.TasksKilled;
import igor.domain.JobEvent.TasksQueued;
import igor.domain.JobEvent.TasksReset;
import igor.domain.JobEvent.TasksSkipped;
import igor.domain.JobEvent.TasksWithdrawn;
import igor.domain.JobEvent.Unpaused;
import igor.domain.LayerTransition;
import igor.domain.Status;
import igor.domain.TaskTransition;
import igor.domain.Transitions;
import igor.service.JobViews;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The wire form of a change on GET /api/v1/events: a stable lower-case name per event and its data
 * in the API's snake_case, with times in unix seconds and statuses upper-case. The names are part
 * of the API (README lists them); the journal's class names are not shown. What an event does
 * (statuses, messages, retry times) is read from {@link Transitions}, the domain's one reading of
 * events; this class only chooses names and fields, which EventViewsTest pins byte for byte.
 */
final class EventViews {
  private EventViews() {}

  /** An event's SSE name and data. */
  record View(String name, Map<String, Object> data) {}

  /**
   * The views of an event, in order: one for most events; for {@link JobEvent.AttemptsReported} one
   * for each event it stands for ({@code task_started} then {@code task_completed} for an attempt
   * begun and ended in one batch), so the stream shows every start and end as it always did.
   */
  static List<View> all(JobEvent event) {
    if (event instanceof JobEvent.AttemptsReported e) {
      return e.each().stream().map(EventViews::of).toList();
    }
    return List.of(of(event));
  }

  /** The view of an event that stands for itself alone (not {@link JobEvent.AttemptsReported}). */
  static View of(JobEvent event) {
    Transitions meaning = Transitions.of(event);
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("job_id", event.jobId());
    String name;
    if (event instanceof JobCreated e) {
      name = "job_created";
      d.put("name", e.name());
      d.put("paused_at", JobViews.seconds(e.pausedAtMillis()));
      d.put("start_at", JobViews.seconds(e.startAt()));
      d.put("status", meaning.job().orElseThrow().name());
      d.put(
          "layers",
          e.layers().stream()
              .map(
                  l ->
                      inOrder(
                          "id", l.layerId(),
                          "name", l.name(),
                          "priority", l.priority(),
                          "paused_at", JobViews.seconds(l.pausedAtMillis())))
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
                          "paused_at", JobViews.seconds(t.pausedAtMillis()),
                          "retries", t.retries(),
                          "timeout", t.timeoutSeconds()))
              .toList());
    } else if (event instanceof LayersStarted e) {
      name = "layers_started";
      d.put("layer_ids", e.layerIds());
      d.put("status", commonStatus(meaning.layers().stream().map(LayerTransition::to)));
    } else if (event instanceof TasksQueued e) {
      name = "tasks_queued";
      d.put("task_ids", e.taskIds());
      d.put("status", commonStatus(meaning.tasks().stream().map(TaskTransition::to)));
    } else if (event instanceof TaskStarted) {
      name = "task_started";
      TaskTransition t = task(d, meaning);
      d.put("worker", t.worker());
    } else if (event instanceof TaskCompleted) {
      name = "task_completed";
      TaskTransition t = task(d, meaning);
      d.put("message", t.message());
      d.put("result", t.result());
    } else if (event instanceof TaskFailed) {
      name = "task_failed";
      TaskTransition t = task(d, meaning);
      d.put("message", t.message());
      d.put("retry_at", JobViews.seconds(t.retryAt()));
    } else if (event instanceof TaskSkipped) {
      name = "task_skipped";
      TaskTransition t = task(d, meaning);
      d.put("message", t.message());
    } else if (event instanceof TasksSkipped) {
      name = "tasks_skipped";
      d.put("task_ids", meaning.tasks().stream().map(TaskTransition::taskId).toList());
      d.put("status", commonStatus(meaning.tasks().stream().map(TaskTransition::to)));
      d.put("message", TaskTransition.SKIPPED);
    } else if (event instanceof JobEvent.TasksRedelivered e) {
      name = "tasks_redelivered";
      d.put("task_ids", e.taskIds());
      d.put("message", e.reason());
    } else if (event instanceof TaskKilled) {
      name = "task_killed";
      TaskTransition t = task(d, meaning);
      d.put("message", t.message());
    } else if (event instanceof TasksKilled) {
      name = "tasks_killed";
      attempts(d, meaning);
    } else if (event instanceof TaskReset) {
      name = "task_reset";
      TaskTransition t = meaning.onlyTask();
      d.put("task_id", t.taskId());
      d.put("status", t.to().name());
    } else if (event instanceof TasksReset e) {
      name = "tasks_reset";
      d.put("task_ids", e.taskIds());
      d.put("status", commonStatus(meaning.tasks().stream().map(TaskTransition::to)));
    } else if (event instanceof TaskTimedOut) {
      name = "task_timed_out";
      TaskTransition t = task(d, meaning);
      d.put("message", t.message());
      d.put("retry_at", JobViews.seconds(t.retryAt()));
    } else if (event instanceof TaskWithdrawn) {
      name = "task_withdrawn";
      TaskTransition t = task(d, meaning);
      d.put("message", t.message());
    } else if (event instanceof TasksWithdrawn) {
      name = "tasks_withdrawn";
      attempts(d, meaning);
    } else if (event instanceof LayerFinished) {
      name = "layer_finished";
      layer(d, meaning);
    } else if (event instanceof LayerSkipped) {
      name = "layer_skipped";
      layer(d, meaning);
    } else if (event instanceof LayerReopened) {
      name = "layer_reopened";
      layer(d, meaning);
    } else if (event instanceof JobEvent.JobStarted) {
      name = "job_started";
      d.put("status", meaning.job().orElseThrow().name());
    } else if (event instanceof JobStatusChanged) {
      name = "job_status_changed";
      d.put("status", meaning.job().orElseThrow().name());
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
      d.put("paused_at", JobViews.seconds(e.pausedAtMillis()));
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

  /** The fields every event about one attempt of one task has; the task's change is returned. */
  private static TaskTransition task(Map<String, Object> d, Transitions meaning) {
    TaskTransition t = meaning.onlyTask();
    d.put("task_id", t.taskId());
    d.put("attempt", t.attempt());
    d.put("status", t.to().name());
    return t;
  }

  /**
   * The fields of an event that ends many attempts the same way: each task with its attempt, and
   * their one status and message.
   */
  private static void attempts(Map<String, Object> d, Transitions meaning) {
    List<TaskTransition> tasks = meaning.tasks();
    d.put(
        "tasks",
        tasks.stream().map(t -> inOrder("id", t.taskId(), "attempt", t.attempt())).toList());
    d.put("status", commonStatus(tasks.stream().map(TaskTransition::to)));
    d.put("message", tasks.isEmpty() ? null : tasks.get(0).message());
  }

  private static void layer(Map<String, Object> d, Transitions meaning) {
    LayerTransition l = meaning.onlyLayer();
    d.put("layer_id", l.layerId());
    d.put("status", l.to().name());
  }

  /**
   * The one status an event about many objects moves them all to; null (the key is left out) for an
   * event that names no objects, which no decision makes.
   */
  private static String commonStatus(Stream<Status> statuses) {
    List<Status> distinct = statuses.distinct().toList();
    if (distinct.size() > 1) {
      throw new IllegalStateException("one status expected, got " + distinct);
    }
    return distinct.isEmpty() ? null : distinct.get(0).name();
  }
}
