package igor.e2e;

import static igor.testing.HttpApi.status;
import static org.assertj.core.api.Assertions.assertThat;

import igor.testing.IgorProcess;
import igor.testing.Journal;
import igor.testing.TemporaryDirectories;
import igor.testing.TestNode;
import igor.testing.TestTime;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Worker processes SIGKILLed at random moments while a job of 2,000 tasks with retries runs (some
 * kills land between a take and its claim, some mid-run, some between a handler's end and its
 * report): every task ends COMPLETED, and every attempt is journaled once (one start, at most one
 * end). A killed worker's running attempts fail "lost worker" after its lease and run again; what
 * it had taken but not claimed goes back to its queue when its take heartbeat lapses.
 */
class ChaosWorkersTest {
  private static final int TASKS = 2_000;
  private static final int WORKERS = 3;
  private static final int KILLS = 24;
  private static final String LEASE = "4s";
  private static final Duration WARM_UP = Duration.ofMillis(1500);

  @Test
  void everyTaskCompletesOnceWhileWorkersAreKilledAtRandom() throws Exception {
    long seed = System.nanoTime();
    Random random = new Random(seed);
    System.out.println("[chaos] seed " + seed);
    Path logs = TemporaryDirectories.create("igor-chaos");
    Map<String, Object> node =
        Map.of(
            "igor.node.roles",
            List.of("api", "jobs"),
            "igor.worker.lease",
            LEASE,
            "igor.worker.lease-check-interval",
            "500ms");
    try (TestNode.Running igor = TestNode.running(List.of(), node)) {
      Map<String, String> env = new HashMap<>();
      env.put("IGOR_REDIS_URL", igor.redis().url());
      env.put("IGOR_REDIS_KEY_PREFIX", igor.redis().prefix());
      env.put("IGOR_WORKER_LEASE", LEASE);
      env.put("IGOR_WORKER_CONCURRENCY", "8");
      List<IgorProcess> workers = new ArrayList<>();
      List<IgorProcess> all = new ArrayList<>();
      try {
        for (int i = 0; i < WORKERS; i++) {
          IgorProcess w = worker(i, env, logs);
          workers.add(w);
          all.add(w);
        }
        String jobId = igor.api().createJob(job());
        long chaos = System.nanoTime();
        List<Long> startedAt = new ArrayList<>();
        workers.forEach(w -> startedAt.add(0L)); // until its log says "worker started"
        int kills = 0;
        while (kills < KILLS) {
          Thread.sleep(400 + random.nextInt(800));
          // a worker that had time to start and take work: its JVM starts in about 2 s on a quiet
          // machine, many more on a loaded one, so the warm-up counts from its "worker started"
          for (int i = 0; i < workers.size(); i++) {
            if (startedAt.get(i) == 0 && workers.get(i).logTail().contains("worker started")) {
              startedAt.set(i, System.nanoTime());
            }
          }
          int victim = random.nextInt(workers.size());
          if (startedAt.get(victim) == 0
              || System.nanoTime() - startedAt.get(victim) < WARM_UP.toNanos()) {
            continue;
          }
          workers.get(victim).kill();
          kills++;
          IgorProcess again = worker(WORKERS + kills, env, logs);
          workers.set(victim, again);
          startedAt.set(victim, 0L);
          all.add(again);
        }
        System.out.printf(
            "[chaos] %d workers SIGKILLed in %d ms%n",
            KILLS, Duration.ofNanos(System.nanoTime() - chaos).toMillis());

        igor.api().awaitJob(jobId, status("COMPLETED"), TestTime.scaled(Duration.ofMinutes(3)));
        System.out.printf(
            "[chaos] job of %d tasks COMPLETED %d ms after the first kill%n",
            TASKS, Duration.ofNanos(System.nanoTime() - chaos).toMillis());

        Map<String, List<Integer>> completed =
            Journal.attemptsByTask(igor.db(), jobId, "TaskCompleted");
        assertThat(completed).as("tasks completed").hasSize(TASKS);
        assertThat(completed.values()).as("completions per task").allMatch(a -> a.size() == 1);
        assertEachAttemptOnce(Journal.attemptsByTask(igor.db(), jobId, "TaskStarted"), "started");
        assertEachAttemptOnce(Journal.attemptsByTask(igor.db(), jobId, "TaskFailed"), "failed");
        Map<Integer, Integer> runs = new TreeMap<>();
        completed.values().forEach(a -> runs.merge(a.get(0), 1, Integer::sum));
        System.out.println("[chaos] tasks by the attempt that completed them: " + runs);
        assertThat(runs.keySet())
            .as("some kills hit running attempts, which then ran again")
            .anyMatch(attempt -> attempt > 1);
      } finally {
        for (IgorProcess w : all) {
          w.close();
        }
      }
    } finally {
      TemporaryDirectories.delete(logs);
    }
  }

  private static void assertEachAttemptOnce(Map<String, List<Integer>> attempts, String what) {
    attempts.forEach(
        (task, numbers) ->
            assertThat(numbers)
                .as("attempts of task " + task + " " + what + " (each once)")
                .doesNotHaveDuplicates());
  }

  private static IgorProcess worker(int n, Map<String, String> env, Path logs) {
    return IgorProcess.start(
        "worker-" + n, "worker", env, List.of("-Xmx192m"), logs.resolve("worker-" + n + ".log"));
  }

  /** One layer of short sleeps, each with retries enough for the kills it may meet. */
  private static String job() {
    String args = Base64.getEncoder().encodeToString("0.4".getBytes());
    StringBuilder tasks = new StringBuilder();
    for (int i = 0; i < TASKS; i++) {
      tasks.append(i == 0 ? "" : ",");
      tasks
          .append("{\"type\": \"sleep\", \"args\": \"")
          .append(args)
          .append("\", \"retries\": 20}");
    }
    return "{\"name\": \"chaos\", \"layers\": [{\"tasks\": [" + tasks + "]}]}";
  }
}
