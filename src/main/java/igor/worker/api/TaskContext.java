package igor.worker.api;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * One attempt of a task, as a handler sees it: its ids and args, its cancellation, a heartbeat, a
 * place for its message and result, and a way to add tasks to later layers of its job.
 */
public final class TaskContext {

  /** How a worker carries out what a context asks for. */
  interface Services {
    void heartbeat(TaskContext context);

    List<String> addTasks(TaskContext context, String layerId, List<TaskSpec> tasks)
        throws TaskFailedException;
  }

  /** The outcome a batch handler set on a context. */
  enum Outcome {
    NONE,
    COMPLETED,
    FAILED,
    FAILED_FOR_GOOD,
    SKIPPED
  }

  private final String jobId;
  private final String layerId;
  private final String taskId;
  private final int attempt;
  private final String type;
  private final byte[] args;
  private final String deliveryId;
  private final Services services;
  private volatile boolean cancelled;
  private volatile String message = "";
  private volatile byte[] result;
  private volatile Outcome outcome = Outcome.NONE;

  TaskContext(
      String jobId,
      String layerId,
      String taskId,
      int attempt,
      String type,
      byte[] args,
      String deliveryId,
      Services services) {
    this.jobId = jobId;
    this.layerId = layerId;
    this.taskId = taskId;
    this.attempt = attempt;
    this.type = type;
    this.args = args;
    this.deliveryId = deliveryId;
    this.services = services;
  }

  /** A context outside any worker, for a handler's own unit tests. */
  public static TaskContext forTest(String taskId, int attempt, String type, byte[] args) {
    return new TaskContext(
        "",
        "",
        taskId,
        attempt,
        type,
        args,
        "",
        new Services() {
          @Override
          public void heartbeat(TaskContext context) {}

          @Override
          public List<String> addTasks(TaskContext context, String layerId, List<TaskSpec> tasks)
              throws TaskFailedException {
            throw new TaskFailedException("no Igor to add tasks to in a test context", false);
          }
        });
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

  /** 1 for the first attempt, and one more for every later one. */
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

  /**
   * True once Igor no longer wants this attempt (it was killed, skipped or timed out) or the worker
   * is stopping: return or throw soon. The handler's thread is interrupted as well (a batch
   * handler's thread only once every task of its batch is cancelled).
   */
  public boolean isCancelled() {
    return cancelled || Thread.currentThread().isInterrupted();
  }

  /**
   * Renews this attempt's lease now. The worker renews every lease on its own every third of the
   * lease time; call this only from a handler that blocks its worker's heartbeat for longer.
   */
  public void heartbeat() {
    services.heartbeat(this);
  }

  /** The message the task shows when the attempt ends (the last one set wins). */
  public void setMessage(String message) {
    this.message = message == null ? "" : message;
  }

  /** The result the task keeps when the attempt completes (a handler may also return it). */
  public void setResult(byte[] result) {
    this.result = result;
  }

  /**
   * Adds tasks to a layer of this job that has not started (layer expansion at runtime), through
   * the HTTP API. Answers the new tasks' ids.
   */
  public List<String> addTasks(String layerId, List<TaskSpec> tasks) throws TaskFailedException {
    return services.addTasks(this, layerId, tasks);
  }

  /**
   * This task completed, with this result. Any handler may say so (a batch handler does for each of
   * its tasks); what a handler sets here wins over returning or throwing.
   */
  public void complete(byte[] result) {
    this.result = result;
    this.outcome = Outcome.COMPLETED;
  }

  /**
   * This task failed; {@code retryable = false} ends it at once. Wins over returning normally: a
   * handler that calls this and returns has failed its task.
   */
  public void fail(String message, boolean retryable) {
    setMessage(message);
    this.outcome = retryable ? Outcome.FAILED : Outcome.FAILED_FOR_GOOD;
  }

  /** This task is skipped (counts as done). Wins over returning or throwing. */
  public void skip(String message) {
    setMessage(message);
    this.outcome = Outcome.SKIPPED;
  }

  String deliveryId() {
    return deliveryId;
  }

  String message() {
    return message;
  }

  byte[] result() {
    return result;
  }

  Outcome outcome() {
    return outcome;
  }

  void cancel() {
    cancelled = true;
  }

  /** Whether the worker was told to stop this attempt (whatever thread asks). */
  boolean cancelFlag() {
    return cancelled;
  }
}
