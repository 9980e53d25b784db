package igor.e2e;

import static igor.testing.HttpApi.status;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import igor.app.IgorNode;
import igor.testing.CountingHandler;
import igor.testing.HttpApi;
import igor.testing.Journal;
import igor.testing.TestDatabase;
import igor.testing.TestNode;
import igor.testing.TestRedis;
import igor.worker.api.TaskHandler;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A node stops in the middle of a job; another starts on the same PostgreSQL and Redis. */
class NodeRestartTest {
  private TestDatabase db;
  private TestRedis redis;

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

  @Test
  void jobFinishesAfterItsNodeRestartsWithNothingLostAndNoAttemptRunTwice() {
    CountingHandler counting = new CountingHandler("count", 300);
    List<TaskHandler> handlers = List.of(counting);
    Map<String, Object> twoAtATime = Map.of("igor.worker.concurrency", 2);
    String jobId;
    try (IgorNode first = TestNode.start(db, redis, handlers, twoAtATime)) {
      HttpApi api = new HttpApi(first.httpPort());
      HttpApi.Answer created =
          api.post(
              "/api/v1/jobs",
              """
              {"layers": [
                {"tasks": [{"type": "count"}, {"type": "count"}, {"type": "count"},
                           {"type": "count"}, {"type": "count"}, {"type": "count"}]},
                {"priority": 1, "tasks": [{"type": "count"}, {"type": "count"}]}
              ]}""");
      jobId = created.body().path("id").asText();
      api.awaitJob(jobId, job -> completedTasks(job) >= 2, Duration.ofSeconds(20));
    }

    try (IgorNode second = TestNode.start(db, redis, handlers, twoAtATime)) {
      HttpApi api = new HttpApi(second.httpPort());
      JsonNode job = api.awaitJob(jobId, status("COMPLETED"), Duration.ofSeconds(60));

      assertThat(completedTasks(job)).isEqualTo(8);
      for (JsonNode layer : job.path("layers")) {
        for (JsonNode task : layer.path("tasks")) {
          assertThat(task.path("attempts").asInt()).isEqualTo(1);
        }
      }
      assertThat(counting.runs()).hasSize(8);
      assertThat(counting.runs().values()).extracting(AtomicInteger::get).containsOnly(1);
    }
  }

  @Test
  void failedTaskWaitingForItsRetryIsRetriedAfterTheNodeRestarts() {
    Map<String, Object> slowRetry =
        Map.of("igor.jobs.retry-initial-delay", "3s", "igor.jobs.retry-max-delay", "3s");
    List<TaskHandler> handlers = igor.worker.builtin.BuiltinHandlers.all();
    String jobId;
    try (IgorNode first = TestNode.start(db, redis, handlers, slowRetry)) {
      HttpApi api = new HttpApi(first.httpPort());
      jobId =
          api.post(
                  "/api/v1/jobs",
                  "{\"layers\": [{\"tasks\": [{\"type\": \"fail\", \"retries\": 1}]}]}")
              .body()
              .path("id")
              .asText();
      api.awaitJob(
          jobId,
          job ->
              job.path("layers")
                  .get(0)
                  .path("tasks")
                  .get(0)
                  .path("status")
                  .asText()
                  .equals("PENDING"),
          Duration.ofSeconds(20));
    }

    try (IgorNode second = TestNode.start(db, redis, handlers, slowRetry)) {
      HttpApi api = new HttpApi(second.httpPort());
      // Nobody asks for the job on the new node: it must wake by itself and run its retry.
      awaitJournal(jobId, "ERRORED", Duration.ofSeconds(20));
      JsonNode job = api.awaitJob(jobId, status("ERRORED"), Duration.ofSeconds(20));
      assertThat(job.path("layers").get(0).path("tasks").get(0).path("attempts").asInt())
          .isEqualTo(2);
    }
  }

  @Test
  void queuedTasksLostFromRedisAreQueuedAgainWhenTheirJobRecovers() {
    String jobId;
    try (IgorNode withoutWorker = TestNode.start(db, redis, List.of())) {
      HttpApi api = new HttpApi(withoutWorker.httpPort());
      HttpApi.Answer created =
          api.post(
              "/api/v1/jobs",
              "{\"layers\": [{\"tasks\": [{\"type\": \"noop\"}, {\"type\": \"echo\"}]}]}");
      jobId = created.body().path("id").asText();
      assertThat(created.body().path("layers").get(0).path("tasks").get(0).path("status").asText())
          .isEqualTo("QUEUED");
    }
    // As if the node had died after journaling QUEUED but before Redis took the tasks.
    assertThat(
            redis
                .client()
                .getKeys()
                .delete(redis.prefix() + ":queue:noop", redis.prefix() + ":queue:echo"))
        .isEqualTo(2);

    try (IgorNode second = TestNode.start(db, redis, igor.worker.builtin.BuiltinHandlers.all())) {
      JsonNode job =
          new HttpApi(second.httpPort())
              .awaitJob(jobId, status("COMPLETED"), Duration.ofSeconds(30));
      assertThat(job.path("layers").get(0).path("tasks").get(1).path("attempts").asInt())
          .isEqualTo(1);
    }
  }

  private static int completedTasks(JsonNode job) {
    int done = 0;
    for (JsonNode layer : job.path("layers")) {
      for (JsonNode task : layer.path("tasks")) {
        if (task.path("status").asText().equals("COMPLETED")) {
          done++;
        }
      }
    }
    return done;
  }

  private void awaitJournal(String jobId, String jobStatus, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      boolean reached =
          Journal.events(db, jobId).stream()
              .anyMatch(
                  e ->
                      e.type().equals("JobStatusChanged")
                          && e.json().path("status").asText().equals(jobStatus));
      if (reached) {
        return;
      }
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
    throw new AssertionError("job " + jobId + " was not journaled " + jobStatus + " in " + timeout);
  }
}
