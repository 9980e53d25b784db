package igor.http;

import static org.assertj.core.api.Assertions.assertThat;

import igor.testing.RawHttp;
import igor.testing.TestNode;
import igor.testing.TestTime;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A request still open after pekko.http.server.request-timeout gets Igor's JSON 503, not
 * pekko-http's text. The request held open: a read filtered by a new job's id, which waits for the
 * read model (igor.reads.wait-for-writes, here a minute) while the projection looks at the journal
 * only once a minute (igor.projection.poll-interval), so the read outlasts the request time-out.
 */
class RequestTimeoutTest {
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(6);
  private static TestNode.Running running;
  private static RawHttp raw;

  @BeforeAll
  static void startNode() {
    running =
        TestNode.running(
            List.of(),
            Map.of(
                "pekko.http.server.request-timeout", REQUEST_TIMEOUT.toMillis() + "ms",
                "igor.http.ask-timeout", "5s",
                "igor.projection.poll-interval", "60s",
                "igor.reads.wait-for-writes", "60s"));
    raw = new RawHttp(running.node().httpPort());
  }

  @AfterAll
  static void stopNode() {
    running.close();
  }

  @Test
  void aRequestOpenPastTheRequestTimeoutIsAnsweredWithIgorsJson503() {
    String jobId = running.api().createJob("{\"layers\": [{\"tasks\": [{\"type\": \"t\"}]}]}");

    long start = System.nanoTime();
    RawHttp.Answer a = raw.get("/api/v1/jobs?job_ids=" + jobId);
    Duration took = Duration.ofNanos(System.nanoTime() - start);

    assertThat(a.status()).as(a.body()).isEqualTo(503);
    assertThat(a.header("Content-Type")).startsWith("application/json");
    assertThat(a.error())
        .isEqualTo(
            "the request was not answered within pekko.http.server.request-timeout; a change"
                + " asked for may still be made, so read before asking again");
    assertThat(a.header("X-Frame-Options")).isEqualTo("DENY");
    assertThat(took)
        .as("answered at the request time-out, long before the read's wait")
        .isGreaterThanOrEqualTo(REQUEST_TIMEOUT.minusMillis(500))
        .isLessThan(REQUEST_TIMEOUT.plus(TestTime.scaled(Duration.ofSeconds(10))));
  }
}
