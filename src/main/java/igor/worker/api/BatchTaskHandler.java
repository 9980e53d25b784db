package igor.worker.api;

import java.time.Duration;
import java.util.List;

/**
 * Runs tasks of one type in batches: at most {@link #maxBatchSize()} at once, waiting at most
 * {@link #maxWait()} to fill a batch. Each task still gets its own outcome: call {@link
 * TaskContext#complete}, {@link TaskContext#fail} or {@link TaskContext#skip} on its context. A
 * context left without an outcome completes (with {@link TaskContext#setResult its result}) when
 * {@link #handle} returns, and fails with the exception's message when it throws. When Igor stops
 * one task of a running batch (kill, skip, time-out), only that task's context is cancelled; the
 * batch's thread is interrupted once every task of the batch is.
 */
public interface BatchTaskHandler {

  String type();

  int maxBatchSize();

  Duration maxWait();

  void handle(List<TaskContext> batch) throws Exception;
}
