package igor.http;

import igor.queue.TraceParents;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.stream.StreamSupport;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpRequest;

/**
 * The server span of an API request that starts or steers jobs (POST /api/v1/jobs, the actions): it
 * continues the caller's {@code traceparent} header when there is one, and the job's spans hang
 * under it (docs/operations.md#tracing). With the no-op API (tracing off) it costs a lookup.
 */
final class RequestTracing {
  static final RequestTracing OFF = new RequestTracing(OpenTelemetry.noop());

  private static final TextMapGetter<HttpRequest> HEADERS =
      new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(HttpRequest request) {
          return StreamSupport.stream(request.getHeaders().spliterator(), false)
              .map(HttpHeader::lowercaseName)
              .toList();
        }

        @Override
        public String get(HttpRequest request, String key) {
          return request.getHeader(key).map(HttpHeader::value).orElse(null);
        }
      };

  private final Tracer tracer;
  private final boolean off;

  RequestTracing(OpenTelemetry openTelemetry) {
    this.tracer = openTelemetry.getTracer("igor.http");
    this.off = openTelemetry == OpenTelemetry.noop();
  }

  /**
   * Runs {@code call} with the traceparent of a new server span {@code name} (empty when tracing is
   * off), and ends the span when the call's answer comes (with an error status if it failed).
   */
  <T> CompletionStage<T> traced(
      HttpRequest request, String name, Function<String, CompletionStage<T>> call) {
    if (off) {
      return call.apply("");
    }
    Context parent =
        W3CTraceContextPropagator.getInstance().extract(Context.root(), request, HEADERS);
    Span span =
        tracer
            .spanBuilder(name)
            .setParent(parent)
            .setSpanKind(SpanKind.SERVER)
            .setAttribute("http.request.method", request.method().value())
            .setAttribute("http.route", name.substring(name.indexOf(' ') + 1))
            .startSpan();
    CompletionStage<T> answer;
    try {
      answer = call.apply(TraceParents.of(span));
    } catch (RuntimeException e) {
      ended(span, e);
      throw e;
    }
    return answer.whenComplete((result, failure) -> ended(span, failure));
  }

  private static void ended(Span span, Throwable failure) {
    if (failure != null) {
      span.setStatus(StatusCode.ERROR, String.valueOf(failure.getMessage()));
    }
    span.end();
  }
}
