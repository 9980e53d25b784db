package igor.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import igor.app.IgorNode;
import igor.testing.HttpApi;
import igor.testing.TestDatabase;
import igor.testing.TestNode;
import igor.testing.TestRedis;
import igor.testing.TestTime;
import igor.worker.api.TaskContext;
import igor.worker.api.TaskHandler;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Flow control over real HTTP with a real worker, PostgreSQL and Redis (docs/flow-control.md): a
 * concurrency limit held, measured from the attempts' own start and end times, with the gap between
 * a slot's end and the next start; urgency; a rate limit; fairness between tenants. The limits are
 * set through the API, as an operator would.
 */
@Timeout(value = 10, unit = java.util.concurrent.TimeUnit.MINUTES)
class FlowControlTest {
  private static final Duration WAIT = TestTime.scaled(Duration.ofSeconds(120));
  private static final TimedHandler limited = new TimedHandler("limited", 5);
  private static final TimedHandler ordered = new TimedHandler("ordered", 30);
  private static final TimedHandler rated = new TimedHandler("rated", 0);
  private static final TimedHandler fair = new TimedHandler("fair", 2);
  private static final TimedHandler keyed = new TimedHandler("keyed", 10);
  private static final TimedHandler slotted = new TimedHandler("slotted", 50);
  private static final TimedHandler keyRated = new TimedHandler("keyrated", 0);
  private static TestDatabase db;
  private static TestRedis redis;
  private static IgorNode node;
  private static igor.worker.api.Worker limitedWorker;
  private static HttpApi api;

  @BeforeAll
  static void startNode() {
    db = TestDatabase.create();
    redis = TestRedis.create();
    node =
        TestNode.start(
            db,
            redis,
            List.of(ordered, rated, fair, keyed, slotted, keyRated),
            Map.of("igor.worker.concurrency", 24));
    // a worker of its own, taking one type and waiting on it with BLMOVE (the SDK's take), so
    // that the gap measured is flow control's, not a take's poll interval
    limitedWorker =
        igor.worker.api.Worker.connect(redis.url())
            .keyPrefix(redis.prefix())
            .register(limited)
            .concurrency(24)
            .shutdownGrace(Duration.ofSeconds(2))
            .start();
    api = new HttpApi(node.httpPort());
  }

  @AfterAll
  static void stopNode() {
    limitedWorker.close();
    node.close();
    redis.close();
    db.close();
  }

  @Test
  void aThousandTasksUnderALimitOfFiveNeverRunMoreThanFiveAndAFreedSlotIsTakenAtOnce() {
    putLimit("type", "limited", "{\"concurrency\": 5}");
    String job = api.createJob(job(tasks("limited", 1000, "")));
    api.awaitJob(job, HttpApi.status("COMPLETED"), WAIT);

    List<long[]> runs = limited.runsOf(job);
    assertThat(runs).hasSize(1000);
    int most = mostAtOnce(runs);
    assertThat(most).as("attempts running at once").isLessThanOrEqualTo(5);
    assertThat(most).as("the limit is reached: the worker could run 24").isEqualTo(5);

    // after each end (but the last few, when nothing waits), the next start: the idle gap
    long[] starts = runs.stream().mapToLong(r -> r[0]).sorted().toArray();
    long[] ends = runs.stream().mapToLong(r -> r[1]).sorted().toArray();
    List<Long> gaps = new ArrayList<>();
    for (int i = 0; i < ends.length - 5; i++) {
      int next = Arrays.binarySearch(starts, ends[i]);
      next = next < 0 ? -next - 1 : next;
      if (next < starts.length) {
        gaps.add(starts[next] - ends[i]);
      }
    }
    gaps.sort(Long::compare);
    double p50 = gaps.get(gaps.size() / 2) / 1e6;
    double p99 = gaps.get(gaps.size() * 99 / 100) / 1e6;
    System.out.printf(
        "flow control: 1000 tasks under a limit of 5: most at once %d; gap from an end to the next"
            + " start p50 %.2f ms, p99 %.2f ms, max %.2f ms; load %s%n",
        most, p50, p99, gaps.get(gaps.size() - 1) / 1e6, load());
    assertThat(p50)
        .as("median idle gap after a slot frees (ms): no poll interval")
        .isLessThan(TestTime.scaled(Duration.ofMillis(250)).toMillis());

    JsonNode limits = api.get("/api/v1/limits").body();
    assertThat(limits.path("limits").toString()).contains("\"name\":\"limited\"");
  }

