package igor.queue;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;

/** Flow control's limits as the API reads and changes them (docs/flow-control.md). */
public interface FlowControl {
  /** Every limit set. */
  CompletionStage<List<FlowLimit>> limits();

  /** Sets a limit (replacing the one of the same kind and name); admits what it now allows. */
  CompletionStage<Void> set(FlowLimit limit);

  /** Removes a limit: answers whether there was one; admits what it held back. */
  CompletionStage<Boolean> remove(String kind, String name);

  /** Per limit field, the slots in use and the deliveries waiting: fresh. */
  CompletionStage<Map<String, long[]>> usage();

  /**
   * Why a QUEUED task of this type and concurrency key (null when none) waits for a limit, or null.
   */
  String waitingReason(String type, String concurrencyKey);
}
