package igor.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** igor.flow.auto-order: on by default, kept an hour after the last mark, off when set so. */
class AutoOrderSettingsTest {

  @Test
  void automaticOrderingIsOnByDefaultAndKeptAnHour() {
    FlowSettings settings = FlowSettings.from(IgorConfig.load());

    assertThat(settings.autoOrder()).isTrue();
    assertThat(settings.autoOrderKeep()).isEqualTo(Duration.ofHours(1));
  }

  @Test
  void automaticOrderingCanBeTurnedOff() {
    assertThat(
            FlowSettings.from(IgorConfig.load(Map.of("igor.flow.auto-order", false))).autoOrder())
        .isFalse();
  }

  @Test
  void aKeepTimeOfZeroIsRefusedAtStart() {
    assertThatThrownBy(
            () -> FlowSettings.from(IgorConfig.load(Map.of("igor.flow.auto-order-keep", "0s"))))
        .hasMessageContaining("igor.flow.auto-order-keep must be more than 0");
  }
}
