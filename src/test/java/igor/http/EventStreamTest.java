package igor.http;

import static org.assertj.core.api.Assertions.assertThat;

import igor.app.IgorNode;
import igor.testing.EventStream;
import igor.testing.HttpApi;
import igor.testing.Journal;
import igor.testing.TestDatabase;
import igor.testing.TestNode;
import igor.testing.TestTime;
import igor.worker.builtin.BuiltinHandlers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** GET /api/v1/events: every change as Server-Sent Events, in journal order, resumable. */
class EventStreamTest {
  private static final Duration WAIT = TestTime.scaled(Duration.ofSeconds(30));
  private static final int MAX_STREAMS = 4;
  private static TestNode.Running running;
  private static TestDatabase db;
  private static IgorNode node;
  private static HttpApi api;

  @BeforeAll
  static void startNode() {
    running =
        TestNode.running(
            BuiltinHandlers.all(),
            Map.of("igor.events.max-streams", MAX_STREAMS, "igor.events.heartbeat", "1s"));
    db = running.db();
    node = running.node();
    api = running.api();
  }

  @AfterAll
  static void stopNode() {
    running.close();
  }

  @Test
  void aClientReceivesEveryChangeOfAJobInJournalOrder() {
    try (EventStream stream = EventStream.open(node.httpPort(), "", null)) {
      assertThat(stream.status()).isEqualTo(200);
      String jobId = runJob();

      List<EventStream.Event> seen =
          stream.until(e -> isFinalStatusOf(e, jobId), WAIT).stream()
              .filter(e -> e.data().path("job_id").asText().equals(jobId))
              .toList();

      assertThat(seen.stream().map(e -> new Journal.Ordered(e.ordering(), e.type())).toList())
          .isEqualTo(
              Journal.ordered(db, jobId).stream()
                  .map(o -> new Journal.Ordered(o.ordering(), snake(o.type())))
                  .toList());
      EventStream.Event completed =
          seen.stream().filter(e -> e.type().equals("task_completed")).findFirst().orElseThrow();
      assertThat(completed.data().path("status").asText()).isEqualTo("COMPLETED");
      assertThat(completed.data().path("task_id").asText()).hasSize(36);
      assertThat(completed.data().path("attempt").asInt()).isEqualTo(1);
      assertThat(completed.data().path("at").asLong())
          .isBetween(System.currentTimeMillis() / 1000 - 60, System.currentTimeMillis() / 1000);
      assertThat(seen.get(0).type()).isEqualTo("job_created");
      assertThat(seen.get(0).data().path("layers")).hasSize(2);
    }
  }

  @Test
  void aClientResumingWithLastEventIdGetsExactlyTheEventsAfterIt() {
    String jobId = runJob();
    api.awaitJob(jobId, HttpApi.status("COMPLETED"), WAIT);
    List<Journal.Ordered> journal = Journal.ordered(db, jobId);
    long resumeAfter = journal.get(2).ordering();
    List<Journal.Ordered> expected = Journal.taggedAfter(db, resumeAfter);

    try (EventStream stream = EventStream.open(node.httpPort(), "", Long.toString(resumeAfter))) {
      List<EventStream.Event> seen =
          stream.until(e -> e.ordering() >= expected.get(expected.size() - 1).ordering(), WAIT);

      assertThat(seen.stream().map(EventStream.Event::ordering).toList())
          .isEqualTo(expected.stream().map(Journal.Ordered::ordering).toList());
    }
    try (EventStream stream = EventStream.open(node.httpPort(), "?since=" + resumeAfter, null)) {
      assertThat(stream.until(e -> true, WAIT).get(0).ordering())
          .isEqualTo(expected.get(0).ordering());
    }
  }

