package igor.queue;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;

/**
 * The live copy of the flow-control limits, the one admissions read (Redis), as the nodes put it in
 * line with the durable record and the configuration (docs/flow-control.md, ADR 0026).
 */
public interface LiveLimits {

  /**
   * One change to the live copy: the limit of {@code kind} and {@code name} set to {@code limit},
   * or removed when it is null. {@code version} &gt; 0: the API's change of that version, applied
   * unless the copy holds this version or a later one of the limit. {@code version} 0: the
   * configuration's, applied only where the copy holds no change of the API for the limit.
   */
  record Change(String kind, String name, FlowLimit limit, long version) {
    public static Change configured(FlowLimit limit) {
      return new Change(limit.kind(), limit.name(), limit, 0);
    }
  }

  /**
   * Applies the changes (each as {@link Change} says, atomically per change), then reads the limits
   * again and admits what they now allow. Answers how many changes were applied.
   */
  CompletionStage<Integer> apply(List<Change> changes);

  /**
   * Whether the live copy was seeded since its store last lost its data (a mark under the prefix):
   * false on a fresh or emptied Redis.
   */
  CompletionStage<Boolean> isSeeded();

  /** Marks the live copy as seeded. */
  CompletionStage<Void> markSeeded();

  /** Reads the limits again, frees slots no attempt holds and admits: the lease check's refresh. */
  CompletionStage<Void> refresh();

  /** Every limit the live copy holds, by kind and name. */
  CompletionStage<List<FlowLimit>> limits();

  /** Per limit field, the slots in use and the deliveries waiting: fresh. */
  CompletionStage<Map<String, long[]>> usage();

  /** As {@link FlowControl#waitingReason}, from what the last refresh read. */
  String waitingReason(String type, String concurrencyKey);
}
