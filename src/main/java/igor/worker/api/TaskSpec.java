package igor.worker.api;

import java.time.Duration;

/**
 * A task to create: in a new job's layer ({@code igor.client.LayerSpec}), added to a layer by a
 * client ({@code igor.client.Igor#addTasks}) or by a handler to a later layer of its own job
 * ({@link TaskContext#addTasks}). {@code retries} below 0 takes the configured default; {@code
 * timeoutSeconds} 0 takes the default.
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

  /** This task with a name. */
  public TaskSpec withName(String name) {
    return new TaskSpec(type, args, name, retries, timeoutSeconds, paused);
  }

  /** This task with this many automatic retries after a failed first attempt. */
  public TaskSpec withRetries(int retries) {
    return new TaskSpec(type, args, name, retries, timeoutSeconds, paused);
  }

  /**
   * This task with a limit on one attempt (whole seconds, rounded up, at least one). Igor refuses a
   * time-out over its {@code igor.limits.max-task-timeout} (7 days unless configured otherwise);
   * one beyond the range of an int is kept at {@link Integer#MAX_VALUE}, so that it is refused too
   * rather than wrapped around.
   */
  public TaskSpec withTimeout(Duration timeout) {
    long whole = timeout.getSeconds() + (timeout.getNano() > 0 ? 1 : 0);
    int seconds = (int) Math.min(Integer.MAX_VALUE, Math.max(1, whole));
    return new TaskSpec(type, args, name, retries, seconds, paused);
  }

  /** This task created paused: not queued until it is unpaused. */
  public TaskSpec asPaused() {
    return new TaskSpec(type, args, name, retries, timeoutSeconds, true);
  }
}
