package igor.domain;

/**
 * One attempt in a {@link JobEvent.AttemptsReported}: what the reports of one batch said about it.
 * It began in this batch ({@code started}, on {@code worker}), ended in it ({@code outcome} not
 * null), or both: an attempt whose start and end reached its job in one batch is one entry, so it
 * costs no journal row of its own, and its start is still read from it (a {@link
 * JobEvent.TaskStarted} then the event of its outcome, {@link JobEvent.AttemptsReported#each}).
 *
 * <p>Persisted with short field names (docs/adr/0019-one-event-per-report-batch.md): {@code t},
 * {@code a}, {@code s}, {@code w}, {@code o}, {@code m}, {@code r}, {@code ra}, each left out at
 * its default.
 *
 * @param taskId the task
 * @param attempt the attempt the reports name
 * @param started whether a worker began the attempt in this batch
 * @param worker the worker that began it ("" when it did not begin in this batch)
 * @param outcome how the attempt ended in this batch, or null when it did not end in it
 * @param message the message of the outcome ("" when none): for {@link Outcome#WITHDRAWN} the
 *     reason
 * @param result the result of a {@link Outcome#COMPLETED} attempt (null when none)
 * @param retryAt for {@link Outcome#FAILED}: when the task is queued again (unix ms), 0 when it is
 *     ERRORED
 */
public record ReportedAttempt(
    String taskId,
    int attempt,
    boolean started,
    String worker,
    Outcome outcome,
    String message,
    byte[] result,
    long retryAt) {

  /** How an attempt ended, as its worker reported it. */
  public enum Outcome {
    /** {@link JobEvent.TaskCompleted} */
    COMPLETED,
    /** {@link JobEvent.TaskFailed} */
    FAILED,
    /** {@link JobEvent.TaskSkipped} */
    SKIPPED,
    /** {@link JobEvent.TaskWithdrawn}: the worker gave the attempt back unfinished. */
    WITHDRAWN
  }

  public ReportedAttempt {
    worker = worker == null ? "" : worker;
    message = message == null ? "" : message;
    if (!started && outcome == null) {
      throw new IllegalArgumentException(
          "attempt " + attempt + " of task " + taskId + " neither started nor ended");
    }
  }

  /** A worker began the attempt. */
  public static ReportedAttempt started(String taskId, int attempt, String worker) {
    return new ReportedAttempt(taskId, attempt, true, worker, null, "", null, 0);
  }

  /** The attempt ended so (it began in an earlier batch). */
  public static ReportedAttempt ended(
      String taskId, int attempt, Outcome outcome, String message, byte[] result, long retryAt) {
    return new ReportedAttempt(taskId, attempt, false, "", outcome, message, result, retryAt);
  }

  /**
   * This attempt, begun in this batch, followed by {@code end}, its end in the same batch: one
   * entry; null when {@code end} is not the end of this attempt begun here.
   */
  ReportedAttempt endedBy(ReportedAttempt end) {
    if (!started
        || outcome != null
        || end.started
        || end.attempt != attempt
        || !end.taskId.equals(taskId)) {
      return null;
    }
    return new ReportedAttempt(
        taskId, attempt, true, worker, end.outcome, end.message, end.result, end.retryAt);
  }
}
