package igor.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CronDueTimesTest {
  private static final ZoneId PARIS = ZoneId.of("Europe/Paris");

  private static long at(String zoned) {
    return ZonedDateTime.parse(zoned).toInstant().toEpochMilli();
  }

  private static List<String> next(CronDueTimes times, long from, int count, ZoneId zone) {
    List<String> found = new ArrayList<>();
    long t = from;
    for (int i = 0; i < count; i++) {
      t = times.nextAfter(t).orElseThrow();
      found.add(Instant.ofEpochMilli(t).atZone(zone).toOffsetDateTime().toString());
    }
    return found;
  }

  @Test
  void aFiveFieldExpressionFiresAtSecondZeroAndASixFieldOneAtItsSeconds() {
    long from = at("2026-12-06T08:00:00Z[UTC]");
    assertThat(next(CronDueTimes.of("*/15 * * * *", "UTC"), from, 2, ZoneId.of("UTC")))
        .containsExactly("2026-12-06T08:15Z", "2026-12-06T08:30Z");
    assertThat(next(CronDueTimes.of("*/20 * * * * *", "UTC"), from, 3, ZoneId.of("UTC")))
        .containsExactly("2026-12-06T08:00:20Z", "2026-12-06T08:00:40Z", "2026-12-06T08:01Z");
  }

  @Test
  void aDailyTimeInsideTheHourSkippedInSpringDoesNotFireThatDay() {
    // 2026-03-29 in Paris: 02:00 CET becomes 03:00 CEST; 02:30 does not exist that day, and
    // cron-utils does not move it: that day has no fire (docs/semantics.md, "Schedules")
    CronDueTimes times = CronDueTimes.of("0 30 2 * * *", "Europe/Paris");
    long from = at("2026-03-27T12:00:00+01:00[Europe/Paris]");
    assertThat(next(times, from, 3, PARIS))
        .containsExactly(
            "2026-03-28T02:30+01:00", "2026-03-30T02:30+02:00", "2026-03-31T02:30+02:00");
  }

  @Test
  void aDailyTimeInsideTheHourRepeatedInAutumnFiresOnce() {
    // 2026-10-25 in Paris: 03:00 CEST becomes 02:00 CET; 02:30 happens twice
    CronDueTimes times = CronDueTimes.of("0 30 2 * * *", "Europe/Paris");
    long from = at("2026-10-24T12:00:00+02:00[Europe/Paris]");
    assertThat(next(times, from, 2, PARIS))
        .hasSize(2)
        .satisfies(
            fires -> {
              assertThat(fires.get(0)).startsWith("2026-10-25T02:30");
              assertThat(fires.get(1)).isEqualTo("2026-10-26T02:30+01:00");
            });
  }

  @Test
  void anHourlyScheduleKeepsOneFirePerRealHourAcrossBothTransitions() {
    CronDueTimes times = CronDueTimes.of("0 0 * * * *", "Europe/Paris");
    long spring = at("2026-03-29T00:30:00+01:00[Europe/Paris]");
    // 01:00 CET, then 03:00 CEST (02:00 CET does not exist), then 04:00 CEST
    assertThat(next(times, spring, 3, PARIS))
        .containsExactly(
            "2026-03-29T01:00+01:00", "2026-03-29T03:00+02:00", "2026-03-29T04:00+02:00");
    long autumn = at("2026-10-25T01:30:00+02:00[Europe/Paris]");
    List<String> fires = next(times, autumn, 3, PARIS);
    // every fire is a distinct instant, in order, an hour or less apart
    long previous = autumn;
    for (String fire : fires) {
      long t = java.time.OffsetDateTime.parse(fire).toInstant().toEpochMilli();
      assertThat(t).isGreaterThan(previous);
      assertThat(t - previous).isLessThanOrEqualTo(3_600_000L);
      previous = t;
    }
    assertThat(fires.get(0)).isEqualTo("2026-10-25T02:00+02:00");
  }

  @Test
  void theTwentyNinthOfFebruaryFiresOnlyInLeapYears() {
    CronDueTimes times = CronDueTimes.of("0 0 12 29 2 *", "UTC");
    long from = at("2026-01-01T00:00:00Z[UTC]");
    assertThat(next(times, from, 2, ZoneId.of("UTC")))
        .containsExactly("2028-02-29T12:00Z", "2032-02-29T12:00Z");
  }

  @Test
  void theLastDueTimeAtOrBeforeIncludesAnExactDueTime() {
    CronDueTimes times = CronDueTimes.of("*/10 * * * * *", "UTC");
    long exact = at("2026-12-06T08:00:20Z[UTC]");
    assertThat(times.latestAtOrBefore(exact)).hasValue(exact);
    assertThat(times.latestAtOrBefore(exact + 9_999)).hasValue(exact);
    assertThat(times.latestAtOrBefore(exact - 1)).hasValue(exact - 10_000);
  }

  @Test
  void badExpressionsAndZonesAreRefusedWithTheirProblem() {
    assertThatThrownBy(() -> CronDueTimes.of("* * *", "UTC"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("5 fields");
    assertThatThrownBy(() -> CronDueTimes.of("0 61 * * * *", "UTC"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("invalid cron expression");
    assertThatThrownBy(() -> CronDueTimes.of("* * * * *", "Mars/Olympus"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unknown time zone");
  }
}
