package igor.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class SoakSettingsTest {
  @Test
  void aWarmUpTakesWholeWindowsRoundedUp() {
    assertThat(settings(Duration.ofSeconds(90), Duration.ofMinutes(1)).warmUpWindows())
        .isEqualTo(2);
    assertThat(settings(Duration.ofMinutes(3), Duration.ofMinutes(1)).warmUpWindows()).isEqualTo(3);
    assertThat(settings(Duration.ZERO, Duration.ofMinutes(1)).warmUpWindows()).isZero();
  }

  @Test
  void aNegativeWarmUpIsRefusedNamingTheOption() {
    assertThatThrownBy(() -> settings(Duration.ofSeconds(-1), Duration.ofMinutes(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--warm-up");
  }

  @Test
  void aRateUnderOneTaskASecondIsRefusedNamingTheOption() {
    assertThatThrownBy(
            () ->
                new Soak.Settings(
                    Duration.ZERO, Duration.ofMinutes(5), 0, Duration.ofMinutes(1), 3))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--rate");
  }

  private static Soak.Settings settings(Duration warmUp, Duration window) {
    return new Soak.Settings(warmUp, Duration.ofMinutes(30), 700, window, 3);
  }
}
