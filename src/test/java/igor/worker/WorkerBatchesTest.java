package igor.worker;

import static org.assertj.core.api.Assertions.assertThat;

import igor.domain.Identifiers;
import igor.queue.TaskDelivery;
import igor.queue.WireFormat;
import igor.queue.redis.RedisQueues;
import igor.queue.redis.RedisSettings;
import igor.testing.TestRedis;
import igor.testing.TestTime;
import igor.worker.api.BatchContext;
import igor.worker.api.BatchTaskHandler;
import igor.worker.api.TaskContext;
import igor.worker.api.TaskHandler;
import igor.worker.api.Worker;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.redisson.api.stream.StreamMessageId;
import org.redisson.client.codec.StringCodec;

/**
 * A worker claims the deliveries of a take in one script and sends the outcomes of attempts that
 * end together in one round trip, with every guarantee of a claim kept for each delivery: what
 * Redis is asked is watched with MONITOR (only the commands on this test's keys).
 */
class WorkerBatchesTest {
  private static final Duration WAIT = TestTime.scaled(Duration.ofSeconds(20));
  private TestRedis redis;
  private RedisQueues queues;
  private Monitor monitor;
  private final List<Worker> workers = new ArrayList<>();

  @BeforeEach
  void redis() throws Exception {
    redis = TestRedis.create();
    queues =
        RedisQueues.open(
            new RedisSettings(redis.url(), "", redis.prefix(), 4), Duration.ofMinutes(5));
    monitor = new Monitor(redis.url(), redis.prefix());
  }

  @AfterEach
  void cleanUp() {
    workers.forEach(w -> w.stop(Duration.ofSeconds(5)));
    monitor.close();
    queues.close();
    redis.close();
  }

  @Test
  void claimsEveryDeliveryOfATakeInOneScript() throws Exception {
    List<TaskDelivery> pushed = deliveries("resize", 5);
    queues.taskQueue().enqueue(pushed).toCompletableFuture().join();
    CountDownLatch running = new CountDownLatch(5);
    CountDownLatch release = new CountDownLatch(1);

    start(single("resize", running, release, new CopyOnWriteArrayList<>()));

    assertThat(running.await(WAIT.toSeconds(), TimeUnit.SECONDS)).as("all five run").isTrue();
    monitor.caughtUp(redis);
    assertThat(monitor.scripts(l -> l.contains(":inflight:") && l.contains(":claim:")))
        .as("round trips that claim")
        .singleElement()
        .satisfies(l -> pushed.forEach(d -> assertThat(l).contains(":claim:" + d.deliveryId())));
    assertThat(monitor.inScripts(l -> l.startsWith("\"SET\"") && l.contains(":claim:")))
        .as("claims made in that script")
        .hasSize(5);
    assertThat(leases()).as("a lease for each, before its handler returns").hasSize(5);
    assertThat(reports("started")).hasSize(5);
    release.countDown();
    awaitReports("completed", 5);
    assertThat(leases()).isEmpty();
  }

  @Test
  void aDeliveryClaimedElsewhereIsDroppedFromABatchClaim() throws Exception {
    List<TaskDelivery> pushed = deliveries("resize", 3);
    TaskDelivery elsewhere = pushed.get(1);
    queues.taskQueue().enqueue(pushed).toCompletableFuture().join();
    // claimed by another worker after it was queued (a duplicate delivery)
    redis
        .client()
        .getBucket(redis.prefix() + ":claim:" + elsewhere.deliveryId(), StringCodec.INSTANCE)
        .set("another worker");
    List<String> handled = new CopyOnWriteArrayList<>();

    start(single("resize", new CountDownLatch(0), new CountDownLatch(0), handled));

    awaitReports("completed", 2);
    monitor.caughtUp(redis);
    assertThat(monitor.scripts(l -> l.contains(":inflight:") && l.contains(":claim:")))
        .as("one script claimed all three")
        .singleElement()
        .satisfies(l -> pushed.forEach(d -> assertThat(l).contains(":claim:" + d.deliveryId())));
    assertThat(handled)
        .containsExactlyInAnyOrder(pushed.get(0).taskId(), pushed.get(2).taskId())
        .doesNotContain(elsewhere.taskId());
    assertThat(reports("started"))
        .as("no start reported for the one claimed elsewhere")
        .hasSize(2)
        .noneMatch(r -> r.contains(elsewhere.taskId()));
    assertThat(monitor.inScripts(l -> l.startsWith("\"ZADD\" \"" + redis.prefix() + ":leases\"")))
        .as("leases taken")
        .hasSize(2)
        .noneMatch(l -> l.contains(elsewhere.taskId()));
    assertThat(
            redis
                .client()
                .getBucket(
                    redis.prefix() + ":claim:" + elsewhere.deliveryId(), StringCodec.INSTANCE)
                .get())
        .isEqualTo("another worker");
    assertThat(inFlightKeys()).as("in-flight lists (Redis drops an empty one)").isEmpty();
    assertThat(
            redis
                .client()
                .<String>getSet(redis.prefix() + ":queued", StringCodec.INSTANCE)
                .readAll())
        .isEmpty();
  }

