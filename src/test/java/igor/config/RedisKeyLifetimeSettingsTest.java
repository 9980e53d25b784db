package igor.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How long claims and dead letters live in Redis is set, and checked, at start. */
class RedisKeyLifetimeSettingsTest {

  @Test
  void theDefaultsKeepAClaimFiveMinutesAndThirtySecondsAfterItsAttemptEnded() {
    IgorSettings settings = IgorSettings.from(IgorConfig.load());

    assertThat(settings.worker().claimTtl()).isEqualTo(Duration.ofMinutes(5));
    assertThat(settings.worker().claimLinger()).isEqualTo(Duration.ofSeconds(30));
    assertThat(settings.reports().deadLettersKept()).isEqualTo(1000);
    assertThat(settings.reports().deadLetterMaxAge()).isEqualTo(Duration.ofDays(7));
  }

  @Test
  void aClaimTtlNotLongerThanTheLeaseItIsRenewedWithIsRefusedAtStart() {
    assertThatThrownBy(
            () ->
                IgorSettings.from(
                    IgorConfig.load(
                        Map.of("igor.worker.claim-ttl", "30s", "igor.worker.lease", "30s"))))
        .hasMessageContaining("igor.worker.claim-ttl")
        .hasMessageContaining("igor.worker.lease");
  }

  @Test
  void aZeroLingerOrMaximumAgeAndAnEmptyDeadLetterListAreRefusedAtStart() {
    assertThatThrownBy(
            () -> IgorSettings.from(IgorConfig.load(Map.of("igor.worker.claim-linger", "0s"))))
        .hasMessageContaining("igor.worker.claim-linger");
    assertThatThrownBy(
            () ->
                IgorSettings.from(
                    IgorConfig.load(Map.of("igor.reports.dead-letter-max-age", "0s"))))
        .hasMessageContaining("igor.reports.dead-letter-max-age");
    assertThatThrownBy(
            () -> IgorSettings.from(IgorConfig.load(Map.of("igor.reports.dead-letters-kept", 0))))
        .hasMessageContaining("igor.reports.dead-letters-kept");
  }
}
