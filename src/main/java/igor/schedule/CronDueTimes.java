package igor.schedule;

import com.cronutils.model.Cron;
import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import igor.domain.DueTimes;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The due times of a cron expression in a time zone, by cron-utils (Spring's syntax: seconds,
 * minutes, hours, day of month, month, day of week; with five fields the seconds are 0). Daylight
 * saving and leap days are cron-utils' and java.time's (docs/semantics.md, "Schedules").
 */
public final class CronDueTimes implements DueTimes {
  private static final CronParser PARSER =
      new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.SPRING53));

  private final ExecutionTime execution;
  private final ZoneId zone;

  private CronDueTimes(ExecutionTime execution, ZoneId zone) {
    this.execution = execution;
    this.zone = zone;
  }

  /**
   * The due times of {@code expression} in {@code zone}.
   *
   * @throws IllegalArgumentException naming what is wrong with the expression or the zone
   */
  public static CronDueTimes of(String expression, String zone) {
    if (expression == null || expression.isBlank()) {
      throw new IllegalArgumentException("a cron expression is required");
    }
    String trimmed = expression.trim();
    int fields = trimmed.split("\\s+").length;
    if (fields != 5 && fields != 6) {
      throw new IllegalArgumentException(
          "a cron expression has 5 fields (minute hour day-of-month month day-of-week) or 6 (with"
              + " seconds first), got "
              + fields);
    }
    ZoneId zoneId;
    try {
      zoneId = ZoneId.of(zone == null || zone.isBlank() ? "UTC" : zone);
    } catch (DateTimeException e) {
      throw new IllegalArgumentException("unknown time zone '" + zone + "'");
    }
    Cron cron;
    try {
      cron = PARSER.parse(fields == 5 ? "0 " + trimmed : trimmed);
      cron.validate();
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          "invalid cron expression '" + trimmed + "': " + e.getMessage());
    }
    return new CronDueTimes(ExecutionTime.forCron(cron), zoneId);
  }

  @Override
  public OptionalLong nextAfter(long millis) {
    long second = Math.floorDiv(millis, 1000) * 1000;
    return millisOf(execution.nextExecution(at(second)));
  }

  @Override
  public OptionalLong latestAtOrBefore(long millis) {
    long second = Math.floorDiv(millis, 1000) * 1000;
    ZonedDateTime time = at(second);
    if (execution.isMatch(time)) {
      return OptionalLong.of(second);
    }
    return millisOf(execution.lastExecution(time));
  }

  private ZonedDateTime at(long millis) {
    return Instant.ofEpochMilli(millis).atZone(zone);
  }

  private static OptionalLong millisOf(Optional<ZonedDateTime> time) {
    return time.map(t -> OptionalLong.of(t.toInstant().toEpochMilli()))
        .orElse(OptionalLong.empty());
  }
}
