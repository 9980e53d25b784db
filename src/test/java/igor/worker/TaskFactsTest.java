package igor.worker;

import static igor.testing.HttpApi.status;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import igor.testing.HttpApi;
import igor.testing.TestNode;
import igor.testing.TestTime;
import igor.worker.api.TaskContext;
import igor.worker.api.TaskHandler;
import igor.worker.api.Worker;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A handler knows its task: name, job and layer, attempt, the retries the task allows, its time-out
 * and the attempt's deadline (its start plus the time-out, as Igor counts it).
 */
class TaskFactsTest {
  private static final Duration WAIT = TestTime.scaled(Duration.ofSeconds(30));
  private static TestNode.Running igor;

  @BeforeAll
  static void startNode() {
    igor = TestNode.running(List.of());
  }

  @AfterAll
  static void stopNode() {
    igor.close();
  }

  /** What a handler saw. */
  record Seen(
      String name,
      String jobId,
      String layerId,
      int attempt,
      int retries,
      int timeout,
      Instant deadline,
      Instant at) {}

  @Test
  void aHandlerSeesItsTasksNameIdsAttemptRetriesTimeOutAndDeadline() {
    Map<String, Seen> seen = new ConcurrentHashMap<>();
    TaskHandler handler =
        new TaskHandler() {
          @Override
          public String type() {
            return "facts";
          }

          @Override
          public byte[] handle(TaskContext c) {
            seen.put(
                c.name(),
                new Seen(
                    c.name(),
                    c.jobId(),
                    c.layerId(),
                    c.attempt(),
                    c.retries(),
                    c.timeoutSeconds(),
                    c.deadline().orElse(null),
                    Instant.now()));
            return null;
          }
        };
    JsonNode job;
    try (Worker worker =
        Worker.connect(igor.redis().url())
            .keyPrefix(igor.redis().prefix())
            .apiUrl("http://127.0.0.1:" + igor.node().httpPort())
            .register(handler)
            .start()) {
      HttpApi.Answer created =
          igor.api()
              .post(
                  "/api/v1/jobs",
                  "{\"layers\": [{\"tasks\": ["
                      + "{\"type\": \"facts\", \"name\": \"thumb 1\", \"retries\": 3,"
                      + " \"timeout\": 60},"
                      + "{\"type\": \"facts\"}]}]}");
      assertThat(created.status()).as(created.text()).isEqualTo(200);
      job = igor.api().awaitJob(created.body().path("id").asText(), status("COMPLETED"), WAIT);
    }

    Seen named = seen.get("thumb 1");
    assertThat(named).as("seen: %s", seen).isNotNull();
    assertThat(named.jobId()).isEqualTo(job.path("id").asText());
    assertThat(named.layerId()).isEqualTo(job.path("layers").get(0).path("id").asText());
    assertThat(named.attempt()).isEqualTo(1);
    assertThat(named.retries()).isEqualTo(3);
    assertThat(named.timeout()).isEqualTo(60);
    assertThat(named.deadline())
        .as("the attempt's start plus 60 s")
        .isBetween(named.at().plusSeconds(50), named.at().plusSeconds(60));
    Seen plain = seen.get("");
    assertThat(plain).as("seen: %s", seen).isNotNull();
    assertThat(plain.retries()).isZero();
    assertThat(plain.timeout()).isZero();
    assertThat(plain.deadline()).as("no time-out, no deadline").isNull();
  }
}
