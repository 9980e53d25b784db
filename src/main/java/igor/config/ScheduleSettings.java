package igor.config;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * The settings of schedules, igor.schedules (igor.conf documents each; docs/operations.md,
 * "Limits").
 *
 * @param maxSchedules schedules that may exist at once (POST answers 409 above it)
 * @param maxTemplateBytes the largest job template, in bytes of its JSON
 * @param maxCatchUp the largest catch_up_limit a schedule may ask for
 * @param minInterval the shortest time between two due times of a cron expression
 * @param misfireAfter a due time older than this when its schedule looks is "missed" (catch-up
 *     policy); a younger one fires, late
 * @param retryAfter how long a schedule waits before it tries again what failed (a job creation,
 *     the overlap check)
 * @param snapshotEveryEvents a schedule's state is snapshot every this many events
 */
public record ScheduleSettings(
    int maxSchedules,
    int maxTemplateBytes,
    int maxCatchUp,
    Duration minInterval,
    Duration misfireAfter,
    Duration retryAfter,
    int snapshotEveryEvents) {

  public static ScheduleSettings from(Config root) {
    Config c = root.getConfig("igor.schedules");
    ScheduleSettings settings =
        new ScheduleSettings(
            c.getInt("max-schedules"),
            c.getInt("max-template-bytes"),
            c.getInt("max-catch-up"),
            c.getDuration("min-interval"),
            c.getDuration("misfire-after"),
            c.getDuration("retry-after"),
            c.getInt("snapshot-every-events"));
    if (settings.maxSchedules < 1
        || settings.maxTemplateBytes < 1
        || settings.maxCatchUp < 0
        || settings.snapshotEveryEvents < 1) {
      throw new IllegalArgumentException(
          "igor.schedules: max-schedules, max-template-bytes and snapshot-every-events must be"
              + " positive, max-catch-up at least 0");
    }
    if (settings.minInterval.compareTo(Duration.ofSeconds(1)) < 0
        || settings.misfireAfter.compareTo(Duration.ofSeconds(1)) < 0
        || settings.retryAfter.isNegative()
        || settings.retryAfter.isZero()) {
      throw new IllegalArgumentException(
          "igor.schedules: min-interval and misfire-after must be 1s or more, retry-after"
              + " positive");
    }
    return settings;
  }
}