  @Test
  void anUrgentJobsTasksStartBeforeAnEarlierNormalJobsWaitingTasks() {
    putLimit("type", "ordered", "{\"concurrency\": 1}");
    String normal = api.createJob(job(tasks("ordered", 30, "")));
    awaitStarted(ordered, normal, 1);
    long urgentAt = System.nanoTime();
    String urgent = api.createJob("{\"urgency\": 5, " + job(tasks("ordered", 5, "")).substring(1));
    api.awaitJob(urgent, HttpApi.status("COMPLETED"), WAIT);
    api.awaitJob(normal, HttpApi.status("COMPLETED"), WAIT);

    long firstUrgentStart =
        ordered.runsOf(urgent).stream().mapToLong(r -> r[0]).min().orElseThrow();
    long lastUrgentStart = ordered.runsOf(urgent).stream().mapToLong(r -> r[0]).max().orElseThrow();
    assertThat(
            ordered.runsOf(normal).stream()
                .filter(r -> r[0] > firstUrgentStart && r[0] < lastUrgentStart)
                .count())
        .as("normal tasks started among the urgent ones")
        .isZero();
    long normalBefore =
        ordered.runsOf(normal).stream().filter(r -> r[0] < firstUrgentStart).count();
    long normalAfter = 30 - normalBefore;
    System.out.printf(
        "flow control: urgency: %d of the normal job's 30 tasks started before the urgent job's"
            + " first (%.0f ms after it was created), %d after its last%n",
        normalBefore, (firstUrgentStart - urgentAt) / 1e6, normalAfter);
    // the urgent job came once the normal job's first task ran: at most a few started before
    assertThat(normalAfter).as("normal tasks that waited for the urgent ones").isGreaterThan(20);
    assertThat(
            api.get("/api/v1/jobs/" + urgent)
                .body()
                .path("layers")
                .get(0)
                .path("tasks")
                .get(0)
                .path("urgency")
                .asInt())
        .isEqualTo(5);
  }

  /**
   * Ordering without holding back (docs/flow-control.md, "Urgency without a limit"): a type whose
   * limit is the workers' slots (24 here) keeps at most that many deliveries admitted, so urgency
   * decides the order of the rest although the limit never keeps a worker's slot idle.
   */
  @Test
  void anUrgentJobGoesFirstOnATypeWhoseLimitIsItsWorkersSlots() {
    putLimit("type", "slotted", "{\"concurrency\": 24}");
    String normal = api.createJob(job(tasks("slotted", 600, "")));
    awaitStarted(slotted, normal, 1);
    String urgent = api.createJob("{\"urgency\": 5, " + job(tasks("slotted", 5, "")).substring(1));
    api.awaitJob(urgent, HttpApi.status("COMPLETED"), WAIT);
    api.awaitJob(normal, HttpApi.status("COMPLETED"), WAIT);
    long lastUrgentStart = slotted.runsOf(urgent).stream().mapToLong(r -> r[0]).max().orElseThrow();
    long normalAfter = slotted.runsOf(normal).stream().filter(r -> r[0] > lastUrgentStart).count();
    System.out.printf(
        "flow control: ordered type (limit = worker slots): %d of the normal job's 600 tasks"
            + " started after the urgent job's last; load %s%n",
        normalAfter, load());
    assertThat(normalAfter).as("normal tasks that waited for the urgent ones").isGreaterThan(300);
    assertThat(mostAtOnce(slotted.runsOf(normal))).as("the limit binds no worker").isLessThan(25);
  }

