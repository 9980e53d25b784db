package igor.worker.api;

import java.time.Duration;

/**
 * Runs tasks of one type in batches: at most {@link #maxBatchSize()} at once, waiting at most
 * {@link #maxWait()} to fill a batch. Each task of the {@link BatchContext} still gets its own
 * outcome (see there).
 */
public interface BatchTaskHandler {

  /** The task type this handler runs, as given in {@code type} when tasks are created. */
  String type();

  int maxBatchSize();

  Duration maxWait();

  void handle(BatchContext batch) throws Exception;
}
