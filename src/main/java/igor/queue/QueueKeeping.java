package igor.queue;

import java.util.Collection;
import java.util.Map;
import java.util.concurrent.CompletionStage;

/** What the nodes do to keep the queue honest: fail lost attempts, notice lost data. */
public interface QueueKeeping {

  /**
   * Fails, with message "lost worker", at most {@code max} attempts whose lease ran out before
   * {@code now} (unix millis): each becomes a failure report on the report channel, at most once.
   * Answers how many.
   */
  CompletionStage<Integer> failExpiredLeases(long now, int max);

  /**
   * Gives the deliveries that workers took and never claimed back to the front of their queues, for
   * every worker whose take heartbeat lapsed (it died between a take and its claims). Answers how
   * many went back.
   */
  CompletionStage<Integer> giveBackLapsedTakes();

  /**
   * True when the queue's data is the data this node saw before; false when it was lost since (the
   * first call only records what it sees).
   */
  CompletionStage<Boolean> isIntact();

  /** True when the queue answers a round trip. */
  CompletionStage<Boolean> answers();

  /** How many deliveries wait in the queue of each of these task types. */
  CompletionStage<Map<String, Long>> depths(Collection<String> types);

  /** How many dead letters (messages no one could read) the queue keeps now. */
  CompletionStage<Long> deadLetterCount();
}