  @Test
  void aTaskHeldBackByItsConcurrencyKeysRateSaysSo() {
    putLimit("key", "trickle", "{\"rate\": 1, \"per_seconds\": 3600}");
    String job = api.createJob(job(tasks("keyrated", 3, "\"concurrency_key\": \"trickle\"")));
    awaitStarted(keyRated, job, 1);
    long until = System.nanoTime() + WAIT.toNanos();
    String reason = "";
    String jobReason = "";
    while (!reason.contains("key:trickle")) {
      assertThat(System.nanoTime()).as("waiting for a task's waiting_reason").isLessThan(until);
      JsonNode body = api.get("/api/v1/jobs/" + job).body();
      jobReason = body.path("waiting_reason").asText("");
      for (JsonNode t : body.path("layers").get(0).path("tasks")) {
        if (t.path("waiting_reason").asText("").contains("key:trickle")) {
          reason = t.path("waiting_reason").asText();
        }
      }
      sleep(50);
    }
    assertThat(reason).isEqualTo("waiting for rate limit `key:trickle` (1 per 3600.0 s)");
    assertThat(jobReason).isEqualTo("2 queued tasks wait for flow-control limits: key:trickle");
    api.send(HttpRequest.newBuilder(URI.create(base() + "/api/v1/limits/key/trickle")).DELETE());
    api.awaitJob(job, HttpApi.status("COMPLETED"), WAIT);
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void aRateLimitOfFiftyPerSecondIsHeldWithinTenPercent() {
    putLimit("type", "rated", "{\"rate\": 50, \"per_seconds\": 1}");
    String job = api.createJob(job(tasks("rated", 300, "")));
    api.awaitJob(job, HttpApi.status("COMPLETED"), WAIT);
    long[] starts = rated.runsOf(job).stream().mapToLong(r -> r[0]).sorted().toArray();
    // past the bucket's first burst (a tenth of a period: 5 tokens)
    int from = 10;
    double rate = (starts.length - 1 - from) / ((starts[starts.length - 1] - starts[from]) / 1e9);
    System.out.printf(
        "flow control: rate limit 50/s, 300 starts: measured %.1f/s; load %s%n", rate, load());
    assertThat(rate).isBetween(45.0, 55.0);
  }

  @Test
  void aTenantsTenTasksFinishWithinSecondsBesideAnotherTenantsTenThousand() {
    putLimit("type", "fair", "{\"concurrency\": 8}");
    String big = api.createJob(job(tasks("fair", 10_000, "\"fairness_key\": \"big\"")));
    awaitStarted(fair, big, 20);
    long smallAt = System.nanoTime();
    String small = api.createJob(job(tasks("fair", 10, "\"fairness_key\": \"small\"")));
    api.awaitJob(small, HttpApi.status("COMPLETED"), WAIT);
    double took = (System.nanoTime() - smallAt) / 1e9;
    long bigDone = fair.runsOf(big).size();
    System.out.printf(
        "flow control: fairness: 10 tasks of a tenant done in %.2f s beside 10,000 of another (%d"
            + " of them done meanwhile); load %s%n",
        took, bigDone, load());
    assertThat(took).isLessThan(TestTime.scaled(Duration.ofSeconds(10)).toSeconds() + 0.0);
    assertThat(bigDone).as("the big tenant's tasks did not all go first").isLessThan(2000);
  }

  @Test
  void aConcurrencyKeysLimitHoldsItsTasksWhileOtherKeysRun() {
    putLimit("key", "acme", "{\"concurrency\": 2}");
    String acme = api.createJob(job(tasks("keyed", 40, "\"concurrency_key\": \"acme\"")));
    String other = api.createJob(job(tasks("keyed", 40, "\"concurrency_key\": \"other\"")));
    api.awaitJob(acme, HttpApi.status("COMPLETED"), WAIT);
    api.awaitJob(other, HttpApi.status("COMPLETED"), WAIT);
    assertThat(mostAtOnce(keyed.runsOf(acme))).isBetween(1, 2);
    assertThat(mostAtOnce(keyed.runsOf(other))).as("another key is not limited").isGreaterThan(2);
  }

  @Test
  void limitsAreCheckedAndNeedNoMoreThanTheirFields() {
    HttpApi.Answer bad = putLimit("type", "x", "{\"concurrency\": -1}", 400);
    assertThat(bad.error()).contains("concurrency").contains("type/x");
    assertThat(putLimit("color", "x", "{\"concurrency\": 1}", 400).error()).contains("kind");
    assertThat(putLimit("type", "x", "{}", 400).error()).contains("concurrency or rate");
    HttpApi.Answer urgency = api.post("/api/v1/jobs", "{\"urgency\": 9, \"layers\": []}");
    assertThat(urgency.status()).isEqualTo(400);
    assertThat(urgency.error()).contains("urgency").contains("1 to 5");
    putLimit("type", "gone", "{\"concurrency\": 1}");
    assertThat(
            api.send(
                    HttpRequest.newBuilder(URI.create(base() + "/api/v1/limits/type/gone"))
                        .DELETE())
                .status())
        .isEqualTo(200);
    assertThat(
            api.send(
                    HttpRequest.newBuilder(URI.create(base() + "/api/v1/limits/type/gone"))
                        .DELETE())
                .status())
        .isEqualTo(404);
  }

  private static String base() {
    return "http://127.0.0.1:" + node.httpPort();
  }

  private static void putLimit(String kind, String name, String body) {
    putLimit(kind, name, body, 200);
  }

  private static HttpApi.Answer putLimit(String kind, String name, String body, int status) {
    HttpApi.Answer a =
        api.send(
            HttpRequest.newBuilder(URI.create(base() + "/api/v1/limits/" + kind + "/" + name))
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(body)));
    assertThat(a.status()).as(a.text()).isEqualTo(status);
    return a;
  }

