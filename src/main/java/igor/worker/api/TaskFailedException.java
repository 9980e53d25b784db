package igor.worker.api;

/** Fails an attempt with a message; {@code retryable = false} ends the task at once (ERRORED). */
public class TaskFailedException extends Exception {
  private final boolean retryable;

  public TaskFailedException(String message, boolean retryable) {
    super(message);
    this.retryable = retryable;
  }

  public TaskFailedException(String message) {
    this(message, true);
  }

  public boolean isRetryable() {
    return retryable;
  }
}
