package igor.domain;

/**
 * What one event does to one task: the step it takes, the status it moves to, and the fields that
 * change with it. Read from an event by {@link Transitions#of}.
 *
 * @param taskId the task
 * @param step what happened to it
 * @param to its status from now on
 * @param attempt the attempt the event names; 0 when it names none (a task added, queued for a new
 *     attempt, reset, or skipped while no attempt was in flight)
 * @param message the task's message from now on, or null when the event leaves it as it was
 * @param retryAt when a task that waits after a failed attempt is queued again (unix millis); 0
 *     when it does not wait. Every transition sets it.
 * @param worker the worker that holds the attempt from now on ("" for none), or null when the event
 *     leaves it as it was
 * @param result the task's result from now on when {@link #changesResult()}, else null
 */
public record TaskTransition(
    String taskId,
    Step step,
    Status to,
    int attempt,
    String message,
    long retryAt,
    String worker,
    byte[] result) {

  /** The message of a task skipped by a person while no attempt of it was in flight. */
  public static final String SKIPPED = "skipped";

  /** The message of an attempt that Igor stopped (kill, or the kill before a retry). */
  public static final String KILLED = "killed";

  /** The message of an attempt that outlived its task's time-out. */
  public static final String TIMED_OUT = "timed out";

  /** What happened to the task. */
  public enum Step {
    /** The task joined its layer: PENDING. */
    ADDED,
    /** A new attempt begins and is handed to the queue. */
    QUEUED,
    /** A worker began running the attempt. */
    STARTED,
    /** The attempt succeeded. */
    COMPLETED,
    /** The attempt failed: the task waits for a retry (PENDING) or is ERRORED. */
    FAILED,
    /** The attempt outlived its time-out: a failure, retried like one. */
    TIMED_OUT,
    /** Igor stopped the attempt: ERRORED "killed". */
    KILLED,
    /** The task was skipped, by its handler or a person: SKIPPED, it counts as done. */
    SKIPPED,
    /** The attempt was taken back (paused while queued, given back by its worker): PENDING. */
    WITHDRAWN,
    /** A person retried the task: PENDING with a fresh allowance of retries. */
    RESET
  }

  /** Whether an attempt ends here (for good: no later report of it counts). */
  public boolean endsAttempt() {
    if (attempt == 0) {
      return false;
    }
    return switch (step) {
      case COMPLETED, FAILED, TIMED_OUT, KILLED, SKIPPED, WITHDRAWN -> true;
      case ADDED, QUEUED, STARTED, RESET -> false;
    };
  }

  /**
   * Whether the worker that may hold the attempt must be told to stop it: Igor ended an attempt
   * that its handler did not end itself.
   */
  public boolean stopsAttempt() {
    if (attempt == 0) {
      return false;
    }
    return switch (step) {
      case KILLED, SKIPPED, TIMED_OUT, WITHDRAWN -> true;
      case ADDED, QUEUED, STARTED, COMPLETED, FAILED, RESET -> false;
    };
  }

  /** Whether the task's result changes: set by a completed attempt, cleared by a reset. */
  public boolean changesResult() {
    return step == Step.COMPLETED || step == Step.RESET;
  }

  /** A failed attempt waits for a retry when a time for it was decided; else it is final. */
  static Status afterFailure(long retryAt) {
    return retryAt > 0 ? Status.PENDING : Status.ERRORED;
  }
}
