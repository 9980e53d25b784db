package igor.queue;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;

/**
 * The nodes' read of the worker registry: the worker processes that announced themselves
 * (docs/worker-protocol.md, "Registry"), and those that take work without announcing.
 */
public interface WorkerRegistry {

  /**
   * The workers known now, the most recently seen first, at most {@code max} of them (of {@code
   * total} known), with the time of the registry's clock they were judged at.
   */
  CompletionStage<Workers> workers(int max);

  /**
   * {@code now}: Redis's clock, unix ms; {@code total}: how many announced workers are known,
   * listed or not; {@code unannounced}: takers with a live heartbeat that did not announce (older
   * workers): they take work, but of types not known here.
   */
  record Workers(long now, int total, List<WorkerRecord> workers, List<String> unannounced) {
    public Workers {
      workers = List.copyOf(workers);
      unannounced = List.copyOf(unannounced);
    }

    /** The task types that at least one live worker takes, with the live workers of each. */
    public Map<String, Integer> liveWorkersByType() {
      Map<String, Integer> byType = new java.util.TreeMap<>();
      for (WorkerRecord w : workers) {
        if (w.status(now) == WorkerRecord.Status.LIVE) {
          w.types().keySet().forEach(t -> byType.merge(t, 1, Integer::sum));
        }
      }
      return byType;
    }

    public int live() {
      return (int) workers.stream().filter(w -> w.status(now) == WorkerRecord.Status.LIVE).count();
    }
  }

  /**
   * One announced worker. Times are unix ms of Redis's clock; {@code stoppedAt} is 0 unless it
   * stopped on purpose.
   */
  record WorkerRecord(
      String id,
      String name,
      String host,
      long pid,
      String sdk,
      String sdkVersion,
      int protocol,
      Map<String, Integer> types,
      int concurrency,
      int inFlight,
      long startedAt,
      long lastSeenAt,
      long heartbeatMillis,
      long stoppedAt) {

    public WorkerRecord {
      types = Map.copyOf(types);
    }

    /** LIVE while it renews its heartbeat; GONE once one heartbeat passed without; STOPPED. */
    public enum Status {
      LIVE,
      GONE,
      STOPPED
    }

    public Status status(long now) {
      if (stoppedAt > 0) {
        return Status.STOPPED;
      }
      return now - lastSeenAt > heartbeatMillis ? Status.GONE : Status.LIVE;
    }
  }
}
