package igor.worker.api;

import java.util.List;

/**
 * A batch of attempts of one type, as a {@link BatchTaskHandler} sees it: its tasks, each with its
 * own outcome, and what concerns the batch as a whole (its cancellation and its heartbeat).
 *
 * <p>Each task's fate is set on its own context: {@link TaskContext#complete}, {@link
 * TaskContext#fail} or {@link TaskContext#skip}. A task left without an outcome completes (with
 * {@link TaskContext#setResult its result}) when the handler returns, and fails with the
 * exception's message when it throws. When Igor stops one task of a running batch (kill, skip,
 * time-out), only that task's context is cancelled; the batch's thread is interrupted once every
 * task of the batch is.
 */
public interface BatchContext {

  /** The task type of every task of the batch. */
  String type();

  /** The batch's tasks, in the order they were taken; at least one. */
  List<TaskContext> tasks();

  /**
   * True once every task of the batch is cancelled, or the worker is stopping: return or throw
   * soon. A batch with some tasks cancelled goes on for the others ({@link TaskContext#isCancelled}
   * says which).
   */
  boolean isCancelled();

  /**
   * Renews the lease of every task of the batch now (the worker renews them on its own every third
   * of the lease time; call this only from a handler that blocks its worker's heartbeat for
   * longer).
   */
  void heartbeat();
}
