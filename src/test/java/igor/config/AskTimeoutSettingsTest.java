package igor.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A job that does not answer gets the ask's own 503 (which says a change may still be made) only if
 * pekko-http's request time-out, answered first otherwise, is longer: checked at start.
 */
class AskTimeoutSettingsTest {

  @Test
  void theDefaultAskTimeoutIsTenSecondsAndTheRequestTimeoutTwenty() {
    IgorSettings s = IgorSettings.from(IgorConfig.load());

    assertThat(s.http().askTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(IgorConfig.load().getDuration("pekko.http.server.request-timeout"))
        .isEqualTo(Duration.ofSeconds(20));
  }

  @Test
  void anAskTimeoutAsLongAsTheRequestTimeoutIsRefusedAtStart() {
    assertThatThrownBy(() -> settings(Map.of("igor.http.ask-timeout", "20s")))
        .hasMessageContaining("igor.http.ask-timeout")
        .hasMessageContaining("pekko.http.server.request-timeout")
        .hasMessageContaining("IGOR_HTTP_REQUEST_TIMEOUT");
  }

  @Test
  void aLongerAskTimeoutIsTakenWithALongerRequestTimeout() {
    IgorSettings s =
        settings(
            Map.of("igor.http.ask-timeout", "30s", "pekko.http.server.request-timeout", "40s"));

    assertThat(s.http().askTimeout()).isEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void anInfiniteRequestTimeoutTakesAnyAskTimeout() {
    IgorSettings s =
        settings(
            Map.of(
                "igor.http.ask-timeout", "30s", "pekko.http.server.request-timeout", "infinite"));

    assertThat(s.http().askTimeout()).isEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void anUnansweredReadIsSentAgainAfterTwoSecondsByDefault() {
    assertThat(IgorSettings.from(IgorConfig.load()).http().askResendAfter())
        .isEqualTo(Duration.ofSeconds(2));
  }

  @Test
  void aResendAfterOfZeroIsRefusedAtStart() {
    assertThatThrownBy(() -> settings(Map.of("igor.http.ask-resend-after", "0s")))
        .hasMessageContaining("igor.http.ask-resend-after must be more than 0s")
        .hasMessageContaining("IGOR_HTTP_ASK_RESEND_AFTER");
  }

  private static IgorSettings settings(Map<String, ?> overrides) {
    return IgorSettings.from(IgorConfig.load(overrides));
  }
}
