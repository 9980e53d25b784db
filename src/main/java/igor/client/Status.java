package igor.client;

/**
 * The status of a job, layer or task as API v1 spells it (SEMANTICS.md section 2). The names are
 * the wire format; a test keeps them equal to the server's.
 */
public enum Status {
  /** Waiting: its layer has not started, or it waits for a retry. */
  PENDING,
  /** Handed to the queue, not yet taken by a worker. */
  QUEUED,
  /** A worker runs it. */
  RUNNING,
  /** Stopped by a person; needs a retry to run again. */
  KILLED,
  /** Finished well. */
  COMPLETED,
  /** Failed for good (retries used up, killed, or a non-retryable failure). */
  ERRORED,
  /** Skipped by a person or a handler; counts as done. */
  SKIPPED;

  /** Whether only a person (retry) can change this status again. */
  public boolean isFinal() {
    return this == COMPLETED || this == ERRORED || this == SKIPPED || this == KILLED;
  }

  /** Completed or skipped: done, as far as the next group of layers is concerned. */
  public boolean isDone() {
    return this == COMPLETED || this == SKIPPED;
  }
}
