package igor.bench;

import com.fasterxml.jackson.databind.JsonNode;
import igor.client.Change;
import igor.client.IgorClient;
import igor.client.Subscription;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Steady mixed traffic against a throw-away Igor for a long time (docs/BENCHMARKS.md, "Soak"): jobs
 * submitted at a fixed rate of tasks, actions (pause then unpause a job; kill then retry a running
 * task), reads (lists and single jobs) and clients following the event stream. Every window it
 * measures the heap after a full GC, request latencies, throughput and the backlog of unfinished
 * jobs, then says whether heap and latency stayed flat (the last third of the windows against the
 * first third, leaving out the warm-up's windows) and whether Igor kept up (the backlog at the end
 * under one window's submissions).
 */
public final class Soak {
  /**
   * How a soak runs: its warm-up, its measured length, its rate, its window, the clients following
   * the stream.
   */
  public record Settings(
      Duration warmUp, Duration duration, int tasksPerSecond, Duration window, int streams) {
    static final int TASKS_PER_JOB = 50;

    public Settings {
      if (warmUp.isNegative()) {
        throw new IllegalArgumentException("--warm-up must be 0 or more, got " + warmUp);
      }
      if (tasksPerSecond < 1) {
        throw new IllegalArgumentException(
            "--rate must be at least 1 task/s, got " + tasksPerSecond);
      }
      if (streams < 0) {
        throw new IllegalArgumentException("--streams must be 0 or more, got " + streams);
      }
      if (window.toSeconds() < 1 || window.compareTo(duration) > 0) {
        throw new IllegalArgumentException(
            "--window must be from 1s to --duration (" + duration + "), got " + window);
      }
    }

    /** Windows of load before the measured ones: the JIT and the caches warm up in them. */
    int warmUpWindows() {
      return (int) Math.ceil((double) warmUp.toMillis() / window.toMillis());
    }

    Duration submitEvery() {
      return Duration.ofNanos(1_000_000_000L * TASKS_PER_JOB / tasksPerSecond);
    }
  }

  /** One window: what happened in it and the state at its end. */
  public record Window(
      int index,
      long heapAfterGcBytes,
      int jobsSubmitted,
      int jobsFinished,
      int backlog,
      double submitP50Millis,
      double submitP99Millis,
      double readP50Millis,
      double readP99Millis,
      double actionP99Millis,
      long streamChanges,
      long shed,
      long errors,
      long redisKeys,
      long redisBytes,
      long databaseBytes) {}

  /** The result: the windows, whether every job finished, and the verdict. */
  public record Result(
      List<Window> windows,
      long jobsSubmitted,
      long jobsUnfinished,
      long shed,
      long errors,
      double heapGrowthMiB,
      double submitP99Ratio,
      double readP99Ratio,
      double redisGrowthMiB,
      double databaseGrowthMiBPerWindow,
      boolean flat) {}

  /** Heap may grow this much from the first third to the last before the soak calls it a leak. */
  static final double HEAP_GROWTH_LIMIT_MIB = 64;

  /** A p99 latency may grow by this factor from the first third to the last. */
  static final double LATENCY_GROWTH_LIMIT = 2.0;

  /**
   * The installation's Redis keys may grow this much from the first third to the last: they hold
   * the work in flight and the claims of the last igor.worker.claim-linger, not finished work.
   */
  static final double REDIS_GROWTH_LIMIT_MIB = 16;

  static final int MAX_SUBMITS_IN_FLIGHT = 16;

  private final PrintStream out;
  private final Settings settings;
  private final List<Window> windows = Collections.synchronizedList(new ArrayList<>());
  private final Set<String> unfinished = ConcurrentHashMap.newKeySet();
  private final ConcurrentLinkedDeque<JsonNode> recent = new ConcurrentLinkedDeque<>();
  private final Map<String, ConcurrentLinkedQueue<Double>> latencies = new ConcurrentHashMap<>();
  private final AtomicLong submitted = new AtomicLong();
  private final AtomicLong errors = new AtomicLong();
  private final AtomicLong streamChanges = new AtomicLong();
  private final AtomicLong shed = new AtomicLong();
  private final Semaphore inFlight = new Semaphore(MAX_SUBMITS_IN_FLIGHT);
  private volatile String lastError = "";
  private long windowSubmitted;
  private long windowFinished;
  private long windowChanges;
  private long actionTurn;
  private BenchClient api;
  private Footprint footprint;

  private final Map<String, Object> installationSettings;

  /** A soak on the configured PostgreSQL and Redis. */
  public Soak(PrintStream out, Settings settings) {
    this(out, settings, Map.of());
  }

  /**
   * {@code installation}: settings of the throw-away Igor (e.g. where PostgreSQL and Redis are).
   */
  public Soak(PrintStream out, Settings settings, Map<String, Object> installation) {
    this.out = out;
    this.settings = settings;
    this.installationSettings = Map.copyOf(installation);
  }

  public Result run() throws InterruptedException {
    try (BenchInstallation installation = new BenchInstallation("soak", installationSettings)) {
      String url = installation.startNode();
      footprint = installation.footprint();
      api = new BenchClient(url);
      IgorClient client = IgorClient.connect(url);
      out.printf(
          "igor soak: %s after a warm-up of %s at %d tasks/s (jobs of %d tasks every %d ms),"
              + " windows of %s, %d stream clients, %d cores, max heap %d MiB, database %s%n",
          settings.duration(),
          settings.warmUp(),
          settings.tasksPerSecond(),
          Settings.TASKS_PER_JOB,
          settings.submitEvery().toMillis(),
          settings.window(),
          settings.streams(),
          Runtime.getRuntime().availableProcessors(),
          Runtime.getRuntime().maxMemory() >> 20,
          installation.databaseName());
      List<Subscription> streams = new ArrayList<>();
      for (int i = 0; i < settings.streams(); i++) {
        streams.add(client.subscribe(List.of(), 0, this::changed));
      }
      ScheduledExecutorService load = Executors.newScheduledThreadPool(4);
      ExecutorService submitters = Executors.newFixedThreadPool(MAX_SUBMITS_IN_FLIGHT);
      long every = settings.submitEvery().toNanos();
      load.scheduleAtFixedRate(() -> offer(submitters), 0, every, TimeUnit.NANOSECONDS);
      load.scheduleAtFixedRate(this::read, 100, 250, TimeUnit.MILLISECONDS);
      load.scheduleAtFixedRate(this::act, 500, 1000, TimeUnit.MILLISECONDS);
      load.scheduleWithFixedDelay(this::checkUnfinished, 1000, 500, TimeUnit.MILLISECONDS);
      long windows =
          settings.warmUpWindows() + settings.duration().toMillis() / settings.window().toMillis();
      for (int i = 1; i <= windows; i++) {
        Thread.sleep(settings.window().toMillis());
        closeWindow(i);
      }
      load.shutdown();
      load.awaitTermination(1, TimeUnit.MINUTES);
      submitters.shutdown();
      submitters.awaitTermination(1, TimeUnit.MINUTES);
      out.printf("load stopped; waiting for the %d unfinished jobs%n", unfinished.size());
      long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
      while (!unfinished.isEmpty() && System.nanoTime() < deadline) {
        checkUnfinished();
        Thread.sleep(200);
      }
      streams.forEach(Subscription::close);
      unfinished.stream().limit(3).forEach(this::describe);
      footprint.close();
      return verdict();
    }
  }

  private void changed(Change change) {
    streamChanges.incrementAndGet();
    if (change.event().equals("job_status_changed")) {
      ended(change.jobId(), change.data().path("status").asText());
    }
  }

  /**
   * Asks the jobs themselves (GET .../status, exact) about the oldest unfinished jobs: the backlog
   * does not depend on how far the event stream lags.
   */
  private void checkUnfinished() {
    unfinished.stream()
        .limit(50)
        .toList()
        .forEach(
            id -> {
              JsonNode status = timed("status", () -> api.get("/api/v1/jobs/" + id + "/status"));
              if (status != null) {
                ended(id, status.path("status").asText());
              }
            });
  }

  /** Prints where an unfinished job stands: its status and each task's status and attempts. */
  private void describe(String jobId) {
    JsonNode job = timed("status", () -> api.get("/api/v1/jobs/" + jobId));
    if (job == null) {
      out.printf("unfinished job %s: no answer%n", jobId);
      return;
    }
    StringBuilder tasks = new StringBuilder();
    for (JsonNode layer : job.path("layers")) {
      tasks
          .append(" layer ")
          .append(layer.path("priority").asInt())
          .append(' ')
          .append(layer.path("status").asText())
          .append(layer.path("paused_at").asLong() > 0 ? " paused" : "")
          .append(':');
      Map<String, Integer> byStatus = new java.util.TreeMap<>();
      for (JsonNode task : layer.path("tasks")) {
        byStatus.merge(
            task.path("type").asText()
                + "="
                + task.path("status").asText()
                + "/"
                + task.path("attempts").asInt(),
            1,
            Integer::sum);
      }
      tasks.append(' ').append(byStatus);
    }
    out.printf(
        "unfinished job %s: %s%s%s%n",
        jobId,
        job.path("status").asText(),
        job.path("paused_at").asLong() > 0 ? " paused" : "",
        tasks);
  }

  private void ended(String jobId, String status) {
    if (status.equals("COMPLETED") || status.equals("ERRORED") || status.equals("SKIPPED")) {
      unfinished.remove(jobId);
    }
  }

  /**
   * The offered load does not slow down when Igor does: a submission is due every period whatever
   * the answers take. At most {@link #MAX_SUBMITS_IN_FLIGHT} wait for an answer; a due submission
   * beyond them is not sent and counted as shed (an overloaded Igor shows as shed load).
   */
  private void offer(ExecutorService submitters) {
    if (!inFlight.tryAcquire()) {
      shed.incrementAndGet();
      return;
    }
    submitters.execute(
        () -> {
          try {
            submit();
          } finally {
            inFlight.release();
          }
        });
  }

  private void submit() {
    JsonNode job = timed("submit", () -> api.post("/api/v1/jobs", job()));
    if (job != null) {
      unfinished.add(job.path("id").asText());
      submitted.incrementAndGet();
      recent.addFirst(job);
      while (recent.size() > 100) {
        recent.pollLast();
      }
    }
  }

  /** Two layers: 24 noops and a 0.2-second sleep (something to pause and kill), then 25 noops. */
  private static String job() {
    String sleep = Base64.getEncoder().encodeToString("0.2".getBytes());
    String noops =
        String.join(
            ",", Collections.nCopies(Settings.TASKS_PER_JOB / 2 - 1, "{\"type\": \"noop\"}"));
    return "{\"name\": \"soak\", \"layers\": ["
        + "{\"priority\": 0, \"tasks\": ["
        + noops
        + ", {\"type\": \"sleep\", \"args\": \""
        + sleep
        + "\"}]},"
        + "{\"priority\": 1, \"tasks\": ["
        + noops
        + ", {\"type\": \"noop\"}]}]}";
  }

  private void read() {
    JsonNode job = recent.peekFirst();
    switch ((int) (System.nanoTime() / 250_000_000L % 3)) {
      case 0 -> timed("read", () -> api.get("/api/v1/jobs?limit=50"));
      case 1 -> timed("read", () -> api.get("/api/v1/tasks?statuses=RUNNING&limit=50"));
      default -> {
        if (job != null) {
          timed("read", () -> api.get("/api/v1/jobs/" + job.path("id").asText()));
        }
      }
    }
  }

  /**
   * Alternately pauses a recent job (unpausing it a second later) and kills then retries a task.
   */
  private void act() {
    JsonNode job = recent.peekFirst();
    if (job == null) {
      return;
    }
    String jobId = job.path("id").asText();
    if (actionTurn++ % 2 == 0) {
      timed("action", () -> api.patch("/api/v1/pause", ref("Job", jobId)));
      sleepQuietly(1000);
      timed("action", () -> api.patch("/api/v1/unpause", ref("Job", jobId)));
    } else {
      String sleepTask =
          job.path("layers")
              .get(0)
              .path("tasks")
              .get(Settings.TASKS_PER_JOB / 2 - 1)
              .path("id")
              .asText();
      timed("action", () -> api.patch("/api/v1/kill", ref("Task", sleepTask)));
      timed("action", () -> api.patch("/api/v1/retry", ref("Task", sleepTask)));
    }
  }

  private static String ref(String kind, String id) {
    return "[{\"kind\": \"" + kind + "\", \"id\": \"" + id + "\"}]";
  }

  private JsonNode timed(String what, Supplier<JsonNode> call) {
    long start = System.nanoTime();
    try {
      JsonNode answer = call.get();
      latencies
          .computeIfAbsent(what, w -> new ConcurrentLinkedQueue<>())
          .add((System.nanoTime() - start) / 1e6);
      return answer;
    } catch (RuntimeException e) {
      errors.incrementAndGet();
      lastError = e.getMessage();
      return null;
    }
  }

  /**
   * Jobs submitted and not finished, from the read model (one list call, behind the jobs by under a
   * second): unlike the exact checks of {@link #checkUnfinished}, it does not lag behind when there
   * are many.
   */
  private int backlog() {
    JsonNode open =
        timed("read", () -> api.get("/api/v1/jobs?statuses=PENDING,RUNNING&limit=10000"));
    if (open == null) {
      return unfinished.size();
    }
    return open.isArray() ? open.size() : open.path("jobs").size();
  }

  private void closeWindow(int index) {
    Map<String, List<Double>> taken = new java.util.HashMap<>();
    for (var entry : latencies.entrySet()) {
      List<Double> values = new ArrayList<>();
      Double v;
      while ((v = entry.getValue().poll()) != null) {
        values.add(v);
      }
      taken.put(entry.getKey(), values);
    }
    long submittedNow = submitted.get();
    int backlog = backlog();
    long finishedNow = Math.max(windowFinished, submittedNow - backlog);
    long changesNow = streamChanges.get();
    var redis = footprint.redis();
    Window w =
        new Window(
            index,
            heapAfterGc(),
            (int) (submittedNow - windowSubmitted),
            (int) (finishedNow - windowFinished),
            backlog,
            Stats.median(taken.getOrDefault("submit", List.of())),
            Stats.percentile(taken.getOrDefault("submit", List.of()), 99),
            Stats.median(taken.getOrDefault("read", List.of())),
            Stats.percentile(taken.getOrDefault("read", List.of()), 99),
            Stats.percentile(taken.getOrDefault("action", List.of()), 99),
            changesNow - windowChanges,
            shed.get(),
            errors.get(),
            redis.keys(),
            redis.bytes(),
            footprint.database());
    windowSubmitted = submittedNow;
    windowFinished = finishedNow;
    windowChanges = changesNow;
    windows.add(w);
    out.printf(
        "window %3d%s: heap %6.1f MiB, jobs +%d submitted +%d finished, backlog %d, submit p50 %.1f"
            + " p99 %.1f ms, read p50 %.1f p99 %.1f ms, action p99 %.1f ms, %d changes streamed,"
            + " %d shed, %d errors%s; Redis %d keys %.1f MiB, database %.1f MiB%n",
        w.index(),
        w.index() <= settings.warmUpWindows() ? " (warm-up)" : "",
        w.heapAfterGcBytes() / 1048576.0,
        w.jobsSubmitted(),
        w.jobsFinished(),
        w.backlog(),
        w.submitP50Millis(),
        w.submitP99Millis(),
        w.readP50Millis(),
        w.readP99Millis(),
        w.actionP99Millis(),
        w.streamChanges(),
        w.shed(),
        w.errors(),
        w.errors() > 0 ? " (last: " + lastError + ")" : "",
        w.redisKeys(),
        w.redisBytes() / 1048576.0,
        w.databaseBytes() / 1048576.0);
  }

  private Result verdict() {
    List<Window> measured =
        windows.subList(Math.min(settings.warmUpWindows(), windows.size() - 1), windows.size());
    int third = Math.max(1, measured.size() / 3);
    List<Window> first = measured.subList(0, third);
    List<Window> last = measured.subList(measured.size() - third, measured.size());
    double heapGrowth =
        (median(last, w -> (double) w.heapAfterGcBytes())
                - median(first, w -> (double) w.heapAfterGcBytes()))
            / 1048576.0;
    double submitRatio =
        median(last, Window::submitP99Millis) / median(first, Window::submitP99Millis);
    double readRatio = median(last, Window::readP99Millis) / median(first, Window::readP99Millis);
    double redisGrowth =
        (median(last, w -> (double) w.redisBytes()) - median(first, w -> (double) w.redisBytes()))
            / 1048576.0;
    double databaseGrowth =
        measured.size() < 2
            ? 0
            : (measured.get(measured.size() - 1).databaseBytes() - measured.get(0).databaseBytes())
                / 1048576.0
                / (measured.size() - 1);
    // Igor keeps up when what waits at the end is less than one window's submissions: jobs finish
    // within a window of being submitted instead of piling up.
    double backlogAtEnd = median(last, w -> (double) w.backlog());
    double submittedPerWindow = median(measured, w -> (double) w.jobsSubmitted());
    boolean keptUp = backlogAtEnd <= submittedPerWindow;
    boolean flat =
        heapGrowth <= HEAP_GROWTH_LIMIT_MIB
            && submitRatio <= LATENCY_GROWTH_LIMIT
            && readRatio <= LATENCY_GROWTH_LIMIT
            && redisGrowth <= REDIS_GROWTH_LIMIT_MIB
            && keptUp;
    Result result =
        new Result(
            List.copyOf(windows),
            submitted.get(),
            unfinished.size(),
            shed.get(),
            errors.get(),
            heapGrowth,
            submitRatio,
            readRatio,
            redisGrowth,
            databaseGrowth,
            flat);
    out.printf(
        "soak: %d jobs (%d tasks) submitted, %d shed, %d unfinished after the drain, %d errors;"
            + " last third vs first third: heap %+.1f MiB (limit %.0f), submit p99 x%.2f, read p99"
            + " x%.2f (limit x%.1f), Redis %+.1f MiB (limit %.0f), backlog %.0f jobs (limit %.0f,"
            + " a window's submissions): %s; the database grew %.1f MiB a window (without"
            + " retention every finished task's rows stay: not part of the verdict)%n",
        result.jobsSubmitted(),
        result.jobsSubmitted() * Settings.TASKS_PER_JOB,
        result.shed(),
        result.jobsUnfinished(),
        result.errors(),
        heapGrowth,
        HEAP_GROWTH_LIMIT_MIB,
        submitRatio,
        readRatio,
        LATENCY_GROWTH_LIMIT,
        redisGrowth,
        REDIS_GROWTH_LIMIT_MIB,
        backlogAtEnd,
        submittedPerWindow,
        flat ? "FLAT" : "NOT FLAT",
        databaseGrowth);
    return result;
  }

  private static double median(
      List<Window> windows, java.util.function.ToDoubleFunction<Window> f) {
    return Stats.median(windows.stream().map(w -> f.applyAsDouble(w)).toList());
  }

  private static long heapAfterGc() {
    try {
      return Benchmark.usedHeapAfterGc();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  private static void sleepQuietly(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
