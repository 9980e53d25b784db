package igor.queue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * The node side of the report channel. A report stays in the inbox until acknowledged; one that a
 * node read but never acknowledged (the node died) is handed out again after a while.
 */
public interface ReportInbox {

  /**
   * The reports that {@code node} (a node gone from the cluster, named as it read them) read and
   * never acknowledged are handed out by the next reads of this inbox, without waiting to be
   * reclaimed.
   */
  void takeOverFrom(String node);

  /** Up to {@code max} reports, waiting at most {@code wait} for the first. */
  CompletionStage<List<ReceivedReport>> next(int max, Duration wait);

  /**
   * Removes the reports for good: their effects are journaled. An attempt that a final report among
   * them ended leaves the queue's keys soon after.
   */
  CompletionStage<Void> acknowledge(List<ReceivedReport> reports);

  /**
   * Moves reports that could not be read out of the inbox to the dead letters, where an operator
   * can look at them: they are not read again.
   */
  CompletionStage<Void> setAside(List<ReceivedReport> unreadable);
}
