package igor.tracing;

import igor.config.TracingSettings;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import java.util.concurrent.TimeUnit;

/**
 * A node's OpenTelemetry: the SDK exporting over OTLP/HTTP when igor.tracing.otlp-endpoint is set,
 * else the no-op API (nothing recorded, nothing sent: docs/operations.md#tracing). The node shuts
 * it down last, flushing what is left.
 */
public final class NodeTracing implements AutoCloseable {
  private final OpenTelemetry openTelemetry;
  private final OpenTelemetrySdk owned;

  private NodeTracing(OpenTelemetry openTelemetry, OpenTelemetrySdk owned) {
    this.openTelemetry = openTelemetry;
    this.owned = owned;
  }

  /** No tracing. */
  public static NodeTracing off() {
    return new NodeTracing(OpenTelemetry.noop(), null);
  }

  /** Tracing with an OpenTelemetry the caller owns (tests, an embedding application). */
  public static NodeTracing with(OpenTelemetry openTelemetry) {
    return new NodeTracing(openTelemetry, null);
  }

  /** As the settings say: off, or an SDK of the node's own that exports over OTLP. */
  public static NodeTracing from(TracingSettings settings, String nodeName) {
    if (!settings.enabled()) {
      return off();
    }
    OtlpHttpSpanExporter exporter =
        OtlpHttpSpanExporter.builder()
            .setEndpoint(settings.otlpEndpoint())
            .setTimeout(settings.exportTimeout().toMillis(), TimeUnit.MILLISECONDS)
            .build();
    Resource resource =
        Resource.getDefault()
            .merge(
                Resource.create(
                    Attributes.of(
                        AttributeKey.stringKey("service.name"),
                        settings.serviceName(),
                        AttributeKey.stringKey("service.instance.id"),
                        nodeName)));
    OpenTelemetrySdk sdk =
        OpenTelemetrySdk.builder()
            .setTracerProvider(
                SdkTracerProvider.builder()
                    .setResource(resource)
                    .addSpanProcessor(BatchSpanProcessor.builder(exporter).build())
                    .build())
            .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
            .build();
    return new NodeTracing(sdk, sdk);
  }

  public OpenTelemetry openTelemetry() {
    return openTelemetry;
  }

  /** Flushes and stops the node's own SDK (nothing for no-op or a caller's OpenTelemetry). */
  @Override
  public void close() {
    if (owned != null) {
      owned.getSdkTracerProvider().shutdown().join(10, TimeUnit.SECONDS);
    }
  }
}
