package igor.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import igor.tracing.NodeTracing;
import io.opentelemetry.api.OpenTelemetry;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** igor.tracing: off by default (the no-op API), an OTLP endpoint checked at start. */
class TracingSettingsTest {

  @Test
  void tracingIsOffByDefaultAndTheNodeThenUsesTheNoOpApi() {
    TracingSettings s = TracingSettings.from(IgorConfig.load());

    assertThat(s.enabled()).isFalse();
    assertThat(s.serviceName()).isEqualTo("igor");
    assertThat(s.exportTimeout()).isEqualTo(Duration.ofSeconds(10));
    try (NodeTracing tracing = NodeTracing.from(s, "node-1")) {
      assertThat(tracing.openTelemetry()).isSameAs(OpenTelemetry.noop());
    }
  }

  @Test
  void anEndpointTurnsOnTheSdkThatExportsOverOtlp() {
    TracingSettings s =
        TracingSettings.from(
            IgorConfig.load(
                Map.of("igor.tracing.otlp-endpoint", "http://127.0.0.1:4318/v1/traces")));

    assertThat(s.enabled()).isTrue();
    try (NodeTracing tracing = NodeTracing.from(s, "node-1")) {
      assertThat(tracing.openTelemetry()).isNotSameAs(OpenTelemetry.noop());
      assertThat(
              tracing
                  .openTelemetry()
                  .getTracer("test")
                  .spanBuilder("a span")
                  .startSpan()
                  .getSpanContext()
                  .isValid())
          .isTrue();
    }
  }

  @Test
  void anEndpointThatIsNotAnHttpUrlIsRefusedNamingTheSetting() {
    for (String bad : new String[] {"127.0.0.1:4318", "grpc://collector:4317", "http://"}) {
      assertThatThrownBy(
              () ->
                  TracingSettings.from(IgorConfig.load(Map.of("igor.tracing.otlp-endpoint", bad))))
          .as(bad)
          .hasMessageContaining("igor.tracing.otlp-endpoint");
    }
  }
}
