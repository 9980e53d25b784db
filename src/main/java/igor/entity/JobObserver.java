package igor.entity;

import igor.domain.JobSummary;

/**
 * What a job entity tells its node once events are journaled, for metrics. Calls come from entity
 * threads, so implementations must be thread-safe and quick. Times are unix milliseconds; a
 * duration that cannot be known (the job moved nodes meanwhile) is -1.
 */
public interface JobObserver {

  /** Attempts of tasks of this type were handed to the queue. */
  void tasksQueued(String type, int count);

  /** An attempt began, {@code waitedMillis} after it was queued. */
  void taskStarted(String type, long waitedMillis);

  /** An attempt ended with {@code outcome}, {@code ranMillis} after it started. */
  void taskEnded(String type, Outcome outcome, long ranMillis);

  /**
   * {@code count} attempts of tasks of this type ended with {@code outcome} before they started (a
   * bulk kill or skip of queued tasks): as many {@link #taskEnded} with an unknown run time (-1),
   * told at once.
   */
  default void tasksEnded(String type, Outcome outcome, int count) {
    for (int i = 0; i < count; i++) {
      taskEnded(type, outcome, -1);
    }
  }

  /** One journal write of a job (one {@code persist} of a list of events) took this long. */
  void journalWritten(long nanos);

  /**
   * The job lives on this node with this status and these task counts: told once it is recovered
   * and after each journal write (a summary is read from the layers' counts, not the tasks).
   */
  void jobHeld(JobSummary job);

  /** The job left this node's memory. */
  void jobReleased(String jobId);

  /**
   * Recovering the job from its journal failed, or it recovered into a state it cannot act on (told
   * once per failed recovery, so a job that keeps failing keeps counting).
   */
  void recoveryFailed(String jobId, String problem);

  /** How an attempt ended. */
  enum Outcome {
    COMPLETED,
    FAILED,
    TIMED_OUT,
    KILLED,
    SKIPPED
  }

  /** An observer that does nothing (tests, tools). */
  JobObserver NONE =
      new JobObserver() {
        @Override
        public void tasksQueued(String type, int count) {}

        @Override
        public void taskStarted(String type, long waitedMillis) {}

        @Override
        public void taskEnded(String type, Outcome outcome, long ranMillis) {}

        @Override
        public void journalWritten(long nanos) {}

        @Override
        public void jobHeld(JobSummary job) {}

        @Override
        public void jobReleased(String jobId) {}

        @Override
        public void recoveryFailed(String jobId, String problem) {}
      };
}
