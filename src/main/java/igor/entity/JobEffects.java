package igor.entity;

import igor.domain.Identifiers;
import igor.domain.Job;
import igor.domain.JobEvent;
import igor.domain.Status;
import igor.domain.Task;
import igor.domain.TaskTransition;
import igor.domain.Transitions;
import igor.queue.AttemptLease;
import igor.queue.TaskDelivery;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * What a job entity must do outside itself once events are journaled, or once its job is recovered:
 * attempts to hand to the queue, attempts to take back (and stop on their workers), when time alone
 * next changes the job, and whether it may leave memory. Pure: derived from the job and the events
 * (read through {@link Transitions}); the entity carries it out.
 *
 * @param deliveries attempts waiting in QUEUED that the queue must hold
 * @param withdrawals attempts Igor ended that a worker may still hold
 * @param wakeAt the next moment time alone changes the job (a retry, a time-out), or 0
 * @param atRest nothing will happen to the job unless someone asks
 * @param jobStatus the job's new status, when the events changed it
 */
public record JobEffects(
    List<TaskDelivery> deliveries,
    List<TaskDelivery> withdrawals,
    long wakeAt,
    boolean atRest,
    Optional<Status> jobStatus) {

  public JobEffects {
    deliveries = List.copyOf(deliveries);
    withdrawals = List.copyOf(withdrawals);
  }

  /** The effects of {@code events}, journaled, on {@code job} (the job after them). */
  public static JobEffects afterPersist(Job job, List<JobEvent> events) {
    List<String> queued = new ArrayList<>();
    List<TaskDelivery> withdrawn = new ArrayList<>();
    Optional<Status> status = Optional.empty();
    for (JobEvent event : events) {
      if (event instanceof JobEvent.JobCreated || event instanceof JobEvent.TasksAdded) {
        continue; // declarations: nothing to hand out or take back (and a plan may be large)
      }
      Transitions transitions = Transitions.of(event);
      for (TaskTransition task : transitions.tasks()) {
        if (task.step() == TaskTransition.Step.QUEUED) {
          queued.add(task.taskId());
        } else if (task.stopsAttempt()) {
          withdrawn.add(withdrawal(job, task.taskId(), task.attempt(), task.step()));
        }
      }
      if (transitions.job().isPresent()) {
        status = transitions.job();
      }
    }
    return new JobEffects(
        deliveries(job, queued), withdrawn, job.nextWakeAt(), isAtRest(job), status);
  }

  /** After recovery: every attempt in QUEUED is handed out again (the queue drops duplicates). */
  public static JobEffects afterRecovery(Job job) {
    return new JobEffects(
        queued(job), List.of(), job.nextWakeAt(), isAtRest(job), Optional.empty());
  }

  /**
   * The deliveries of every attempt waiting in QUEUED: what is handed out again after recovery, or
   * once the queue lost its data (the queue drops duplicates).
   */
  static List<TaskDelivery> queued(Job job) {
    List<String> queued =
        job.tasksInFlight().stream()
            .filter(t -> t.status() == Status.QUEUED)
            .map(Task::id)
            .toList();
    return deliveries(job, queued);
  }

  /**
   * A lease for every attempt that runs, once the queue lost its data (and the leases with it): an
   * attempt whose worker is gone then fails in time instead of running for ever.
   */
  static List<AttemptLease> leases(Job job) {
    return job.tasksInFlight().stream()
        .filter(t -> t.status() != Status.QUEUED)
        .map(t -> new AttemptLease(job.id(), t.id(), t.attempts()))
        .toList();
  }

  /** The tasks QUEUED since {@code at} (unix ms) or earlier: none of them claimed since. */
  static List<String> queuedBefore(Job job, long at) {
    List<String> ids = new ArrayList<>();
    for (Task task : job.tasksInFlight()) {
      if (task.status() == Status.QUEUED && task.updatedAt() <= at) {
        ids.add(task.id());
      }
    }
    return ids;
  }

  /**
   * The deliveries of those tasks that still wait in QUEUED, as their current attempts, in the
   * job's trace (a decision's span, when there is one, takes its place: {@link EffectRunner}).
   */
  static List<TaskDelivery> deliveries(Job job, Collection<String> taskIds) {
    List<TaskDelivery> deliveries = new ArrayList<>(taskIds.size());
    for (String taskId : taskIds) {
      Task task = job.findTask(taskId);
      if (task != null && task.status() == Status.QUEUED) {
        deliveries.add(
            new TaskDelivery(
                job.id(),
                task.layerId(),
                task.id(),
                task.attempts(),
                task.queueTaskId(),
                task.type(),
                task.args(),
                task.name(),
                task.retries(),
                task.timeoutSeconds(),
                job.traceParent(),
                task.retriesLeft(),
                task.flow()));
      }
    }
    return deliveries;
  }

  /**
   * The delivery of an attempt as it was handed out (stopped by {@code step}), so that the queue
   * can find it by value.
   */
  static TaskDelivery withdrawal(Job job, String taskId, int attempt, TaskTransition.Step step) {
    Task task = job.findTask(taskId);
    String deliveryId = Identifiers.deliveryId(taskId, attempt);
    if (task == null) {
      return new TaskDelivery(job.id(), "", taskId, attempt, deliveryId, "", null);
    }
    return new TaskDelivery(
        job.id(),
        task.layerId(),
        taskId,
        attempt,
        deliveryId,
        task.type(),
        task.args(),
        task.name(),
        task.retries(),
        task.timeoutSeconds(),
        "",
        task.retriesLeftWhenHandedOut(attempt, step),
        task.flow());
  }

  /** Nothing will happen to the job unless someone asks: it may leave memory. */
  static boolean isAtRest(Job job) {
    return job.exists()
        && job.status().isFinal()
        && job.tasksInFlight().isEmpty()
        && job.nextWakeAt() == 0;
  }
}
