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
import igor.worker.api.Worker;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Each task of a batch keeps its own fate ({@link BatchTaskHandler}): one task's failure fails that
 * task only, and a kill of one task of a running batch stops that task only.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class BatchFailuresTest {
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
  void failureOfOneTaskInABatchFailsThatTaskOnly() {
    List<List<String>> batches = new CopyOnWriteArrayList<>();
    BatchTaskHandler handler =
        batchOf(
            "batch-failing",
            batch -> {
              batches.add(
                  batch.tasks().stream().map(t -> t.argsAsText() + "/" + t.attempt()).toList());
              for (TaskContext t : batch.tasks()) {
                switch (t.argsAsText()) {
                  case "fails-once" -> {
                    if (t.attempt() == 1) {
                      t.fail("first attempt fails", true);
                    } else {
                      t.complete(bytes("second time"));
                    }
                  }
                  case "fails-for-good" -> t.fail("bad input", false);
                  default -> t.complete(bytes("done " + t.argsAsText()));
                }
              }
            });
    JsonNode job =
        create(
            "{\"layers\": [{\"tasks\": ["
                + task("batch-failing", "a", 0)
                + ", "
                + task("batch-failing", "fails-once", 1)
                + ", "
                + task("batch-failing", "b", 0)
                + ", "
                + task("batch-failing", "fails-for-good", 3)
                + ", "
                + task("batch-failing", "c", 0)
                + "]}]}");

    try (Worker worker = worker().register(handler).start()) {
      JsonNode done = igor.api().awaitJob(id(job), status("ERRORED"), WAIT);

      assertThat(batches.get(0))
          .as("the five tasks queued before the worker came: one batch")
          .containsExactlyInAnyOrder("a/1", "fails-once/1", "b/1", "fails-for-good/1", "c/1");
      assertThat(batches)
          .as("then the retry of the one that failed, alone")
          .last()
          .isEqualTo(List.of("fails-once/2"));
      assertThat(taskOf(done, 1).path("status").asText()).isEqualTo("COMPLETED");
      assertThat(taskOf(done, 1).path("attempts").asInt()).isEqualTo(2);
      assertThat(taskOf(done, 3).path("status").asText()).isEqualTo("ERRORED");
      assertThat(taskOf(done, 3).path("attempts").asInt()).isEqualTo(1);
      assertThat(taskOf(done, 3).path("message").asText()).isEqualTo("bad input");
      for (int i : new int[] {0, 2, 4}) {
        assertThat(taskOf(done, i).path("status").asText()).as("task %d", i).isEqualTo("COMPLETED");
        assertThat(taskOf(done, i).path("attempts").asInt()).as("task %d", i).isEqualTo(1);
      }
      assertThat(taskOf(done, 4).path("result").asText()).isEqualTo(base64("done c"));
    }
  }

  @Test
  void killOfOneTaskOfARunningBatchStopsThatTaskOnly() {
    CountDownLatch batchRunning = new CountDownLatch(1);
    CountDownLatch goOn = new CountDownLatch(1);
    Map<String, TaskContext> contexts = new ConcurrentHashMap<>();
    Map<String, Boolean> cancelledAtTheEnd = new ConcurrentHashMap<>();
    BatchTaskHandler handler =
        batchOf(
            "batch-killed",
            batch -> {
              batch.tasks().forEach(t -> contexts.put(t.argsAsText(), t));
              batchRunning.countDown();
              // What a batch handler does: one blocking call for the whole batch.
              assertThat(goOn.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
              assertThat(batch.isCancelled()).as("two of its three tasks still wanted").isFalse();
              for (TaskContext t : batch.tasks()) {
                cancelledAtTheEnd.put(t.argsAsText(), t.isCancelled());
                t.complete(bytes("done " + t.argsAsText()));
              }
            });
    JsonNode job =
        create(
            "{\"layers\": [{\"tasks\": ["
                + task("batch-killed", "x", 0)
                + ", "
                + task("batch-killed", "killed", 0)
                + ", "
                + task("batch-killed", "y", 0)
                + "]}]}");

    try (Worker worker = worker().register(handler).start()) {
      await(batchRunning);
      igor.api().awaitJob(id(job), taskIs(1, "RUNNING"), WAIT);

      HttpApi.Answer killed =
          igor.api()
              .patch(
                  "/api/v1/kill",
                  "[{\"kind\": \"Task\", \"id\": \"" + taskOf(job, 1).path("id").asText() + "\"}]");
      assertThat(killed.body().path("updated").asInt()).isEqualTo(1);
      JsonNode afterKill = igor.api().awaitJob(id(job), taskIs(1, "ERRORED"), WAIT);
      assertThat(taskOf(afterKill, 1).path("message").asText()).isEqualTo("killed");
      assertThat(afterKill.path("status").asText())
          .as("its batch mates still run")
          .isEqualTo("RUNNING");
      awaitTrue(() -> contexts.get("killed").isCancelled());
      goOn.countDown();

      JsonNode done = igor.api().awaitJob(id(job), status("ERRORED"), WAIT);
      assertThat(taskOf(done, 0).path("status").asText()).isEqualTo("COMPLETED");
      assertThat(taskOf(done, 0).path("result").asText()).isEqualTo(base64("done x"));
      assertThat(taskOf(done, 2).path("status").asText()).isEqualTo("COMPLETED");
      assertThat(taskOf(done, 1).path("status").asText()).isEqualTo("ERRORED");
      assertThat(taskOf(done, 1).path("message").asText()).isEqualTo("killed");
      assertThat(cancelledAtTheEnd)
          .containsEntry("killed", true)
          .containsEntry("x", false)
          .containsEntry("y", false);
    }
  }

  // --- helpers -------------------------------------------------------------------------------

  /** The body of a batch handler. */
  interface Batch {
    void handle(BatchContext batch) throws Exception;
  }

  private static BatchTaskHandler batchOf(String type, Batch body) {
    return new BatchTaskHandler() {
      @Override
      public String type() {
        return type;
      }

      @Override
      public int maxBatchSize() {
        return 5;
      }

      @Override
      public Duration maxWait() {
        return Duration.ofMillis(300);
      }

      @Override
      public void handle(BatchContext batch) throws Exception {
        body.handle(batch);
      }
    };
  }

  private static Worker.Builder worker() {
    return Worker.connect(igor.redis().url())
        .keyPrefix(igor.redis().prefix())
        .apiUrl("http://127.0.0.1:" + igor.node().httpPort());
  }

  private static JsonNode create(String body) {
    HttpApi.Answer a = igor.api().post("/api/v1/jobs", body);
    assertThat(a.status()).as(a.text()).isEqualTo(200);
    return a.body();
  }

  private static String task(String type, String args, int retries) {
    return "{\"type\": \""
        + type
        + "\", \"args\": \""
        + base64(args)
        + "\", \"retries\": "
        + retries
        + "}";
  }

  private static String id(JsonNode job) {
    return job.path("id").asText();
  }

  private static JsonNode taskOf(JsonNode job, int i) {
    return job.path("layers").get(0).path("tasks").get(i);
  }

  private static java.util.function.Predicate<JsonNode> taskIs(int i, String status) {
    return j -> taskOf(j, i).path("status").asText().equals(status);
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static String base64(String text) {
    return Base64.getEncoder().encodeToString(bytes(text));
  }

  private static void awaitTrue(java.util.function.BooleanSupplier condition) {
    long until = System.nanoTime() + WAIT.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > until) {
        throw new AssertionError("condition not met within " + WAIT);
      }
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }

  private static void await(CountDownLatch latch) {
    try {
      assertThat(latch.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
