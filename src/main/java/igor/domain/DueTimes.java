package igor.domain;

import java.util.OptionalLong;

/**
 * The due times of a cron expression in its time zone, as unix milliseconds. Implemented over a
 * cron library outside the domain (igor.schedule.CronDueTimes).
 */
public interface DueTimes {
  /** The first due time strictly after {@code millis}, if any. */
  OptionalLong nextAfter(long millis);

  /** The last due time at or before {@code millis}, if any. */
  OptionalLong latestAtOrBefore(long millis);
}
