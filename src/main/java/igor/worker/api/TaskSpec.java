package igor.worker.api;

/**
 * A task a handler adds to a later layer of its own job ({@link TaskContext#addTasks}). {@code
 * retries} below 0 takes the configured default; {@code timeoutSeconds} 0 takes the default.
 */
public record TaskSpec(
    String type, byte[] args, String name, int retries, int timeoutSeconds, boolean paused) {

  public TaskSpec {
    args = args == null ? new byte[0] : args;
    name = name == null ? "" : name;
  }

  /** A task of this type with these args, and every other setting left to its default. */
  public static TaskSpec of(String type, byte[] args) {
    return new TaskSpec(type, args, "", -1, 0, false);
  }
}
