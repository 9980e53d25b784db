package igor.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** igor.jobs.unclaimed-redelivery-after reaches the job entities, and is checked at start. */
class UnclaimedRedeliverySettingTest {

  @Test
  void theDefaultIsTwoMinutesAndItReachesTheEntities() {
    IgorSettings s = IgorSettings.from(IgorConfig.load());

    assertThat(s.jobs().unclaimedRedeliveryAfter()).isEqualTo(Duration.ofSeconds(120));
    assertThat(s.entitySettings().unclaimedRedeliveryAfter()).isEqualTo(Duration.ofSeconds(120));
  }

  @Test
  void aBoundUnderASecondOrPastTheTimerCeilingIsRefusedNamingTheSetting() {
    assertThatThrownBy(() -> settings("500ms"))
        .hasMessageContaining("igor.jobs.unclaimed-redelivery-after")
        .hasMessageContaining("1s or more");
    assertThatThrownBy(() -> settings("365d"))
        .hasMessageContaining("igor.jobs.unclaimed-redelivery-after")
        .hasMessageContaining("180 days");
  }

  @Test
  void anotherBoundCanBeConfigured() {
    assertThat(settings("30s").entitySettings().unclaimedRedeliveryAfter())
        .isEqualTo(Duration.ofSeconds(30));
  }

  private static IgorSettings settings(String after) {
    return IgorSettings.from(
        IgorConfig.load(Map.of("igor.jobs.unclaimed-redelivery-after", after)));
  }
}
