package igor.config;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * The settings that decide how soon a crashed node's jobs run elsewhere, and what keeps them from
 * running in two places (docs/adr/0009-failover-in-seconds.md): Pekko's failure detector, the
 * split-brain resolver's stable-after and the removal margin. Read from pekko-cluster.conf (and its
 * IGOR_CLUSTER_* variables) and checked at start, so that no node runs with a margin that cannot
 * hold: a resolver decision rests on several missed heartbeats, and the removal margin outlasts the
 * time between the decisions of the two sides of a partition.
 */
public record FailoverSettings(
    Duration heartbeatInterval,
    Duration acceptableHeartbeatPause,
    Duration stableAfter,
    Duration downRemovalMargin) {

  /** stable-after, in heartbeat intervals, at least. */
  static final int MIN_STABLE_AFTER_HEARTBEATS = 3;

  /** down-removal-margin, in heartbeat intervals, at least. */
  static final int MIN_MARGIN_HEARTBEATS = 2;

  private static final String CLUSTER = "pekko.cluster.";

  public FailoverSettings {
    if (stableAfter.compareTo(heartbeatInterval.multipliedBy(MIN_STABLE_AFTER_HEARTBEATS)) < 0) {
      throw new IllegalArgumentException(
          CLUSTER
              + "split-brain-resolver.stable-after (IGOR_CLUSTER_STABLE_AFTER) must be at least "
              + MIN_STABLE_AFTER_HEARTBEATS
              + " heartbeat intervals ("
              + heartbeatInterval.multipliedBy(MIN_STABLE_AFTER_HEARTBEATS)
              + "), got "
              + stableAfter);
    }
    if (downRemovalMargin.compareTo(heartbeatInterval.multipliedBy(MIN_MARGIN_HEARTBEATS)) < 0) {
      throw new IllegalArgumentException(
          CLUSTER
              + "down-removal-margin (IGOR_CLUSTER_DOWN_REMOVAL_MARGIN) must be at least "
              + MIN_MARGIN_HEARTBEATS
              + " heartbeat intervals ("
              + heartbeatInterval.multipliedBy(MIN_MARGIN_HEARTBEATS)
              + "), got "
              + downRemovalMargin);
    }
  }

  /** The settings in force; a removal margin of "off" is stable-after, as Pekko takes it. */
  public static FailoverSettings from(Config root) {
    Config c = root.getConfig("pekko.cluster");
    Duration stableAfter = c.getDuration("split-brain-resolver.stable-after");
    String margin = c.getString("down-removal-margin").trim();
    return new FailoverSettings(
        c.getDuration("failure-detector.heartbeat-interval"),
        c.getDuration("failure-detector.acceptable-heartbeat-pause"),
        stableAfter,
        margin.equalsIgnoreCase("off") ? stableAfter : c.getDuration("down-removal-margin"));
  }

  /**
   * When a crashed node's shards start elsewhere, at the soonest, after its crash: detection (an
   * interval and the pause), stable-after, and the removal margin; the removal itself (about a
   * second) and the shards' start come on top.
   */
  public Duration shardsMoveAfter() {
    return heartbeatInterval
        .plus(acceptableHeartbeatPause)
        .plus(stableAfter)
        .plus(downRemovalMargin);
  }
}
