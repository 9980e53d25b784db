package igor.queue;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.context.Context;

/**
 * W3C traceparent texts ({@code 00-<trace id>-<span id>-<flags>}) as deliveries, reports and the
 * job's events carry them, read into and written from OpenTelemetry's span contexts. Only the
 * OpenTelemetry API: the worker SDK uses this too.
 */
public final class TraceParents {
  private TraceParents() {}

  /** The traceparent of a span, or empty when it has no valid context (tracing off). */
  public static String of(Span span) {
    return of(span.getSpanContext());
  }

  public static String of(SpanContext c) {
    if (!c.isValid()) {
      return "";
    }
    return "00-" + c.getTraceId() + "-" + c.getSpanId() + "-" + c.getTraceFlags().asHex();
  }

  /** The span context a traceparent names, or an invalid one for empty or malformed text. */
  public static SpanContext spanContext(String traceParent) {
    if (traceParent == null || traceParent.length() != 55) {
      return SpanContext.getInvalid();
    }
    String[] parts = traceParent.split("-", -1);
    if (parts.length != 4 || parts[3].length() != 2) {
      return SpanContext.getInvalid();
    }
    try {
      return SpanContext.createFromRemoteParent(
          parts[1], parts[2], TraceFlags.fromHex(parts[3], 0), TraceState.getDefault());
    } catch (RuntimeException e) {
      return SpanContext.getInvalid();
    }
  }

  /** A context whose parent is the span the traceparent names; the root context if none. */
  public static Context context(String traceParent) {
    SpanContext c = spanContext(traceParent);
    return c.isValid() ? Context.root().with(Span.wrap(c)) : Context.root();
  }
}
