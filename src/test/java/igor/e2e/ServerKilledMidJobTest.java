package igor.e2e;

import static igor.testing.HttpApi.status;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import igor.testing.HttpApi;
import igor.testing.IgorProcess;
import igor.testing.Journal;
import igor.testing.TestDatabase;
import igor.testing.TestRedis;
import igor.testing.TestTime;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The only node of an installation dies by SIGKILL in the middle of a job (NodeRestartTest stops
 * its node gracefully): {@code igor server} and {@code igor worker} run as processes of their own,
 * the server is killed while tasks run, and a new server on the same PostgreSQL and Redis finishes
 * the job with every attempt journaled once (SEMANTICS.md section 4: nothing accepted is lost).
 */
@Timeout(value = 8, unit = TimeUnit.MINUTES)
class ServerKilledMidJobTest {
  /** A JVM starting on a busy machine (see ProcessClusterTest). */
  private static final Duration START_TIMEOUT = TestTime.scaled(Duration.ofSeconds(180));

  private static final Duration WAIT = TestTime.scaled(Duration.ofSeconds(90));
  private static final String SLEEP_500_MS = "MC41";
  private static final int TASKS_PER_LAYER = 8;
  private final Path logs = Path.of("target", "server-killed-mid-job");
  private final List<IgorProcess> started = new ArrayList<>();
  private TestDatabase db;
  private TestRedis redis;

  @BeforeEach
  void servers() {
    db = TestDatabase.create();
    redis = TestRedis.create();
  }

  @AfterEach
  void cleanUp() {
    try {
      started.forEach(IgorProcess::close);
    } finally {
      try {
        redis.close();
      } finally {
        db.close();
      }
    }
  }

  @Test
  void jobCompletesAfterItsOnlyServerIsKilledAndRestartedWithEveryAttemptJournaledOnce() {
    int httpPort = freePort();
    HttpApi api = new HttpApi(httpPort);
    IgorProcess first = startServer("server-1", httpPort);
    startWorker();
    awaitReady(first, api);
    String tasks =
        String.join(
            ", ",
            Collections.nCopies(
                TASKS_PER_LAYER, "{\"type\": \"sleep\", \"args\": \"" + SLEEP_500_MS + "\"}"));
    HttpApi.Answer created =
        api.post(
            "/api/v1/jobs",
            "{\"layers\": [{\"tasks\": ["
                + tasks
                + "]},"
                + " {\"priority\": 1, \"tasks\": ["
                + tasks
                + "]}]}");
    assertThat(created.status()).as(created.text()).isEqualTo(200);
    String jobId = created.body().path("id").asText();
    api.awaitJob(jobId, job -> count(job, "COMPLETED") >= 1 && count(job, "RUNNING") >= 1, WAIT);

    first.kill();
    IgorProcess second = startServer("server-2", httpPort);
    awaitReady(second, api);

    JsonNode done = api.awaitJob(jobId, status("COMPLETED"), WAIT);
    assertThat(count(done, "COMPLETED")).isEqualTo(2 * TASKS_PER_LAYER);
    for (JsonNode layer : done.path("layers")) {
      for (JsonNode task : layer.path("tasks")) {
        assertThat(task.path("attempts").asInt()).as("task %s", task.path("id")).isEqualTo(1);
      }
    }
    Map<String, List<Integer>> completed = Journal.attemptsByTask(db, jobId, "TaskCompleted");
    assertThat(completed).as("TaskCompleted").hasSize(2 * TASKS_PER_LAYER);
    assertThat(completed.values())
        .as("TaskCompleted: attempt 1 of each task, once")
        .containsOnly(List.of(1));
    // A start report the killed server had read but not journaled stays pending under its consumer
    // until another node reclaims it (igor.reports.reclaim-after); if the attempt's completion was
    // applied first, that late start is ignored, as every report of a finished attempt is. So a
    // start is journaled at most once per attempt, not always.
    assertThat(Journal.attemptsByTask(db, jobId, "TaskStarted").values())
        .as("TaskStarted: attempt 1 at most once")
        .allSatisfy(attempts -> assertThat(attempts).isEqualTo(List.of(1)));
    assertThat(Journal.events(db, jobId).stream().map(Journal.Entry::type))
        .as("no attempt failed, was withdrawn or timed out")
        .doesNotContain("TaskFailed", "TaskWithdrawn", "TaskTimedOut");
  }

  private IgorProcess startServer(String name, int httpPort) {
    Map<String, String> env = new HashMap<>();
    env.put("IGOR_NODE_ROLES", "api,jobs");
    env.put("IGOR_HTTP_PORT", String.valueOf(httpPort));
    env.put("IGOR_CLUSTER_HOST", "127.0.0.1");
    env.put("IGOR_CLUSTER_PORT", String.valueOf(freePort()));
    env.put("IGOR_DATABASE_URL", db.url());
    env.put("IGOR_DATABASE_USER", db.user());
    env.put("IGOR_REDIS_URL", redis.url());
    env.put("IGOR_REDIS_KEY_PREFIX", redis.prefix());
    env.put("IGOR_AUTH_ALLOW_OPEN", "true");
    IgorProcess server =
        IgorProcess.start(name, "server", env, List.of("-Xmx384m"), logs.resolve(name + ".log"));
    started.add(server);
    return server;
  }

  private void startWorker() {
    started.add(
        IgorProcess.start(
            "worker",
            "worker",
            Map.of(
                "IGOR_REDIS_URL", redis.url(),
                "IGOR_REDIS_KEY_PREFIX", redis.prefix(),
                "IGOR_WORKER_CONCURRENCY", "4"),
            List.of("-Xmx256m"),
            logs.resolve("worker.log")));
  }

  private static void awaitReady(IgorProcess server, HttpApi api) {
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      if (!server.isAlive()) {
        throw new AssertionError(server.name() + " exited\n" + server.logTail());
      }
      try {
        if (api.get("/readyz").status() == 200) {
          return;
        }
      } catch (IllegalStateException notListeningYet) {
        // the JVM is still starting
      }
      try {
        Thread.sleep(250);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
    throw new AssertionError(
        server.name() + " not ready within " + START_TIMEOUT + "\n" + server.logTail());
  }

  private static int count(JsonNode job, String status) {
    int n = 0;
    for (JsonNode layer : job.path("layers")) {
      for (JsonNode task : layer.path("tasks")) {
        if (task.path("status").asText().equals(status)) {
          n++;
        }
      }
    }
    return n;
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
