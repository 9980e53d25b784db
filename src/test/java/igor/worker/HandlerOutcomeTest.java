package igor.worker;

import static igor.testing.HttpApi.status;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import igor.testing.HttpApi;
import igor.testing.TestNode;
import igor.testing.TestTime;
import igor.worker.api.BatchContext;
import igor.worker.api.BatchTaskHandler;
import igor.worker.api.TaskContext;
import igor.worker.api.TaskHandler;
import igor.worker.api.Worker;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What a single-task handler sets on its context ({@link TaskContext#fail}, {@link
 * TaskContext#skip}, {@link TaskContext#complete}) is its task's outcome, as for each task of a
 * batch ({@link BatchContext}): a handler that calls {@code fail} and returns has failed its task,
 * not completed it.
 */
class HandlerOutcomeTest {
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

  @Test
  void aHandlerThatFailsItsTaskAndReturnsHasFailedIt() {
    JsonNode job =
        run(
            "fails-and-returns",
            context -> {
              context.fail("bad input", false);
              return "ignored".getBytes(StandardCharsets.UTF_8);
            },
            "ERRORED");

    assertThat(task(job).path("message").asText()).isEqualTo("bad input");
    assertThat(task(job).path("attempts").asInt()).as("not retried: retryable false").isEqualTo(1);
  }

  @Test
  void aHandlerThatSkipsItsTaskAndReturnsHasSkippedIt() {
    JsonNode job =
        run(
            "skips-and-returns",
            context -> {
              context.skip("nothing to do");
              return null;
            },
            "COMPLETED"); // a skipped task counts as done

    assertThat(task(job).path("status").asText()).isEqualTo("SKIPPED");
    assertThat(task(job).path("message").asText()).isEqualTo("nothing to do");
  }

  @Test
  void aHandlerThatCompletesItsTaskAndThenThrowsHasCompletedIt() {
    JsonNode job =
        run(
            "completes-then-throws",
            context -> {
              context.complete("made".getBytes(StandardCharsets.UTF_8));
              throw new IllegalStateException("cleaning up failed");
            },
            "COMPLETED");

    assertThat(task(job).path("result").asText()).isEqualTo("bWFkZQ==");
  }

  @Test
  void aHandlerThatReturnsCompletesAndOneThatThrowsFails() {
    assertThat(task(run("returns", context -> null, "COMPLETED")).path("attempts").asInt())
        .isEqualTo(1);
    JsonNode failed =
        run(
            "throws",
            context -> {
              throw new IllegalStateException("boom");
            },
            "ERRORED");
    assertThat(task(failed).path("message").asText()).contains("boom");
  }

  @Test
  void aBatchHandlerThatThrowsFailsOnlyTheTasksItLeftWithoutAnOutcome() {
    BatchTaskHandler handler =
        new BatchTaskHandler() {
          @Override
          public String type() {
            return "batch-sets-then-throws";
          }

          @Override
          public int maxBatchSize() {
            return 3;
          }

          @Override
          public Duration maxWait() {
            return Duration.ofMillis(300);
          }

          @Override
          public void handle(BatchContext batch) {
            for (TaskContext t : batch.tasks()) {
              switch (t.argsAsText()) {
                case "completes" -> t.complete(t.args());
                case "fails" -> t.fail("bad input", false);
                case "skips" -> t.skip("nothing to do");
                default -> t.setResult(t.args()); // left without an outcome
              }
            }
            throw new IllegalStateException("the batch's cleaning up failed");
          }
        };
    List<String> args = List.of("completes", "fails", "skips", "left");
    StringBuilder tasks = new StringBuilder();
    for (String a : args) {
      tasks
          .append(tasks.length() == 0 ? "" : ", ")
          .append("{\"type\": \"batch-sets-then-throws\", \"args\": \"")
          .append(base64(a))
          .append("\"}");
    }
    JsonNode job;
    try (Worker worker = worker().register(handler).start()) {
      job = create("{\"layers\": [{\"tasks\": [" + tasks + "]}]}", "ERRORED");
    }

    JsonNode completed = job.path("layers").get(0).path("tasks").get(0);
    JsonNode failed = job.path("layers").get(0).path("tasks").get(1);
    JsonNode skipped = job.path("layers").get(0).path("tasks").get(2);
    JsonNode left = job.path("layers").get(0).path("tasks").get(3);
    assertThat(completed.path("status").asText()).isEqualTo("COMPLETED");
    assertThat(completed.path("result").asText()).isEqualTo(base64("completes"));
    assertThat(failed.path("status").asText()).isEqualTo("ERRORED");
    assertThat(failed.path("message").asText()).isEqualTo("bad input");
    assertThat(skipped.path("status").asText()).isEqualTo("SKIPPED");
    assertThat(skipped.path("message").asText()).isEqualTo("nothing to do");
    assertThat(left.path("status").asText()).isEqualTo("ERRORED");
    assertThat(left.path("message").asText()).isEqualTo("the batch's cleaning up failed");
    assertThat(left.path("result").asText()).as("a failed attempt keeps no result").isEmpty();
  }

  interface Body {
    byte[] run(TaskContext context) throws Exception;
  }

  /** Runs one task of a new type with this handler until its job is {@code jobStatus}. */
  private static JsonNode run(String type, Body body, String jobStatus) {
    TaskHandler handler =
        new TaskHandler() {
          @Override
          public String type() {
            return type;
          }

          @Override
          public byte[] handle(TaskContext context) throws Exception {
            return body.run(context);
          }
        };
    try (Worker worker = worker().register(handler).start()) {
      return create(
          "{\"layers\": [{\"tasks\": [{\"type\": \"" + type + "\", \"retries\": 2}]}]}", jobStatus);
    }
  }

  private static Worker.Builder worker() {
    return Worker.connect(igor.redis().url())
        .keyPrefix(igor.redis().prefix())
        .apiUrl("http://127.0.0.1:" + igor.node().httpPort());
  }

  /** Creates the job and waits until it is {@code jobStatus}. */
  private static JsonNode create(String body, String jobStatus) {
    HttpApi.Answer created = igor.api().post("/api/v1/jobs", body);
    assertThat(created.status()).as(created.text()).isEqualTo(200);
    return igor.api().awaitJob(created.body().path("id").asText(), status(jobStatus), WAIT);
  }

  private static String base64(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }

  private static JsonNode task(JsonNode job) {
    return job.path("layers").get(0).path("tasks").get(0);
  }
}
