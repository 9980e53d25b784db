package igor.worker.api;

import igor.worker.internal.Attempt;
import java.util.List;

/**
 * One attempt of a task, as a handler sees it: its ids and args, its cancellation, a heartbeat, a
 * place for its message and result, its outcome, and a way to add tasks to later layers of its job.
 * The worker makes contexts; a handler's own unit tests make one with {@link #forTest}.
 */
public interface TaskContext {

  /** A context outside any worker, for a handler's own unit tests. */
  static TaskContext forTest(String taskId, int attempt, String type, byte[] args) {
    return Attempt.detached(taskId, attempt, type, args);
  }

  String jobId();

  String layerId();

  String taskId();

  /** 1 for the first attempt, and one more for every later one. */
  int attempt();

  String type();

  /** The task's args as given (decoded from base64); a copy. */
  byte[] args();

  /** The args read as UTF-8 text. */
  String argsAsText();

  /** The task's name ("" when it has none, or when an older node delivered the attempt). */
  default String name() {
    return "";
  }

  /**
   * The automatic retries the task allows after a failed attempt (its {@code retries}). Attempts
   * given back without using a retry (a pause, a worker's stop) and retries by a person also count
   * in {@link #attempt()}, so this is not how many are left: {@link #retriesLeft()} is.
   */
  default int retries() {
    return 0;
  }

  /**
   * How many automatic retries remain after this attempt if it fails retryably, as Igor knew when
   * it handed the attempt out: 0 when this is the last (or an older node delivered it). A pause, a
   * worker's stop or a person's retry meanwhile can only give more.
   */
  default int retriesLeft() {
    return 0;
  }

  /** The task's time-out for one attempt in seconds; 0 for none. */
  default int timeoutSeconds() {
    return 0;
  }

  /**
   * When Igor times this attempt out: its start, as this worker reported it, plus the time-out.
   * Empty when the task has no time-out.
   */
  default java.util.Optional<java.time.Instant> deadline() {
    return java.util.Optional.empty();
  }

  /**
   * True once Igor no longer wants this attempt (it was killed, skipped or timed out) or the worker
   * is stopping: return or throw soon. The handler's thread is interrupted as well (a batch
   * handler's thread only once every task of its batch is cancelled).
   */
  boolean isCancelled();

  /**
   * Renews this attempt's lease now. The worker renews every lease on its own every third of the
   * lease time; call this only from a handler that blocks its worker's heartbeat for longer.
   */
  void heartbeat();

  /**
   * Sends a log line of this attempt at level info (docs/worker-protocol.md, "Logs and progress"):
   * shown live in the UI and kept with the attempt (the newest igor.task-output.lines-per-attempt
   * of them). Never blocks and never throws: lines are buffered and sent in batches by the worker,
   * the oldest dropped (and counted) when the buffer is full.
   */
  void log(String line);

  /** A log line at a level: "debug", "info", "warn" or "error" (any other is sent as "info"). */
  void log(String level, String line);

  /**
   * How far this attempt is, from 0 to 1 (clamped; NaN is ignored). Only the latest figure is sent;
   * never blocks and never throws.
   */
  void progress(double fraction);

  /** The message the task shows when the attempt ends (the last one set wins). */
  void setMessage(String message);

  /** The result the task keeps when the attempt completes (a handler may also return it). */
  void setResult(byte[] result);

  /**
   * Adds tasks to a layer of this job that has not started (layer expansion at runtime), through
   * the HTTP API. Answers the new tasks' ids.
   */
  List<String> addTasks(String layerId, List<TaskSpec> tasks) throws TaskFailedException;

  /**
   * The tasks of this job's layers named {@code layerName} (several layers of one name: all their
   * tasks), with their status, result and message, through the HTTP API (GET
   * /api/v1/jobs/{id}/results): a later layer uses what an earlier one made without a store of its
   * own. Read a page at a time as the iteration goes; each iteration starts from the first page.
   * Exact for layers that finished before this attempt was handed out, which is every earlier layer
   * of a job whose layers run one group after another. Iterating throws {@link
   * igor.client.IgorException.NotFound} when the job has no layer of that name, and another {@link
   * igor.client.IgorException} when Igor cannot be reached (a handler that lets it through fails
   * its attempt retryably).
   *
   * @throws IllegalStateException when the worker has no API URL (it names the setting)
   */
  default Iterable<igor.client.LayerResult> results(String layerName) {
    throw new UnsupportedOperationException("this context reads no results");
  }

  /**
   * This task completed, with this result. What a handler sets here wins over returning or
   * throwing: a handler that calls this and then throws has completed its task.
   */
  void complete(byte[] result);

  /**
   * This task failed; {@code retryable = false} ends it at once. Wins over returning normally: a
   * handler that calls this and returns has failed its task.
   */
  void fail(String message, boolean retryable);

  /** This task is skipped (counts as done). Wins over returning or throwing. */
  void skip(String message);
}
