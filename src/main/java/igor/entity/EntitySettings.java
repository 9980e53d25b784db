package igor.entity;

import java.time.Duration;

/**
 * How job entities behave: how often they snapshot, how long a finished job stays in memory, how
 * soon a failed hand-over to the queue is tried again, and after how long an attempt QUEUED and not
 * claimed is handed to the queue again if the queue lost it ({@code unclaimedRedeliveryAfter}).
 */
public record EntitySettings(
    int snapshotEveryEvents,
    Duration idleAfterFinish,
    Duration redeliveryDelay,
    Duration lease,
    Duration unclaimedRedeliveryAfter) {

  /** igor.jobs.unclaimed-redelivery-after unless told otherwise. */
  public static final Duration DEFAULT_UNCLAIMED_REDELIVERY_AFTER = Duration.ofSeconds(120);

  public EntitySettings {
    if (unclaimedRedeliveryAfter.compareTo(Duration.ofSeconds(1)) < 0) {
      throw new IllegalArgumentException(
          "igor.jobs.unclaimed-redelivery-after must be 1s or more, got "
              + unclaimedRedeliveryAfter);
    }
  }

  public EntitySettings(
      int snapshotEveryEvents, Duration idleAfterFinish, Duration redeliveryDelay, Duration lease) {
    this(
        snapshotEveryEvents,
        idleAfterFinish,
        redeliveryDelay,
        lease,
        DEFAULT_UNCLAIMED_REDELIVERY_AFTER);
  }

  public static EntitySettings defaults() {
    return new EntitySettings(
        200, Duration.ofSeconds(60), Duration.ofSeconds(1), Duration.ofSeconds(30));
  }
}