  private static String tasks(String type, int count, String extra) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < count; i++) {
      b.append(i == 0 ? "" : ",").append("{\"type\": \"").append(type).append('"');
      b.append(extra.isEmpty() ? "" : ", " + extra).append('}');
    }
    return b.toString();
  }

  private static String job(String tasks) {
    return "{\"layers\": [{\"tasks\": [" + tasks + "]}]}";
  }

  private static void awaitStarted(TimedHandler h, String job, int count) {
    long until = System.nanoTime() + WAIT.toNanos();
    while (h.startedOf(job) < count) {
      assertThat(System.nanoTime()).as("waiting for starts").isLessThan(until);
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        throw new AssertionError(e);
      }
    }
  }

  /** The most intervals [start, end] that overlap at any moment. */
  static int mostAtOnce(List<long[]> runs) {
    List<long[]> edges = new ArrayList<>();
    for (long[] r : runs) {
      edges.add(new long[] {r[0], 1});
      edges.add(new long[] {r[1], -1});
    }
    // at equal times an end comes before a start: a slot handed on is not two at once
    edges.sort((a, b) -> a[0] != b[0] ? Long.compare(a[0], b[0]) : Long.compare(a[1], b[1]));
    int now = 0;
    int most = 0;
    for (long[] e : edges) {
      now += (int) e[1];
      most = Math.max(most, now);
    }
    return most;
  }

  private static String load() {
    try {
      return java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).trim();
    } catch (java.io.IOException e) {
      return "unknown";
    }
  }

  /** Records each attempt's start and end (System.nanoTime) by job, sleeping a while in each. */
  static final class TimedHandler implements TaskHandler {
    private final String type;
    private final long sleepMillis;
    private final Map<String, Map<String, long[]>> byJob = new ConcurrentHashMap<>();

    TimedHandler(String type, long sleepMillis) {
      this.type = type;
      this.sleepMillis = sleepMillis;
    }

    @Override
    public String type() {
      return type;
    }

    @Override
    public byte[] handle(TaskContext context) throws InterruptedException {
      long[] run = {System.nanoTime(), 0};
      byJob
          .computeIfAbsent(context.jobId(), k -> new ConcurrentHashMap<>())
          .put(context.taskId() + "/" + context.attempt(), run);
      if (sleepMillis > 0) {
        Thread.sleep(sleepMillis);
      }
      run[1] = System.nanoTime();
      return null;
    }

    /** The finished runs of a job's attempts: {start, end}. */
    List<long[]> runsOf(String job) {
      return byJob.getOrDefault(job, Map.of()).values().stream().filter(r -> r[1] != 0).toList();
    }

    long startedOf(String job) {
      return byJob.getOrDefault(job, Map.of()).size();
    }
  }
}
