package igor.entity;

import java.time.Duration;

/**
 * How job entities behave: how often they snapshot, how long a finished job stays in memory, and
 * how soon a failed hand-over to the queue is tried again.
 */
public record EntitySettings(
    int snapshotEveryEvents, Duration idleAfterFinish, Duration redeliveryDelay, Duration lease) {

  public static EntitySettings defaults() {
    return new EntitySettings(
        200, Duration.ofSeconds(60), Duration.ofSeconds(1), Duration.ofSeconds(30));
  }
}
