package igor.entity;

import igor.queue.TraceParents;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import java.time.Instant;
import java.util.Collection;

/**
 * The spans of a job's decisions, in the job's trace: a decision's span is a child of the span its
 * command came with (the API request of a create) or else of the job's trace ({@code
 * Job.traceParent}), and links to the spans of the worker reports or the action request it applies.
 * The attempts it hands out are its children ({@link EffectRunner}). With the no-op API (tracing
 * off) each "span" is just its parent's context: nothing is recorded.
 */
final class DecisionTracing {
  static final String INSTRUMENTATION = "igor.node";
  static final DecisionTracing OFF =
      new DecisionTracing(io.opentelemetry.api.OpenTelemetry.noop().getTracer(INSTRUMENTATION));

  /** Links kept per span at most: a batch of many reports links to its first ones. */
  static final int MAX_LINKS = 64;

  private final Tracer tracer;

  DecisionTracing(Tracer tracer) {
    this.tracer = tracer;
  }

  /**
   * A span of the decision {@code name} on job {@code jobId}, begun at {@code start} (before the
   * decision, so that a span is only made for a decision that changes something).
   */
  Span start(String name, String jobId, String parent, Collection<String> links, Instant start) {
    SpanBuilder b =
        tracer
            .spanBuilder("job " + name)
            .setParent(TraceParents.context(parent))
            .setSpanKind(SpanKind.INTERNAL)
            .setStartTimestamp(start)
            .setAttribute("igor.job_id", jobId);
    int linked = 0;
    for (String link : links) {
      SpanContext c = TraceParents.spanContext(link);
      if (c.isValid() && linked++ < MAX_LINKS) {
        b.addLink(c);
      }
    }
    return b.startSpan();
  }

  static void rejected(Span span, String reason) {
    span.setStatus(StatusCode.ERROR, reason);
    span.end();
  }
}
