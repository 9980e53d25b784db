package igor.entity;

import igor.domain.Job;
import igor.domain.JobEvent;
import igor.domain.Status;
import igor.domain.Task;
import igor.entity.JobObserver.Outcome;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Reads what a list of events about to be journaled means for metrics: attempts queued, started
 * and ended, with their waiting and running times. The times come from the events and from the
 * job as it was before them (read now, because the job changes as the events apply); what is
 * measured is told to the observer only once the events are journaled.
 */
final class TaskTimings {
  private TaskTimings() {}

  /** What to tell the observer once {@code events}, decided on {@code before}, are journaled. */
  static Consumer<JobObserver> of(Job before, List<JobEvent> events) {
    Map<String, Long> queuedAt = new HashMap<>();
    Map<String, Long> startedAt = new HashMap<>();
    Map<String, Integer> queuedByType = new HashMap<>();
    List<Consumer<JobObserver>> told = new ArrayList<>();
    Map<String, String> addedTypes = new HashMap<>();
    for (JobEvent event : events) {
      if (event instanceof JobEvent.TasksAdded added) {
        added.tasks().forEach(plan -> addedTypes.put(plan.taskId(), plan.type()));
      }
    }
    for (JobEvent event : events) {
      if (event instanceof JobEvent.TasksQueued q) {
        for (String taskId : q.taskIds()) {
          queuedAt.put(taskId, q.at());
          Task known = before.findTask(taskId);
          String type = known != null ? known.type() : addedTypes.get(taskId);
          if (type != null) {
            queuedByType.merge(type, 1, Integer::sum);
          }
        }
      } else if (event instanceof JobEvent.TaskStarted s) {
        startedAt.put(s.taskId(), s.at());
        Task task = before.findTask(s.taskId());
        if (task != null) {
          long queued =
              queuedAt.getOrDefault(
                  s.taskId(), task.status() == Status.QUEUED ? task.updatedAt() : 0L);
          long waited = queued > 0 ? Math.max(0, s.at() - queued) : -1;
          String type = task.type();
          told.add(o -> o.taskStarted(type, waited));
        }
      } else {
        Ended ended = ended(event);
        if (ended != null) {
          Task task = before.findTask(ended.taskId);
          if (task != null) {
            long started =
                startedAt.getOrDefault(
                    ended.taskId, task.status() == Status.RUNNING ? task.startedAt() : 0L);
            long ran = started > 0 ? Math.max(0, ended.at - started) : -1;
            String type = task.type();
            told.add(o -> o.taskEnded(type, ended.outcome, ran));
          }
        }
      }
    }
    return observer -> {
      queuedByType.forEach(observer::tasksQueued);
      told.forEach(t -> t.accept(observer));
    };
  }

  private record Ended(String taskId, Outcome outcome, long at) {}

  private static Ended ended(JobEvent event) {
    if (event instanceof JobEvent.TaskCompleted c) {
      return new Ended(c.taskId(), Outcome.COMPLETED, c.at());
    }
    if (event instanceof JobEvent.TaskFailed f) {
      return new Ended(f.taskId(), Outcome.FAILED, f.at());
    }
    if (event instanceof JobEvent.TaskTimedOut t) {
      return new Ended(t.taskId(), Outcome.TIMED_OUT, t.at());
    }
    if (event instanceof JobEvent.TaskKilled k) {
      return new Ended(k.taskId(), Outcome.KILLED, k.at());
    }
    if (event instanceof JobEvent.TaskSkipped s && s.attempt() > 0) {
      return new Ended(s.taskId(), Outcome.SKIPPED, s.at());
    }
    return null;
  }
}
