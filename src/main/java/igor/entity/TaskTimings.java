package igor.entity;

import igor.domain.Job;
import igor.domain.JobEvent;
import igor.domain.Status;
import igor.domain.Task;
import igor.domain.TaskTransition;
import igor.domain.Transitions;
import igor.entity.JobObserver.Outcome;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Reads what a list of events about to be journaled means for metrics: attempts queued, started and
 * ended, with their waiting and running times. What each event does to its tasks is read from
 * {@link Transitions}; the times come from the events and from the job as it was before them (read
 * now, because the job changes as the events apply). What is measured is told to the observer only
 * once the events are journaled.
 */
final class TaskTimings {
  private TaskTimings() {}

  /** What to tell the observer once {@code events}, decided on {@code before}, are journaled. */
  static Consumer<JobObserver> of(Job before, List<JobEvent> events) {
    Map<String, Long> queuedAt = new HashMap<>();
    Map<String, Long> startedAt = new HashMap<>();
    Map<String, Integer> queuedByType = new HashMap<>();
    List<Consumer<JobObserver>> told = new ArrayList<>();
    // Attempts that end before they ran (a bulk kill of queued tasks) are counted, not told one by
    // one: 100,000 calls to the metrics cost the answer of a kill of a whole job (ADR 0030).
    Map<String, Map<Outcome, Integer>> endedUnstarted = new LinkedHashMap<>();
    Map<String, String> addedTypes = new HashMap<>();
    for (JobEvent event : events) {
      if (event instanceof JobEvent.TasksAdded added) {
        added.tasks().forEach(plan -> addedTypes.put(plan.taskId(), plan.type()));
      }
    }
    for (JobEvent event : events) {
      long at = event.at();
      for (TaskTransition change : Transitions.of(event).tasks()) {
        String taskId = change.taskId();
        if (change.step() == TaskTransition.Step.QUEUED) {
          queuedAt.put(taskId, at);
          Task known = before.findTask(taskId);
          String type = known != null ? known.type() : addedTypes.get(taskId);
          if (type != null) {
            queuedByType.merge(type, 1, Integer::sum);
          }
        } else if (change.step() == TaskTransition.Step.STARTED) {
          startedAt.put(taskId, at);
          Task task = before.findTask(taskId);
          if (task != null) {
            long queued =
                queuedAt.getOrDefault(
                    taskId, task.status() == Status.QUEUED ? task.updatedAt() : 0L);
            long waited = queued > 0 ? Math.max(0, at - queued) : -1;
            String type = task.type();
            told.add(o -> o.taskStarted(type, waited));
          }
        } else if (change.endsAttempt() && outcome(change.step()) != null) {
          Task task = before.findTask(taskId);
          if (task != null) {
            long started =
                startedAt.getOrDefault(
                    taskId, task.status() == Status.RUNNING ? task.startedAt() : 0L);
            long ran = started > 0 ? Math.max(0, at - started) : -1;
            String type = task.type();
            Outcome outcome = outcome(change.step());
            if (ran < 0) {
              endedUnstarted
                  .computeIfAbsent(type, t -> new EnumMap<>(Outcome.class))
                  .merge(outcome, 1, Integer::sum);
            } else {
              told.add(o -> o.taskEnded(type, outcome, ran));
            }
          }
        }
      }
    }
    return observer -> {
      queuedByType.forEach(observer::tasksQueued);
      told.forEach(t -> t.accept(observer));
      endedUnstarted.forEach(
          (type, outcomes) ->
              outcomes.forEach((outcome, count) -> observer.tasksEnded(type, outcome, count)));
    };
  }

  /**
   * How an attempt that ends this way is counted; null for an attempt taken back (withdrawn), which
   * is not an outcome: the task is queued again and the attempt does not count.
   */
  private static Outcome outcome(TaskTransition.Step step) {
    return switch (step) {
      case COMPLETED -> Outcome.COMPLETED;
      case FAILED -> Outcome.FAILED;
      case TIMED_OUT -> Outcome.TIMED_OUT;
      case KILLED -> Outcome.KILLED;
      case SKIPPED -> Outcome.SKIPPED;
      case WITHDRAWN, ADDED, QUEUED, STARTED, RESET -> null;
    };
  }
}
