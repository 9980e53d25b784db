package igor.worker;

import static igor.testing.HttpApi.status;
import static org.assertj.core.api.Assertions.assertThat;

import igor.app.IgorNode;
import igor.queue.HopProbe;
import igor.queue.HopProbe.Step;
import igor.testing.HttpApi;
import igor.testing.TestNode;
import igor.testing.TestRedis;
import igor.testing.TestTime;
import igor.worker.api.TaskContext;
import igor.worker.api.TaskHandler;
import igor.worker.api.Worker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What keeps a hop short (docs/BENCHMARKS.md, "Where a hop's time goes"; ADR 0021): a worker of
 * several types waits on all their queues at once, and a start and its outcome that come within
 * igor.reports.start-linger are journaled in one write, while a start whose outcome does not come
 * is journaled alone. Times come from {@link HopProbe}, installed for each test.
 */
class HopLatencyTest {
  private static final Duration WAIT = TestTime.scaled(Duration.ofSeconds(40));
  private static TestNode.Running igor;
  private static TestRedis redis;
  private static IgorNode node;
  private static HttpApi api;
  private final Map<String, Map<Step, Long>> times = new ConcurrentHashMap<>();

  @BeforeAll
  static void startNode() {
    // A linger far longer than a quick task takes, so that its start and outcome always meet.
    igor = TestNode.running(List.of(), Map.of("igor.reports.start-linger", "1s"));
    redis = igor.redis();
    node = igor.node();
    api = igor.api();
  }

  @AfterAll
  static void stopNode() {
    igor.close();
  }

  @AfterEach
  void stopRecording() {
    HopProbe.install(null);
  }

  private void record() {
    HopProbe.install(
        (step, taskId, at) ->
            times
                .computeIfAbsent(
                    taskId, id -> Collections.synchronizedMap(new EnumMap<>(Step.class)))
                .putIfAbsent(step, at));
  }

  private static Worker.Builder worker() {
    return Worker.connect(redis.url())
        .keyPrefix(redis.prefix())
        .apiUrl("http://127.0.0.1:" + node.httpPort())
        .shutdownGrace(Duration.ofSeconds(2));
  }

  /**
   * A job of layers of one task each, run one after another (layers of one priority run at once).
   */
  private static String chain(String type, int layers) {
    List<String> all = new ArrayList<>();
    for (int i = 0; i < layers; i++) {
      all.add("{\"priority\": " + i + ", \"tasks\": [{\"type\": \"" + type + "\"}]}");
    }
    return "{\"layers\": [" + String.join(",", all) + "]}";
  }

  @Test
  void workerOfSeveralTypesTakesADeliveryOfAnyOfThemWhenItIsPushed() {
    record();
    try (Worker worker =
        worker()
            .register(quick("hop-a"))
            .register(quick("hop-b"))
            .register(quick("hop-c"))
            .register(quick("hop-d"))
            .start()) {
      String job = api.createJob(chain("hop-d", 8));
      api.awaitJob(job, status("COMPLETED"), WAIT);
    }
    List<Double> waits = new ArrayList<>();
    times.values().stream()
        .filter(t -> t.containsKey(Step.PUSHED) && t.containsKey(Step.POPPED))
        .forEach(t -> waits.add((t.get(Step.POPPED) - t.get(Step.PUSHED)) / 1e6));
    Collections.sort(waits);
    assertThat(waits).hasSize(8);
    // Waiting on one queue at a time (the take before), a delivery of another type waited for the
    // BLMOVE on the wrong queue to time out: about the poll wait of 1 s, for most hops.
    assertThat(waits.get(waits.size() / 2))
        .as("median ms from the push to the take, of %s", waits)
        .isLessThan(500.0);
  }

  @Test
  void startAndOutcomeThatComeWithinTheLingerAreJournaledInOneWrite() {
    record();
    try (Worker worker = worker().register(quick("hop-quick")).start()) {
      String job = api.createJob(chain("hop-quick", 4));
      api.awaitJob(job, status("COMPLETED"), WAIT);
    }
    assertThat(times.values())
        .filteredOn(t -> t.containsKey(Step.OUTCOME_JOURNALED))
        .hasSize(4)
        .allSatisfy(
            t ->
                assertThat(t.get(Step.STARTED_JOURNALED))
                    .as("the start journaled in the outcome's write")
                    .isEqualTo(t.get(Step.OUTCOME_JOURNALED)));
  }

  @Test
  void startWhoseOutcomeDoesNotComeIsJournaledAloneAfterTheLinger() throws Exception {
    record();
    CountDownLatch running = new CountDownLatch(1);
    TaskHandler waiting =
        new TaskHandler() {
          @Override
          public String type() {
            return "hop-waiting";
          }

          @Override
          public byte[] handle(TaskContext context) throws Exception {
            running.await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            return null;
          }
        };
    String job = api.createJob(chain("hop-waiting", 1));
    try (Worker worker = worker().register(waiting).start()) {
      api.awaitJob(
          job,
          j ->
              j.path("layers")
                  .get(0)
                  .path("tasks")
                  .get(0)
                  .path("status")
                  .asText()
                  .equals("RUNNING"),
          WAIT);
      running.countDown();
      api.awaitJob(job, status("COMPLETED"), WAIT);
    }
    Map<Step, Long> task = times.values().iterator().next();
    assertThat(task.get(Step.STARTED_JOURNALED)).isLessThan(task.get(Step.OUTCOME_JOURNALED));
    assertThat((task.get(Step.STARTED_DECIDED) - task.get(Step.STARTED_READ)) / 1e6)
        .as("ms the start waited for its outcome: about the linger of 1 s")
        .isGreaterThanOrEqualTo(900.0);
  }

  private static TaskHandler quick(String type) {
    return new TaskHandler() {
      @Override
      public String type() {
        return type;
      }

      @Override
      public byte[] handle(TaskContext context) {
        return null;
      }
    };
  }
}
