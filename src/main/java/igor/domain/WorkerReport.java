package igor.domain;

/**
 * What a worker says about one attempt of a task. A report is matched to its attempt by {@code
 * (taskId, attempt)}; one for an attempt that is no longer current is ignored. {@code traceParent}
 * is the W3C traceparent of the worker's span of the attempt (empty if it sent none): the job's
 * span that applies the report links to it.
 */
public record WorkerReport(
    Kind kind,
    String jobId,
    String taskId,
    int attempt,
    String worker,
    String message,
    byte[] result,
    boolean retryable,
    long at,
    String traceParent) {

  public enum Kind {
    STARTED,
    COMPLETED,
    FAILED,
    SKIPPED,
    /** The worker gives the attempt back unfinished (it is stopping): run it elsewhere. */
    RELEASED
  }

  public WorkerReport {
    worker = worker == null ? "" : worker;
    message = message == null ? "" : message;
    traceParent = traceParent == null ? "" : traceParent;
  }

  /** A report outside any trace. */
  public WorkerReport(
      Kind kind,
      String jobId,
      String taskId,
      int attempt,
      String worker,
      String message,
      byte[] result,
      boolean retryable,
      long at) {
    this(kind, jobId, taskId, attempt, worker, message, result, retryable, at, "");
  }
}
