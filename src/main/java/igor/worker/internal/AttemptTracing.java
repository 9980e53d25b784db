package igor.worker.internal;

import igor.queue.TaskDelivery;
import igor.queue.TraceParents;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;

/**
 * A span per attempt, child of the job's span that handed the attempt out (the delivery's
 * traceparent). With OpenTelemetry's no-op API (the default) the "span" is the delivery's own
 * context, so the reports echo the job's traceparent back at no cost; with an SDK the attempt is a
 * span of the job's trace, and the handler runs inside it.
 */
final class AttemptTracing {
  static final String INSTRUMENTATION = "igor.worker";

  private final Tracer tracer;

  AttemptTracing(OpenTelemetry openTelemetry) {
    this.tracer = openTelemetry.getTracer(INSTRUMENTATION);
  }

  Span start(TaskDelivery d, String worker) {
    return tracer
        .spanBuilder("attempt " + d.type())
        .setParent(TraceParents.context(d.traceParent()))
        .setSpanKind(SpanKind.CONSUMER)
        .setAttribute("igor.job_id", d.jobId())
        .setAttribute("igor.layer_id", d.layerId())
        .setAttribute("igor.task_id", d.taskId())
        .setAttribute("igor.attempt", (long) d.attempt())
        .setAttribute("igor.delivery_id", d.deliveryId())
        .setAttribute("igor.task_type", d.type())
        .setAttribute("igor.worker", worker)
        .startSpan();
  }

  /** Ends the span of an attempt with the kind of its outcome (an error for a failure). */
  static void end(Span span, String outcome, boolean failed, String message) {
    span.setAttribute("igor.outcome", outcome);
    if (failed) {
      span.setStatus(StatusCode.ERROR, message);
    }
    span.end();
  }
}