  @Test
  void outcomesOfAttemptsThatEndTogetherGoInOneRoundTrip() throws Exception {
    List<TaskDelivery> pushed = deliveries("score", 5);
    queues.taskQueue().enqueue(pushed).toCompletableFuture().join();

    start(
        new BatchTaskHandler() {
          @Override
          public String type() {
            return "score";
          }

          @Override
          public int maxBatchSize() {
            return 5;
          }

          @Override
          public Duration maxWait() {
            return Duration.ofSeconds(5);
          }

          @Override
          public void handle(BatchContext batch) {
            batch.tasks().forEach(t -> t.complete(new byte[] {2}));
          }
        });

    awaitReports("completed", 5);
    monitor.caughtUp(redis);
    assertThat(monitor.scripts(l -> l.contains(":inflight:") && l.contains(":claim:")))
        .as("the batch claimed in one script")
        .hasSize(1);
    assertThat(
            monitor.scripts(
                l ->
                    l.contains(
                        "\"2\" \""
                            + redis.prefix()
                            + ":reports\" \""
                            + redis.prefix()
                            + ":leases\"")))
        .as("round trips that send outcomes")
        .hasSize(1);
    assertThat(monitor.sent(l -> l.startsWith("\"XADD\"") || l.startsWith("\"ZREM\"")))
        .as("reports or lease drops sent on their own")
        .isEmpty();
    assertThat(monitor.inScripts(l -> l.startsWith("\"XADD\"")))
        .as("each report its own stream entry: five starts, five outcomes")
        .hasSize(10);
    assertThat(leases()).isEmpty();
  }

  private void start(TaskHandler handler) {
    workers.add(worker().register(handler).start());
  }

  private void start(BatchTaskHandler handler) {
    workers.add(worker().register(handler).start());
  }

  private Worker.Builder worker() {
    return Worker.connect(redis.url())
        .keyPrefix(redis.prefix())
        .concurrency(8)
        .lease(Duration.ofMinutes(1));
  }

  private static TaskHandler single(
      String type, CountDownLatch running, CountDownLatch release, List<String> handled) {
    return new TaskHandler() {
      @Override
      public String type() {
        return type;
      }

      @Override
      public byte[] handle(TaskContext context) throws Exception {
        handled.add(context.taskId());
        running.countDown();
        release.await(60, TimeUnit.SECONDS);
        return new byte[] {1};
      }
    };
  }

  private static List<TaskDelivery> deliveries(String type, int count) {
    List<TaskDelivery> all = new ArrayList<>();
    String jobId = Identifiers.newId();
    for (int i = 0; i < count; i++) {
      String taskId = Identifiers.newId();
      all.add(
          new TaskDelivery(
              jobId,
              Identifiers.newId(),
              taskId,
              1,
              Identifiers.deliveryId(taskId, 1),
              type,
              new byte[] {1}));
    }
    return all;
  }

  private Set<String> inFlightKeys() {
    return Set.copyOf(
        redis
            .client()
            .getKeys()
            .getKeysStream()
            .filter(k -> k.startsWith(redis.prefix() + ":inflight:"))
            .toList());
  }

  private List<String> leases() {
    return List.copyOf(
        redis
            .client()
            .<String>getScoredSortedSet(redis.prefix() + ":leases", StringCodec.INSTANCE)
            .readAll());
  }

