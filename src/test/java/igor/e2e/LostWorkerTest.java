package igor.e2e;

import static igor.testing.HttpApi.status;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import igor.domain.WorkerReport;
import igor.queue.TaskDelivery;
import igor.queue.WorkerChannel;
import igor.queue.redis.RedisQueues;
import igor.queue.redis.RedisSettings;
import igor.testing.HttpApi;
import igor.testing.Journal;
import igor.testing.TestNode;
import igor.testing.TestTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A worker that dies mid-task is noticed by its missed lease within the lease (SEMANTICS.md section
 * 4): its attempt fails "lost worker", is retried while retries are left, and ends the task ERRORED
 * when none are. The dead worker here takes and begins attempts through the worker's own channel to
 * Redis, and then never renews their lease: a worker killed right after its start.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class LostWorkerTest {
  private static final Duration LEASE = Duration.ofSeconds(2);
  private static final Duration LEASE_CHECK = Duration.ofMillis(200);

  /** What a report takes from Redis to its job's journal, on a busy machine. */
  private static final Duration ROUTING = TestTime.scaled(Duration.ofSeconds(2));

  private static final Duration WAIT = TestTime.scaled(Duration.ofSeconds(30));
  private static TestNode.Running igor;
  private static RedisQueues deadWorkersRedis;

  @BeforeAll
  static void startNode() {
    igor =
        TestNode.running(
            List.of(),
            Map.of(
                "igor.worker.lease", LEASE.toMillis() + "ms",
                "igor.worker.lease-check-interval", LEASE_CHECK.toMillis() + "ms"));
    deadWorkersRedis =
        RedisQueues.open(
            new RedisSettings(igor.redis().url(), "", igor.redis().prefix(), 2),
            Duration.ofMinutes(5));
  }

  @AfterAll
  static void stopNode() {
    deadWorkersRedis.close();
    igor.close();
  }

  @Test
  void attemptsOfAWorkerThatDiedFailLostWorkerWithinTheLeaseAndTheLastOneErrsTheTask()
      throws Exception {
    HttpApi.Answer created =
        igor.api()
            .post(
                "/api/v1/jobs",
                "{\"layers\": [{\"tasks\": [{\"type\": \"doomed\", \"retries\": 1}]}]}");
    assertThat(created.status()).as(created.text()).isEqualTo(200);
    String jobId = created.body().path("id").asText();
    String taskId = created.body().path("layers").get(0).path("tasks").get(0).path("id").asText();
    WorkerChannel dead = deadWorkersRedis.workerChannel();
    List<long[]> leases = new ArrayList<>();

    for (int attempt = 1; attempt <= 2; attempt++) {
      leases.add(beginAndDie(dead, taskId, attempt));
      if (attempt == 1) {
        JsonNode retried =
            igor.api()
                .awaitJob(
                    jobId,
                    j ->
                        task(j).path("attempts").asInt() == 2
                            && task(j).path("status").asText().equals("QUEUED"),
                    WAIT);
        assertThat(task(retried).path("message").asText()).isEqualTo("lost worker");
      }
    }

    JsonNode errored = igor.api().awaitJob(jobId, status("ERRORED"), WAIT);
    assertThat(task(errored).path("status").asText()).isEqualTo("ERRORED");
    assertThat(task(errored).path("message").asText()).isEqualTo("lost worker");
    assertThat(task(errored).path("attempts").asInt()).isEqualTo(2);
    assertThat(errored.path("layers").get(0).path("status").asText()).isEqualTo("ERRORED");
    List<Journal.Entry> failures =
        Journal.events(igor.db(), jobId).stream()
            .filter(e -> e.type().equals("TaskFailed"))
            .toList();
    assertThat(failures).hasSize(2);
    for (int i = 0; i < 2; i++) {
      Journal.Entry failure = failures.get(i);
      long beganBefore = leases.get(i)[0];
      long beganAfter = leases.get(i)[1];
      assertThat(failure.json().path("attempt").asInt()).isEqualTo(i + 1);
      assertThat(failure.json().path("message").asText()).isEqualTo("lost worker");
      assertThat(failure.json().path("at").asLong())
          .as(
              "attempt %d: failed once its lease ran out, and not later than the lease,"
                  + " a lease check and the report's way to the job",
              i + 1)
          .isGreaterThanOrEqualTo(beganBefore + LEASE.toMillis())
          .isLessThanOrEqualTo(
              beganAfter + LEASE.toMillis() + LEASE_CHECK.toMillis() + ROUTING.toMillis());
    }
    assertThat(failures.get(0).json().path("retryAt").asLong()).isPositive();
    assertThat(failures.get(1).json().path("retryAt").asLong()).as("no retry left").isZero();
  }

  /**
   * Takes the attempt from the queue and begins it as a worker does (claim, lease, start report),
   * then does nothing more. Answers the clock just before and just after it began.
   */
  private static long[] beginAndDie(WorkerChannel dead, String taskId, int attempt)
      throws InterruptedException {
    long until = System.nanoTime() + WAIT.toNanos();
    while (System.nanoTime() < until) {
      for (TaskDelivery d : dead.take(List.of("doomed"), 1, Duration.ofMillis(200))) {
        assertThat(d.taskId()).isEqualTo(taskId);
        assertThat(d.attempt()).isEqualTo(attempt);
        WorkerReport started =
            new WorkerReport(
                WorkerReport.Kind.STARTED,
                d.jobId(),
                d.taskId(),
                d.attempt(),
                "dead-worker",
                "",
                null,
                true,
                System.currentTimeMillis());
        long before = System.currentTimeMillis();
        assertThat(dead.begin(d, "dead-worker", Duration.ofMinutes(5), LEASE, started)).isTrue();
        long after = System.currentTimeMillis();
        return new long[] {before, after};
      }
    }
    throw new AssertionError("attempt " + attempt + " of " + taskId + " was not delivered");
  }

  private static JsonNode task(JsonNode job) {
    return job.path("layers").get(0).path("tasks").get(0);
  }
}
