package igor.worker.api;

/** Thrown by a handler to skip its task: it becomes SKIPPED, which counts as done. */
public class SkipTaskException extends Exception {
  public SkipTaskException(String message) {
    super(message);
  }
}
