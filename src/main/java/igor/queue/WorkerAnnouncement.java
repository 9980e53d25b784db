package igor.queue;

import java.time.Duration;
import java.util.Map;

/**
 * What a worker process says of itself in the registry (docs/worker-protocol.md, "Registry"), each
 * time it renews its heartbeat. {@code types}: each task type it takes, with how many attempts of
 * it may run at once; {@code inFlight}: attempts running now; {@code heartbeat}: how long it counts
 * as live after this announcement (its lease); {@code stopped}: it stopped on purpose and takes no
 * more work.
 */
public record WorkerAnnouncement(
    String name,
    String host,
    long pid,
    String sdk,
    String sdkVersion,
    Map<String, Integer> types,
    int concurrency,
    int inFlight,
    Duration heartbeat,
    boolean stopped) {

  public WorkerAnnouncement {
    types = Map.copyOf(types);
  }
}