  @Test
  void theJobFilterGivesOnlyTheChangesOfThoseJobs() {
    String first = runJob();
    String second = runJob();
    api.awaitJob(first, HttpApi.status("COMPLETED"), WAIT);
    api.awaitJob(second, HttpApi.status("COMPLETED"), WAIT);

    try (EventStream stream =
        EventStream.open(node.httpPort(), "?since=0&job_ids=" + second, null)) {
      List<EventStream.Event> seen = stream.until(e -> isFinalStatusOf(e, second), WAIT);
      seen.addAll(stream.within(Duration.ofSeconds(1)));

      List<Long> orderings = new ArrayList<>();
      for (EventStream.Event e : seen) {
        if (!e.type().equals("comment")) {
          assertThat(e.data().path("job_id").asText()).isEqualTo(second);
          orderings.add(e.ordering());
        }
      }
      assertThat(orderings)
          .isEqualTo(Journal.ordered(db, second).stream().map(Journal.Ordered::ordering).toList());
    }
  }

  @Test
  void anIdleStreamGetsHeartbeatComments() {
    try (EventStream stream =
        EventStream.open(
            node.httpPort(), "?job_ids=" + "00000000-0000-4000-8000-000000000000", null)) {
      assertThat(stream.within(Duration.ofMillis(2500)))
          .extracting(EventStream.Event::type)
          .contains("comment");
    }
  }

  @Test
  void badInputIsAJsonErrorNamingTheParameter() {
    assertThat(EventStream.open(node.httpPort(), "?since=abc", null).error().path("error").asText())
        .contains("'since'");
    assertThat(EventStream.open(node.httpPort(), "?since=-1", null).status()).isEqualTo(400);
    assertThat(
            EventStream.open(node.httpPort(), "?job_ids=nope", null).error().path("error").asText())
        .contains("'job_ids'");
    assertThat(EventStream.open(node.httpPort(), "?jobs=x", null).error().path("error").asText())
        .contains("unknown query parameter 'jobs'");
    EventStream badHeader = EventStream.open(node.httpPort(), "", "last");
    assertThat(badHeader.status()).isEqualTo(400);
    assertThat(badHeader.error().path("error").asText()).contains("'Last-Event-ID'");
  }

  @Test
  void streamsOverTheNodesLimitAreRefusedWith503() {
    List<EventStream> open = new ArrayList<>();
    try {
      EventStream refused = null;
      for (int i = 0; i <= MAX_STREAMS && refused == null; i++) {
        EventStream s = EventStream.open(node.httpPort(), "", null);
        if (s.status() == 200) {
          open.add(s);
        } else {
          refused = s;
        }
      }
      assertThat(open).hasSizeLessThanOrEqualTo(MAX_STREAMS);
      assertThat(refused).isNotNull();
      assertThat(refused.status()).isEqualTo(503);
      assertThat(refused.error().path("error").asText())
          .contains("at most " + MAX_STREAMS)
          .contains("igor.events.max-streams");
    } finally {
      open.forEach(EventStream::close);
    }
    api.awaitGet(
        "/healthz",
        a -> {
          EventStream again = EventStream.open(node.httpPort(), "", null);
          again.close();
          return again.status() == 200;
        },
        WAIT);
  }

  private static boolean isFinalStatusOf(EventStream.Event e, String jobId) {
    return e.type().equals("job_status_changed")
        && e.data().path("job_id").asText().equals(jobId)
        && e.data().path("status").asText().equals("COMPLETED");
  }

  private static String runJob() {
    HttpApi.Answer created =
        api.post(
            "/api/v1/jobs",
            "{\"name\": \"sse\", \"layers\": [{\"name\": \"a\", \"tasks\": [{\"type\": \"noop\"},"
                + " {\"type\": \"noop\"}]},{\"name\": \"b\", \"priority\": 1, \"tasks\":"
                + " [{\"type\": \"echo\", \"args\": \"aGk=\"}]}]}");
    assertThat(created.status()).as(created.text()).isEqualTo(200);
    return created.body().path("id").asText();
  }

  /** TaskCompleted -> task_completed. */
  private static String snake(String type) {
    Matcher m = Pattern.compile("(?<=[a-z])([A-Z])").matcher(type);
    return m.replaceAll("_$1").toLowerCase(java.util.Locale.ROOT);
  }
}
