package igor.queue;

import static igor.testing.HttpApi.status;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import igor.app.IgorNode;
import igor.domain.Identifiers;
import igor.testing.CountingHandler;
import igor.testing.HttpApi;
import igor.testing.TestDatabase;
import igor.testing.TestNode;
import igor.testing.TestRedis;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.redisson.api.RScript;
import org.redisson.client.codec.StringCodec;

/**
 * A job nobody takes is created, recovered on another node, paused, unpaused and partly retried:
 * its queue holds one entry per queued attempt afterwards, not one per hand-out (issue 16 item 6).
 * {@code -Dstale.tasks=10000} measures a bigger job; the figures go to the test's output.
 */
class StaleDeliveriesTest {
  private static final int TASKS = Integer.getInteger("stale.tasks", 2000);
  private static final int RETRIED = 100;
  private static final String TYPE = "nobody-takes-this";
  private static final ObjectMapper JSON = new ObjectMapper();
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
  void queueHoldsOneEntryPerQueuedAttemptAfterRecoveryPauseUnpauseAndRetry() throws Exception {
    String jobId;
    try (IgorNode first = TestNode.start(db, redis, List.of())) {
      HttpApi api = new HttpApi(first.httpPort());
      jobId = api.createJob(jobOf(TASKS));
      awaitQueueLength(TASKS);
      report("after create", jobId, api);
    }
    try (IgorNode second = TestNode.start(db, redis, List.of())) {
      HttpApi api = new HttpApi(second.httpPort());
      String one = queuedTasks(api, jobId).get(0);
      steer(api, "pause", "Task", List.of(one));
      awaitSettled();
      report("after recovery and pausing one task", jobId, api);
      assertThat(deliveryIdsInQueue()).hasSize(TASKS - 1);
      steer(api, "pause", "Job", List.of(jobId));
      awaitSettled();
      report("after pause", jobId, api);
      assertThat(deliveryIdsInQueue()).isEmpty();
      steer(api, "unpause", "Job", List.of(jobId));
      steer(api, "unpause", "Task", List.of(one));
      awaitSettled();
      report("after unpause", jobId, api);
      steer(api, "retry", "Task", queuedTasks(api, jobId).subList(0, RETRIED));
      awaitSettled();
      Map<String, String> current = report("after retry", jobId, api);

      List<String> queued = deliveryIdsInQueue();
      assertThat(queued).hasSize(current.size());
      assertThat(new HashSet<>(queued)).isEqualTo(new HashSet<>(current.values()));
    }
    CountingHandler worker = new CountingHandler(TYPE, 0);
    try (IgorNode third = TestNode.start(db, redis, List.of(worker))) {
      HttpApi api = new HttpApi(third.httpPort());
      long start = System.nanoTime();
      api.awaitJob(jobId, status("COMPLETED"), Duration.ofSeconds(120));
      System.out.printf(
          "stale-deliveries tasks=%d one worker node ran the job in %d ms%n",
          TASKS, (System.nanoTime() - start) / 1_000_000);
      assertThat(worker.runs()).hasSize(TASKS);
      assertThat(worker.runs().values()).extracting(AtomicInteger::get).containsOnly(1);
      // The worker node's recovery of the job may push again an attempt its worker had taken
      // but not yet claimed; such a duplicate is claimed already, so a worker drops it on sight.
      for (String left : deliveryIdsInQueue()) {
        assertThat(redis.client().getBucket(redis.prefix() + ":claim:" + left).isExists())
            .as("claim of the entry left behind, " + left)
            .isTrue();
      }
    }
  }

  private static String jobOf(int tasks) {
    StringBuilder body = new StringBuilder("{\"layers\": [{\"tasks\": [");
    for (int i = 0; i < tasks; i++) {
      body.append(i == 0 ? "" : ",").append("{\"type\": \"").append(TYPE).append("\"}");
    }
    return body.append("]}]}").toString();
  }

  private static void steer(HttpApi api, String action, String kind, List<String> ids) {
    StringBuilder refs = new StringBuilder("[");
    for (String id : ids) {
      refs.append(refs.length() == 1 ? "" : ",");
      refs.append("{\"kind\": \"").append(kind).append("\", \"id\": \"").append(id).append("\"}");
    }
    HttpApi.Answer answer = api.patch("/api/v1/" + action, refs.append("]").toString());
    assertThat(answer.status()).as(answer.text()).isEqualTo(200);
  }

  /** The delivery id of the current attempt of every QUEUED task, by task id. */
  private static Map<String, String> currentDeliveries(HttpApi api, String jobId) {
    Map<String, String> current = new HashMap<>();
    for (JsonNode layer : api.get("/api/v1/jobs/" + jobId).body().path("layers")) {
      for (JsonNode task : layer.path("tasks")) {
        if (task.path("status").asText().equals("QUEUED")) {
          String id = task.path("id").asText();
          current.put(id, Identifiers.deliveryId(id, task.path("attempts").asInt()));
        }
      }
    }
    return current;
  }

  private static List<String> queuedTasks(HttpApi api, String jobId) {
    return new ArrayList<>(currentDeliveries(api, jobId).keySet());
  }

  private Map<String, String> report(String when, String jobId, HttpApi api) {
    Map<String, String> current = currentDeliveries(api, jobId);
    List<String> queued = deliveryIdsInQueue();
    Set<String> currentIds = new HashSet<>(current.values());
    long stale = queued.stream().filter(id -> !currentIds.contains(id)).count();
    System.out.printf(
        "stale-deliveries tasks=%d %s: entries=%d current=%d stale=%d duplicates=%d"
            + " queue_bytes=%d markers=%d markers_bytes=%d%n",
        TASKS,
        when,
        queued.size(),
        current.size(),
        stale,
        queued.size() - new HashSet<>(queued).size(),
        memoryUsage(queueKey()),
        redis.client().getSet(redis.prefix() + ":queued", StringCodec.INSTANCE).size(),
        memoryUsage(redis.prefix() + ":queued"));
    return current;
  }

  private String queueKey() {
    return redis.prefix() + ":queue:" + TYPE;
  }

  private List<String> deliveryIdsInQueue() {
    List<String> ids = new ArrayList<>();
    for (String message :
        redis.client().<String>getList(queueKey(), StringCodec.INSTANCE).readAll()) {
      try {
        ids.add(JSON.readTree(message).path("delivery_id").asText());
      } catch (Exception e) {
        throw new AssertionError("not a delivery: " + message, e);
      }
    }
    return ids;
  }

  private long memoryUsage(String key) {
    Long bytes =
        redis
            .client()
            .getScript(StringCodec.INSTANCE)
            .eval(
                RScript.Mode.READ_ONLY,
                "return redis.call('MEMORY', 'USAGE', KEYS[1], 'SAMPLES', '0')",
                RScript.ReturnType.LONG,
                List.of(key));
    return bytes == null ? 0 : bytes;
  }

  private void awaitQueueLength(int length) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < deadline && queueLength() < length) {
      Thread.sleep(50);
    }
  }

  /** Waits until the queue's length has not changed for half a second. */
  private void awaitSettled() throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    long last = -1;
    int still = 0;
    while (System.nanoTime() < deadline && still < 10) {
      long now = queueLength();
      still = now == last ? still + 1 : 0;
      last = now;
      Thread.sleep(50);
    }
  }

  private long queueLength() {
    return redis.client().getList(queueKey(), StringCodec.INSTANCE).size();
  }
}
