package igor.config;

import com.typesafe.config.Config;
import java.net.URI;
import java.time.Duration;

/**
 * igor.tracing: where a node sends its spans over OTLP (HTTP, protobuf). An empty endpoint turns
 * tracing off: the node then uses OpenTelemetry's no-op API, which records nothing.
 */
public record TracingSettings(String otlpEndpoint, String serviceName, Duration exportTimeout) {

  public boolean enabled() {
    return !otlpEndpoint.isEmpty();
  }

  public static TracingSettings from(Config root) {
    Config c = root.getConfig("igor.tracing");
    String endpoint = c.getString("otlp-endpoint").trim();
    if (!endpoint.isEmpty()) {
      URI uri;
      try {
        uri = URI.create(endpoint);
      } catch (IllegalArgumentException e) {
        uri = null;
      }
      if (uri == null
          || uri.getHost() == null
          || !("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))) {
        throw new IllegalArgumentException(
            "igor.tracing.otlp-endpoint must be an http:// or https:// URL of an OTLP/HTTP"
                + " receiver (such as http://127.0.0.1:4318/v1/traces), or empty for no tracing;"
                + " got '"
                + endpoint
                + "'");
      }
    }
    String service = c.getString("service-name").trim();
    if (service.isEmpty()) {
      throw new IllegalArgumentException("igor.tracing.service-name must not be empty");
    }
    Duration timeout = c.getDuration("export-timeout");
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("igor.tracing.export-timeout must be positive");
    }
    return new TracingSettings(endpoint, service, timeout);
  }
}