  /** The reports in the stream of this kind ("started", "completed"...). */
  private List<String> reports(String kind) {
    Map<StreamMessageId, Map<String, String>> entries =
        redis
            .client()
            .<String, String>getStream(redis.prefix() + ":reports", StringCodec.INSTANCE)
            .range(StreamMessageId.MIN, StreamMessageId.MAX);
    List<String> found = new ArrayList<>();
    for (Map<String, String> entry : entries.values()) {
      assertThat(entry).as("one field per entry").containsOnlyKeys("report");
      String report = entry.get("report");
      try {
        if (WireFormat.parseReport(report).kind().name().equalsIgnoreCase(kind)) {
          found.add(report);
        }
      } catch (WireFormat.MalformedMessageException e) {
        throw new AssertionError(report, e);
      }
    }
    return found;
  }

  private void awaitReports(String kind, int count) throws InterruptedException {
    awaitTrue(() -> reports(kind).size() >= count, kind + " reports: " + count);
    assertThat(reports(kind)).hasSize(count);
  }

  private static void awaitTrue(BooleanSupplier condition, String what)
      throws InterruptedException {
    long until = System.nanoTime() + WAIT.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > until) {
        throw new AssertionError("not within " + WAIT + ": " + what);
      }
      Thread.sleep(20);
    }
  }

  /**
   * Redis's MONITOR, keeping the commands that name this test's key prefix: those sent by clients,
   * and those that scripts ran (MONITOR shows them as coming from "lua").
   */
  private static final class Monitor implements AutoCloseable {
    private final Socket socket;
    private final List<String> sent = new CopyOnWriteArrayList<>();
    private final List<String> inScripts = new CopyOnWriteArrayList<>();
    private final Thread reader;

    Monitor(String url, String prefix) throws Exception {
      URI uri = URI.create(url);
      socket = new Socket(uri.getHost(), uri.getPort() < 0 ? 6379 : uri.getPort());
      OutputStream out = socket.getOutputStream();
      out.write("MONITOR\r\n".getBytes(StandardCharsets.UTF_8));
      out.flush();
      BufferedReader in =
          new BufferedReader(
              new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
      String ok = in.readLine();
      assertThat(ok).isEqualTo("+OK");
      reader =
          new Thread(
              () -> {
                try {
                  for (String line; (line = in.readLine()) != null; ) {
                    if (!line.contains(prefix)) {
                      continue;
                    }
                    int end = line.indexOf("] ");
                    if (end < 0) {
                      continue;
                    }
                    String command = line.substring(end + 2);
                    (line.substring(0, end).endsWith(" lua") ? inScripts : sent).add(command);
                  }
                } catch (java.io.IOException closed) {
                  // the test is over
                }
              },
              "redis-monitor");
      reader.setDaemon(true);
      reader.start();
    }

    private int marks;

    /**
     * Waits until MONITOR showed a command sent now: everything Redis ran before it has been read.
     */
    void caughtUp(TestRedis redis) throws InterruptedException {
      String mark = redis.prefix() + ":monitor-mark-" + (++marks);
      redis.client().getBucket(mark, StringCodec.INSTANCE).isExists();
      awaitTrue(() -> sent.stream().anyMatch(l -> l.contains(mark)), "MONITOR shows " + mark);
    }

    /**
     * Scripts clients ran that match, each once: a script Redis does not know yet is sent twice
     * (Redisson's EVALSHA, answered NOSCRIPT, then again once loaded), with the same arguments.
     */
    List<String> scripts(java.util.function.Predicate<String> matching) {
      return sent.stream().filter(l -> l.startsWith("\"EVAL")).filter(matching).distinct().toList();
    }

    /** Commands clients sent that match (a script is one command: its EVAL). */
    List<String> sent(java.util.function.Predicate<String> matching) {
      return sent.stream().filter(matching).toList();
    }

    /** Commands scripts ran that match. */
    List<String> inScripts(java.util.function.Predicate<String> matching) {
      return inScripts.stream().filter(matching).toList();
    }

    @Override
    public void close() {
      try {
        socket.close();
      } catch (java.io.IOException e) {
        // closed
      }
    }
  }
}
