package igor.tracing;

import static igor.testing.HttpApi.status;
import static org.assertj.core.api.Assertions.assertThat;

import igor.app.IgorNode;
import igor.testing.HttpApi;
import igor.testing.TestDatabase;
import igor.testing.TestNode;
import igor.testing.TestRedis;
import igor.worker.api.TaskContext;
import igor.worker.api.TaskHandler;
import igor.worker.api.Worker;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * One trace per job (docs/operations.md#tracing), checked without a collector: a real node on the
 * machine's PostgreSQL and Redis and a Java worker, both tracing into OpenTelemetry's in-memory
 * exporter.
 */
class JobTraceTest {
  private static final String CALLER_TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
  private static final String CALLER_SPAN = "00f067aa0ba902b7";
  private static final Duration WAIT = Duration.ofSeconds(60);

  private TestDatabase db;
  private TestRedis redis;
  private final Map<String, String> spanSeenByHandler = new ConcurrentHashMap<>();

  @BeforeEach
  void servers() {
    db = TestDatabase.create();
    redis = TestRedis.create();
  }

  @AfterEach
  void cleanUp() {
    redis.close();
    db.close();
  }

  /** A handler that notes the span it runs in. */
  private TaskHandler traced() {
    return new TaskHandler() {
      @Override
      public String type() {
        return "traced";
      }

      @Override
      public byte[] handle(TaskContext context) {
        spanSeenByHandler.put(context.taskId(), Span.current().getSpanContext().getSpanId());
        return null;
      }
    };
  }

  private static OpenTelemetrySdk sdk(InMemorySpanExporter exporter) {
    return OpenTelemetrySdk.builder()
        .setTracerProvider(
            SdkTracerProvider.builder()
                .addSpanProcessor(SimpleSpanProcessor.create(exporter))
                .build())
        .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
        .build();
  }

  private IgorNode node(OpenTelemetrySdk sdk) {
    return TestNode.start(
        db,
        redis,
        List.of(),
        Map.of("igor.node.roles", List.of("api", "jobs")),
        NodeTracing.with(sdk));
  }

  private Worker worker(IgorNode node, OpenTelemetrySdk sdk) {
    return Worker.connect(redis.url())
        .keyPrefix(redis.prefix())
        .apiUrl("http://127.0.0.1:" + node.httpPort())
        .register(traced())
        .openTelemetry(sdk)
        .shutdownGrace(Duration.ofSeconds(2))
        .start();
  }

  /** Creates the job through the API, in a caller's trace (its traceparent header). */
  private static String create(IgorNode node, String body) {
    HttpApi.Answer a =
        new HttpApi(node.httpPort())
            .send(
                HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + node.httpPort() + "/api/v1/jobs"))
                    .header("Content-Type", "application/json")
                    .header("traceparent", "00-" + CALLER_TRACE + "-" + CALLER_SPAN + "-01")
                    .POST(HttpRequest.BodyPublishers.ofString(body)));
    assertThat(a.status()).as(a.text()).isEqualTo(200);
    return a.body().path("id").asText();
  }

  /** The exported spans once {@code enough} holds of them (spans end just after reports go). */
  private static List<SpanData> spans(
      InMemorySpanExporter exporter, Predicate<List<SpanData>> enough) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    List<SpanData> spans = exporter.getFinishedSpanItems();
    while (!enough.test(spans) && System.nanoTime() < deadline) {
      Thread.sleep(50);
      spans = exporter.getFinishedSpanItems();
    }
    return spans;
  }

  private static List<SpanData> named(List<SpanData> spans, String name) {
    return spans.stream().filter(s -> s.getName().equals(name)).toList();
  }

  /** The spans that the job's decisions on reports link to. */
  private static Set<String> linkedSpans(List<SpanData> spans) {
    return named(spans, "job apply reports").stream()
        .flatMap(a -> a.getLinks().stream())
        .map(LinkData::getSpanContext)
        .map(c -> c.getSpanId())
        .collect(Collectors.toSet());
  }

  private static SpanData one(List<SpanData> spans, String name) {
    List<SpanData> found = named(spans, name);
    assertThat(found).as(name).hasSize(1);
    return found.get(0);
  }

  @Test
  void oneTraceSpansTheRequestTheJobsDecisionsAndEachAttemptOnAWorkerWithTheirParents()
      throws Exception {
    InMemorySpanExporter exporter = InMemorySpanExporter.create();
    OpenTelemetrySdk sdk = sdk(exporter);
    try (IgorNode node = node(sdk);
        Worker worker = worker(node, sdk)) {
      HttpApi api = new HttpApi(node.httpPort());
      String jobId =
          create(
              node,
              """
              {"layers": [
                {"tasks": [{"type": "traced"}, {"type": "traced"}]},
                {"priority": 1, "tasks": [{"type": "traced"}]}
              ]}""");
      api.awaitJob(jobId, status("COMPLETED"), WAIT);

      List<SpanData> spans =
          spans(
              exporter,
              s ->
                  named(s, "attempt traced").size() == 3
                      && linkedSpans(s)
                          .containsAll(
                              named(s, "attempt traced").stream()
                                  .map(SpanData::getSpanId)
                                  .toList()));

      SpanData request = one(spans, "POST /api/v1/jobs");
      assertThat(request.getKind()).isEqualTo(SpanKind.SERVER);
      assertThat(request.getTraceId()).as("the caller's trace goes on").isEqualTo(CALLER_TRACE);
      assertThat(request.getParentSpanId()).isEqualTo(CALLER_SPAN);
      assertThat(spans)
          .as("every span of the job is in the caller's trace")
          .allSatisfy(s -> assertThat(s.getTraceId()).isEqualTo(CALLER_TRACE));

      SpanData created = one(spans, "job create");
      assertThat(created.getParentSpanId()).isEqualTo(request.getSpanId());
      assertThat(created.getAttributes().asMap().toString()).contains(jobId);

      List<SpanData> attempts = named(spans, "attempt traced");
      List<SpanData> applied = named(spans, "job apply reports");
      Set<String> appliedIds =
          applied.stream().map(SpanData::getSpanId).collect(Collectors.toSet());
      assertThat(applied)
          .as("a decision on reports is a child of the job's trace (its create)")
          .allSatisfy(a -> assertThat(a.getParentSpanId()).isEqualTo(created.getSpanId()));
      assertThat(attempts)
          .as("each attempt is the child of the decision that handed it out")
          .allSatisfy(a -> assertThat(a.getKind()).isEqualTo(SpanKind.CONSUMER))
          .filteredOn(a -> a.getParentSpanId().equals(created.getSpanId()))
          .hasSize(2);
      assertThat(attempts)
          .filteredOn(a -> appliedIds.contains(a.getParentSpanId()))
          .as("the second layer's attempt was handed out by the decision on the first's reports")
          .hasSize(1);
      assertThat(spanSeenByHandler.values())
          .as("each handler ran inside its attempt's span")
          .containsExactlyInAnyOrderElementsOf(attempts.stream().map(SpanData::getSpanId).toList());
      assertThat(linkedSpans(spans))
          .as("the decisions on reports link back to the attempts that reported")
          .containsAll(attempts.stream().map(SpanData::getSpanId).toList());
    } finally {
      sdk.close();
    }
  }

  @Test
  void attemptsHandedOutAfterTheNodeRestartsStillJoinTheJobsTrace() throws Exception {
    InMemorySpanExporter before = InMemorySpanExporter.create();
    OpenTelemetrySdk first = sdk(before);
    String jobId;
    String createSpan;
    try (IgorNode node = node(first)) {
      jobId =
          create(
              node,
              """
              {"layers": [
                {"tasks": [{"type": "traced"}]},
                {"priority": 1, "tasks": [{"type": "traced"}]}
              ]}""");
      createSpan =
          one(spans(before, s -> !named(s, "job create").isEmpty()), "job create").getSpanId();
    } finally {
      first.close();
    }

    InMemorySpanExporter after = InMemorySpanExporter.create();
    OpenTelemetrySdk second = sdk(after);
    try (IgorNode node = node(second);
        Worker worker = worker(node, second)) {
      new HttpApi(node.httpPort()).awaitJob(jobId, status("COMPLETED"), WAIT);
      List<SpanData> spans = spans(after, s -> named(s, "attempt traced").size() == 2);

      assertThat(spans).isNotEmpty();
      assertThat(spans)
          .as("the new node's spans of the job are in the job's trace, kept in its journal")
          .allSatisfy(s -> assertThat(s.getTraceId()).isEqualTo(CALLER_TRACE));
      List<SpanData> applied = named(spans, "job apply reports");
      assertThat(applied)
          .as("the restarted job's decisions are children of its create, from before the restart")
          .isNotEmpty()
          .allSatisfy(a -> assertThat(a.getParentSpanId()).isEqualTo(createSpan));
      Set<String> appliedIds =
          applied.stream().map(SpanData::getSpanId).collect(Collectors.toSet());
      List<SpanData> attempts = named(spans, "attempt traced");
      assertThat(attempts)
          .filteredOn(a -> a.getParentSpanId().equals(createSpan))
          .as("the first layer's attempt, handed out before the restart")
          .hasSize(1);
      assertThat(attempts)
          .filteredOn(a -> appliedIds.contains(a.getParentSpanId()))
          .as("the second layer's attempt, handed out after it")
          .hasSize(1);
    } finally {
      second.close();
    }
  }
}
