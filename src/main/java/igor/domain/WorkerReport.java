package igor.domain;

/**
 * What a worker says about one attempt of a task. A report is matched to its attempt by {@code
 * (taskId, attempt)}; one for an attempt that is no longer current is ignored.
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
    long at) {

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
  }
}
