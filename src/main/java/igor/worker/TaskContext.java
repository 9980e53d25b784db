package igor.worker;

import java.nio.charset.StandardCharsets;

/** One attempt of a task, as a handler sees it. */
public final class TaskContext {
  private final String jobId;
  private final String layerId;
  private final String taskId;
  private final int attempt;
  private final String type;
  private final byte[] args;
  private volatile boolean cancelled;

  public TaskContext(
      String jobId, String layerId, String taskId, int attempt, String type, byte[] args) {
    this.jobId = jobId;
    this.layerId = layerId;
    this.taskId = taskId;
    this.attempt = attempt;
    this.type = type;
    this.args = args;
  }

  public String jobId() {
    return jobId;
  }

  public String layerId() {
    return layerId;
  }

  public String taskId() {
    return taskId;
  }

  /** 1 for the first attempt, and one more for every retry. */
  public int attempt() {
    return attempt;
  }

  public String type() {
    return type;
  }

  /** The task's args as given (decoded from base64). */
  public byte[] args() {
    return args.clone();
  }

  /** The args read as UTF-8 text. */
  public String argsAsText() {
    return new String(args, StandardCharsets.UTF_8);
  }

  /** True once Igor no longer wants this attempt (it was killed, skipped or timed out). */
  public boolean isCancelled() {
    return cancelled || Thread.currentThread().isInterrupted();
  }

  void cancel() {
    cancelled = true;
  }
}
