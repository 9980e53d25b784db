package igor.client;

import igor.worker.api.TaskSpec;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.function.Predicate;

/**
 * What a JVM program can ask of Igor, whichever way it reaches it: {@link IgorClient} over the HTTP
 * API v1, or {@link ClusterIgor} from inside a node of the Igor cluster (no HTTP). Every method
 * blocks until Igor answers and throws an {@link IgorException} subclass when it refuses (the same
 * ones on both).
 *
 * <p>Lists, single layers and tasks, and counts come from the read model and are only on {@link
 * IgorClient}.
 */
public interface Igor {

  /**
   * Creates a job with its layers and tasks.
   *
   * @return the whole job with ids and etags filled
   * @throws IgorException.BadRequest when a field is wrong
   * @throws IgorException.TooLarge when it is over a limit
   */
  Job create(JobSpec job);

  /**
   * Adds tasks to a layer that has not started (or runs paused).
   *
   * @return the tasks as added
   * @throws IgorException.NotFound when the layer is unknown
   * @throws IgorException.Conflict when the layer has started
   */
  List<Task> addTasks(String layerId, List<TaskSpec> tasks);

  /**
   * The whole job with its layers and their tasks, exact (from the job itself).
   *
   * @throws IgorException.NotFound when the job is unknown
   */
  Job job(String jobId);

  /**
   * The actions people took on the job, oldest first.
   *
   * @throws IgorException.NotFound when the job is unknown
   */
  List<AuditEntry> audit(String jobId);

  /**
   * Applies an action to objects of any jobs.
   *
   * @return how many objects changed (stale etags do not count)
   * @throws IgorException.BadRequest when a ref is malformed (nothing changes)
   * @throws IgorException.NotFound when an id names no job, layer or task (nothing changes)
   */
  int act(Action action, Collection<Ref> refs);

  /** Pauses the objects; answers how many changed. */
  default int pause(Ref... refs) {
    return act(Action.PAUSE, Arrays.asList(refs));
  }

  /** Unpauses the objects; answers how many changed. */
  default int unpause(Ref... refs) {
    return act(Action.UNPAUSE, Arrays.asList(refs));
  }

  /** Skips the objects; answers how many changed. */
  default int skip(Ref... refs) {
    return act(Action.SKIP, Arrays.asList(refs));
  }

  /** Kills the objects' queued and running attempts; answers how many changed. */
  default int kill(Ref... refs) {
    return act(Action.KILL, Arrays.asList(refs));
  }

  /** Retries the objects' errored tasks; answers how many changed. */
  default int retry(Ref... refs) {
    return act(Action.RETRY, Arrays.asList(refs));
  }

  /**
   * Creates a schedule: a job fired at each due time of a cron expression (docs/semantics.md,
   * "Schedules").
   *
   * @return the schedule with its id and next due time
   * @throws IgorException.BadRequest when a field is wrong (the cron expression, its time zone, due
   *     times closer than igor.schedules.min-interval, the job)
   * @throws IgorException.Conflict when igor.schedules.max-schedules exist already
   */
  Schedule createSchedule(ScheduleSpec schedule);

  /** Every schedule, oldest first. */
  List<Schedule> schedules();

  /**
   * The schedule, exact (from the schedule itself).
   *
   * @throws IgorException.NotFound when the schedule is unknown
   */
  Schedule schedule(String scheduleId);

  /**
   * Pauses the schedule: it fires nothing but triggers until it is unpaused, and the due times that
   * pass meanwhile never fire (unpausing does not catch them up).
   *
   * @return the schedule as it is now
   * @throws IgorException.NotFound when the schedule is unknown
   */
  Schedule pauseSchedule(String scheduleId);

  /**
   * Unpauses the schedule.
   *
   * @return the schedule as it is now
   * @throws IgorException.NotFound when the schedule is unknown
   */
  Schedule unpauseSchedule(String scheduleId);

  /**
   * Fires the schedule now, paused or not: its job is in {@link Schedule#lastFire()} (manual).
   *
   * @return the schedule as it is now
   * @throws IgorException.NotFound when the schedule is unknown
   */
  Schedule triggerSchedule(String scheduleId);

  /**
   * Deletes the schedule; the jobs it fired stay.
   *
   * @return the schedule as it was last
   * @throws IgorException.NotFound when the schedule is unknown
   */
  Schedule deleteSchedule(String scheduleId);

  /**
   * Reads the job every quarter second until it satisfies the condition.
   *
   * @return the job as it satisfied it
   * @throws IgorException.TimedOut when the time-out passes first (it carries the last job seen)
   * @throws IgorException.NotFound when the job is unknown
   */
  default Job awaitJob(String jobId, Predicate<Job> until, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    Job last = null;
    while (true) {
      last = job(jobId);
      if (until.test(last)) {
        return last;
      }
      if (System.nanoTime() >= deadline) {
        throw new IgorException.TimedOut(
            "job " + jobId + " was not as awaited within " + timeout + "; it is " + last.status(),
            last);
      }
      try {
        Thread.sleep(250);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IgorException(0, "interrupted while awaiting job " + jobId, e);
      }
    }
  }

  /** Awaits the job's end: a final status ({@link Job#isFinished()}). */
  default Job awaitFinished(String jobId, Duration timeout) {
    return awaitJob(jobId, Job::isFinished, timeout);
  }
}
