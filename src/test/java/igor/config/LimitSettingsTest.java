package igor.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** Settings that become timers or attempt counts are checked against their bounds at start. */
class LimitSettingsTest {

  @Test
  void theDefaultsAreSevenDaysAndAThousandRetries() {
    Limits limits = IgorSettings.from(IgorConfig.load()).limits();

    assertThat(limits.maxTaskTimeoutSeconds()).isEqualTo(7 * 24 * 3600);
    assertThat(limits.maxTaskRetries()).isEqualTo(1000);
  }

  @Test
  void aDefaultTimeoutOverTheMaximumIsRefusedAtStart() {
    assertThatThrownBy(() -> settings(Map.of("igor.jobs.default-timeout", "8d")))
        .hasMessageContaining("igor.jobs.default-timeout")
        .hasMessageContaining("igor.limits.max-task-timeout");
    assertThatThrownBy(() -> settings(Map.of("igor.jobs.default-timeout", "100000000s")))
        .hasMessageContaining("igor.jobs.default-timeout");
  }

  @Test
  void eventsNameAThousandTasksEachByDefaultAndFromOneToTenThousandWhenSet() {
    assertThat(IgorSettings.from(IgorConfig.load()).jobs().tasksPerEvent()).isEqualTo(1000);
    assertThat(settings(Map.of("igor.jobs.tasks-per-event", 10_000)).jobs().tasksPerEvent())
        .isEqualTo(10_000);
    assertThatThrownBy(() -> settings(Map.of("igor.jobs.tasks-per-event", 0)))
        .hasMessageContaining("igor.jobs.tasks-per-event")
        .hasMessageContaining("from 1 to 10000");
    assertThatThrownBy(() -> settings(Map.of("igor.jobs.tasks-per-event", 10_001)))
        .hasMessageContaining("igor.jobs.tasks-per-event");
  }

  @Test
  void resultsPagesHoldAThousandTasksAndFourMebibytesByDefaultAndAtLeastOneOfEach() {
    Limits limits = IgorSettings.from(IgorConfig.load()).limits();
    assertThat(limits.maxResultsPage()).isEqualTo(1000);
    assertThat(limits.maxResultsPageBytes()).isEqualTo(4L * 1024 * 1024);
    assertThat(settings(Map.of("igor.limits.max-results-page-bytes", "64KiB")).limits())
        .extracting(Limits::maxResultsPageBytes)
        .isEqualTo(65_536L);
    assertThatThrownBy(() -> settings(Map.of("igor.limits.max-results-page", 0)))
        .hasMessageContaining("igor.limits.max-results-page")
        .hasMessageContaining("from 1 to 100000");
    assertThatThrownBy(() -> settings(Map.of("igor.limits.max-results-page", 100_001)))
        .hasMessageContaining("igor.limits.max-results-page");
    assertThatThrownBy(() -> settings(Map.of("igor.limits.max-results-page-bytes", 0)))
        .hasMessageContaining("igor.limits.max-results-page-bytes");
  }

  @Test
  void defaultRetriesOverTheMaximumAreRefusedAtStart() {
    assertThatThrownBy(() -> settings(Map.of("igor.jobs.default-retries", 5000)))
        .hasMessageContaining("igor.jobs.default-retries")
        .hasMessageContaining("igor.limits.max-task-retries");
  }

  @Test
  void aMaximumPastThePekkoTimerCeilingIsRefusedAtStart() {
    assertThatThrownBy(() -> settings(Map.of("igor.limits.max-task-timeout", "300d")))
        .hasMessageContaining("igor.limits.max-task-timeout")
        .hasMessageContaining("180 days");
    assertThatThrownBy(() -> settings(Map.of("igor.jobs.retry-max-delay", "365d")))
        .hasMessageContaining("igor.jobs.retry-max-delay");
  }

  @Test
  void aLongerMaximumCanBeConfigured() {
    IgorSettings s =
        settings(Map.of("igor.limits.max-task-timeout", "30d", "igor.jobs.default-timeout", "20d"));

    assertThat(s.limits().maxTaskTimeoutSeconds()).isEqualTo(30 * 24 * 3600);
    assertThat(s.jobs().defaultTimeoutSeconds()).isEqualTo(20 * 24 * 3600);
  }

  private static IgorSettings settings(Map<String, ?> overrides) {
    return IgorSettings.from(IgorConfig.load(overrides));
  }
}
