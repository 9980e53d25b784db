package igor.queue;

import igor.domain.TaskOutput;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The nodes' side of the task output stream (docs/worker-protocol.md, "Logs and progress"): entries
 * are read by one node of the group each, stored, then acknowledged; an entry that breaks the rules
 * is set aside as a dead letter. What a node stored is handed to every node ({@link #publish}), for
 * the event streams they serve.
 */
public interface TaskOutputChannel {

  /** An entry read: {@code entry} null when it broke the rules ({@code problem} says how). */
  record Received(String receipt, TaskOutput.Entry entry, String raw, String problem) {}

  /**
   * The next entries, at most {@code max}, waiting at most {@code wait} for one; entries left
   * unacknowledged by a node that died are taken over first. Blocks the calling thread.
   */
  List<Received> next(int max, Duration wait);

  /**
   * The entries that {@code node} (a node gone from the cluster, named as it read them) read and
   * never acknowledged are handed out by the next reads, without waiting to be reclaimed.
   */
  void takeOverFrom(String node);

  /** Of these delivery ids, the attempts whose claim is held: taken, and running or just ended. */
  Set<String> claimed(Collection<String> deliveryIds);

  /** Removes these entries from the stream (acknowledged and deleted). */
  void acknowledge(List<Received> received);

  /** Moves these entries to the dead letters and removes them from the stream, in one step. */
  void setAside(List<Received> unreadable);

  /** Hands stored entries to every node's listeners (at most once, live only). */
  void publish(List<TaskOutput.Entry> stored);

  /** Calls {@code listener} with what any node publishes until the answer is closed. */
  AutoCloseable subscribe(Consumer<List<TaskOutput.Entry>> listener);
}
