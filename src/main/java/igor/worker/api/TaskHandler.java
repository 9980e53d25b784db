package igor.worker.api;

/**
 * Runs tasks of one type. Implement it to give Igor's workers a new kind of work.
 *
 * <p>{@link #handle} returns the task's result (any bytes, or null for none). Throwing fails the
 * attempt: it is retried while the task has retries left, unless the exception is a {@link
 * TaskFailedException} that says it is not retryable. Throwing {@link SkipTaskException} skips the
 * task. A handler should stop soon after {@link TaskContext#isCancelled()} turns true.
 */
public interface TaskHandler {

  /** The task type this handler runs, as given in {@code type} when tasks are created. */
  String type();

  byte[] handle(TaskContext context) throws Exception;
}
