package igor.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** igor.idempotency: a day's window and keys of 255 characters by default, bounded when set. */
class IdempotencySettingsTest {

  @Test
  void theDefaultsAreADayAndKeysOf255Characters() {
    IgorSettings.Idempotency settings = IgorSettings.from(IgorConfig.load()).idempotency();

    assertThat(settings.window()).isEqualTo(Duration.ofHours(24));
    assertThat(settings.maxKeyLength()).isEqualTo(255);
    assertThat(settings.sweepInterval()).isEqualTo(Duration.ofMinutes(10));
  }

  @Test
  void aWindowUnderASecondIsRefusedAtStart() {
    assertThatThrownBy(() -> settings(Map.of("igor.idempotency.window", "500ms")))
        .hasMessageContaining("igor.idempotency.window must be at least 1s");
  }

  @Test
  void aKeyLengthOutsideOneToAThousandIsRefusedAtStart() {
    assertThatThrownBy(() -> settings(Map.of("igor.idempotency.max-key-length", 0)))
        .hasMessageContaining("igor.idempotency.max-key-length must be from 1 to 1000");
    assertThatThrownBy(() -> settings(Map.of("igor.idempotency.max-key-length", 1001)))
        .hasMessageContaining("igor.idempotency.max-key-length");
    assertThat(settings(Map.of("igor.idempotency.max-key-length", 1000)).maxKeyLength())
        .isEqualTo(1000);
  }

  private static IgorSettings.Idempotency settings(Map<String, ?> overrides) {
    return IgorSettings.from(IgorConfig.load(overrides)).idempotency();
  }
}
