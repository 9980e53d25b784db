package igor.bench;

import com.fasterxml.jackson.databind.JsonNode;
import igor.domain.WorkerReport;
import igor.queue.TaskDelivery;
import igor.queue.WorkerChannel;
import igor.queue.redis.RedisQueues;
import igor.storage.jdbc.JdbcStorage;
import igor.storage.jdbc.JobJournal;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Igor's benchmark (docs/BENCHMARKS.md): starts a node with a `noop` worker on a database and Redis
 * prefix of its own (on the configured PostgreSQL and Redis), runs each scenario {@code runs} times
 * and prints one line per figure with its median over the runs. Timings inside a job (queued to
 * started, hops between layers) come from the journal's event times.
 */
public final class Benchmark {
  private PrintStream out;
  private final int runs;
  private WarmUp warmUp = WarmUp.untilTheJitSettles();

  /**
   * The bench worker's slots (igor.worker.concurrency): by default {@value #SLOTS_PER_CORE} per
   * core, at least the worker's own default of 8 ({@link #workerSlots(int)}).
   */
  private int workerSlots = defaultWorkerSlots();

  /**
   * Slots per core of the bench's worker by default: JobRunr's default worker count (8 per core;
   * Hangfire's is 5), where the worker's own default of 8 slots, whatever the cores, leaves a
   * 2-core node waiting on its worker's round trips with no-op tasks (docs/BENCHMARKS.md, "The
   * bench's worker").
   */
  static final int SLOTS_PER_CORE = 8;

  /** What the warm-up did, for the report: rounds, time and the JIT's share in its last round. */
  private String warmedUp = "";

  private final Map<String, List<Double>> figures = new LinkedHashMap<>();
  private final Map<String, String> units = new HashMap<>();
  private BenchInstallation installation;
  private BenchClient api;
  private JdbcStorage storage;
  private JobJournal journal;

  /**
   * A job may take longer than the default 10 s to answer on a machine that other work shares: the
   * benchmark waits for it rather than fail (its figures are times it measures, not time-outs).
   * Finished jobs stay in memory 10 minutes instead of 1, so that the 1,000 finished jobs of {@link
   * #idleFinishedJobs} are all still held when they are counted, however slowly they ran.
   */
  private static final Map<String, Object> PATIENT =
      Map.of(
          "igor.http.ask-timeout", "60s",
          "pekko.http.server.request-timeout", "90s",
          "igor.jobs.idle-after-finish", "10m");

  public Benchmark(PrintStream out, int runs) {
    this.out = out;
    this.runs = runs;
  }

  /**
   * A fixed number of unmeasured rounds before the measured runs, instead of the default: rounds
   * until the JIT compiler has settled ({@link WarmUp}).
   */
  public Benchmark warmUpRounds(int rounds) {
    this.warmUp = WarmUp.fixed(rounds);
    return this;
  }

  /** The bench worker's slots instead of the default ({@value #SLOTS_PER_CORE} per core). */
  public Benchmark workerSlots(int slots) {
    if (slots < 1) {
      throw new IllegalArgumentException("worker slots must be 1 or more, got " + slots);
    }
    this.workerSlots = slots;
    return this;
  }

  static int defaultWorkerSlots() {
    return Math.max(8, SLOTS_PER_CORE * Runtime.getRuntime().availableProcessors());
  }

  /** The installation's settings: {@link #PATIENT}, and the worker's slots. */
  private Map<String, Object> settings() {
    Map<String, Object> settings = new HashMap<>(PATIENT);
    settings.put("igor.worker.concurrency", workerSlots);
    return settings;
  }

  /** Runs every scenario; answers figure name -> median. */
  public Map<String, Double> run(boolean withMemory) throws Exception {
    return run(withMemory, null);
  }

  /**
   * Runs every scenario; answers figure name -> median. With {@code report} (docs/BENCHMARKS.md),
   * writes the figures there too ({@link BenchReport}).
   */
  public Map<String, Double> run(boolean withMemory, Path report) throws Exception {
    return run(withMemory, true, report);
  }

  /**
   * The same; without {@code withSpeed}, only the footprints (Redis, PostgreSQL, and with {@code
   * withMemory} the heap) are measured, not the throughput and latency scenarios.
   */
  public Map<String, Double> run(boolean withMemory, boolean withSpeed, Path report)
      throws Exception {
    try (BenchInstallation installation = new BenchInstallation("bench", settings())) {
      this.installation = installation;
      startNode();
      storage = JdbcStorage.open(installation.database());
      journal = storage.journal();
      out.printf(
          "igor bench: %d runs per scenario, %d cores, worker slots %d, max heap %d MiB,"
              + " database %s%n",
          runs,
          Runtime.getRuntime().availableProcessors(),
          workerSlots,
          Runtime.getRuntime().maxMemory() >> 20,
          installation.databaseName());
      if (withSpeed) {
        warmUp(
            () -> {
              String fanOutJob = fanOut();
              chain();
              manyJobs();
              api(fanOutJob);
              return null;
            });
        for (int i = 1; i <= runs; i++) {
          out.printf("run %d of %d%n", i, runs);
          String fanOutJob = fanOut();
          chain();
          manyJobs();
          api(fanOutJob);
        }
      }
      footprints();
      if (withSpeed) {
        listOverAMillionTasks();
      }
      if (withMemory) {
        for (int i = 1; i <= runs; i++) {
          memoryAndRecovery();
          idleFinishedJobs();
        }
      }
      if (report != null) {
        BenchReport.write(
            report,
            BenchReport.section(
                figures,
                units,
                runs,
                warmedUp + ", with a worker of " + workerSlots + " slots",
                installation.postgresVersion(),
                installation.redisVersion()));
        out.println("wrote the figures into " + report);
      }
    } finally {
      if (storage != null) {
        storage.close();
      }
    }
    return medians();
  }

  /** Prints and answers each figure's median over the runs: figure name -> median. */
  private Map<String, Double> medians() {
    Map<String, Double> medians = new LinkedHashMap<>();
    out.println("medians over " + runs + " runs:");
    figures.forEach(
        (name, values) -> {
          double median = Stats.median(values);
          medians.put(name, median);
          printFigure(name, median, units.get(name));
        });
    return medians;
  }

  /**
   * Only the fan-out scenario: the warm-up rounds, then {@code runs} measured ones, and their
   * median. The node traces as igor.tracing says (IGOR_TRACING_OTLP_ENDPOINT).
   */
  public double fanOutOnly() throws Exception {
    only(
        "--fan-out-only",
        () -> {
          fanOut();
          return null;
        });
    double median = Stats.median(figures.get("fan-out tasks/s"));
    out.printf("median fan-out tasks/s over %d runs: %.1f%n", runs, median);
    return median;
  }

  /**
   * Only the throughput scenarios, fan-out then many jobs in each run: the warm-up rounds, then
   * {@code runs} measured ones; answers figure name -> median.
   */
  public Map<String, Double> throughputOnly() throws Exception {
    only(
        "--throughput-only",
        () -> {
          fanOut();
          manyJobs();
          return null;
        });
    return medians();
  }

  /**
   * Flow control's cost (docs/flow-control.md): the fan-out without a limit, then with a
   * concurrency limit on its type that does not bind (twice the worker's slots: every delivery goes
   * through the waiting room, none waits there long), then with one that binds (half the worker's
   * slots). The warm-up rounds, then {@code runs} measured; answers figure name -> median.
   */
  public Map<String, Double> flowOnly() throws Exception {
    only(
        "--flow-only",
        () -> {
          fanOut();
          limitedFanOut(2 * workerSlots);
          limitedFanOut(Math.max(1, workerSlots / 2));
          return null;
        });
    return medians();
  }

  /** The fan-out with a concurrency limit on its type, removed after. */
  private void limitedFanOut(int concurrency) throws Exception {
    api.put("/api/v1/limits/type/noop", "{\"concurrency\": " + concurrency + "}");
    try {
      fanOut("fan-out tasks/s, type limit " + concurrency + " (worker slots " + workerSlots + ")");
    } finally {
      api.delete("/api/v1/limits/type/noop");
    }
  }

  /**
   * Only the chain scenario, with where a hop's time goes: the warm-up rounds, then {@code runs}
   * measured ones; answers figure name -> median.
   */
  public Map<String, Double> chainOnly() throws Exception {
    only(
        "--chain-only",
        () -> {
          chain();
          return null;
        });
    return medians();
  }

  /** One scenario alone: its warm-up ({@link #warmUp}), then {@code runs} measured runs. */
  private void only(String flag, java.util.concurrent.Callable<Void> scenario) throws Exception {
    try (BenchInstallation installation = new BenchInstallation("bench", settings())) {
      this.installation = installation;
      startNode();
      storage = JdbcStorage.open(installation.database());
      journal = storage.journal();
      out.printf(
          "igor bench %s: %d runs, %d cores, worker slots %d, tracing %s%n",
          flag,
          runs,
          Runtime.getRuntime().availableProcessors(),
          workerSlots,
          System.getenv().getOrDefault("IGOR_TRACING_OTLP_ENDPOINT", "").isEmpty() ? "off" : "on");
      warmUp(scenario);
      for (int i = 1; i <= runs; i++) {
        scenario.call();
      }
    } finally {
      if (storage != null) {
        storage.close();
      }
    }
  }

  private void startNode() {
    api = new BenchClient(installation.startNode());
  }

  private void record(String name, double value, String unit) {
    figures.computeIfAbsent(name, n -> new ArrayList<>()).add(value);
    units.put(name, unit);
    printFigure(name, value, unit);
  }

  /** One figure's line, as every figure is printed: its name, its value and its unit. */
  private void printFigure(String name, double value, String unit) {
    out.printf("  %-60s %8.2f %s%n", name, value, unit);
  }

  /**
   * Runs {@code round} unmeasured until the warm-up is over ({@link WarmUp}: by default until the
   * JIT compiler threads' share of the JVM's CPU is under {@value WarmUp#SETTLED_SHARE} % in two
   * rounds in a row), printing each round's time and share; then prints the first round's figures,
   * those of a node just started, apart from the measured ones.
   */
  private void warmUp(java.util.concurrent.Callable<Void> round) throws Exception {
    out.println(
        warmUp.untilSettled()
            ? String.format(
                "warming up until the JIT compiler's share of the JVM's CPU is under %.0f %% in two"
                    + " rounds in a row (at most %d min)",
                WarmUp.SETTLED_SHARE, WarmUp.LONGEST.toMinutes())
            : String.format("warming up (%d unmeasured rounds)", warmUp.rounds()));
    Map<String, List<Double>> kept = new LinkedHashMap<>(figures);
    Map<String, List<Double>> firstRound = new LinkedHashMap<>();
    figures.clear();
    PrintStream was = swapOut(new PrintStream(java.io.OutputStream.nullOutputStream()));
    long start = System.nanoTime();
    int done = 0;
    double shareBefore = -1;
    double share = -1;
    try {
      while (warmUp.another(
          done, shareBefore, share, Duration.ofNanos(System.nanoTime() - start))) {
        long roundStart = System.nanoTime();
        JitShare.Reading before = JitShare.read();
        round.call();
        shareBefore = share;
        share = JitShare.since(before);
        done++;
        if (done == 1) {
          figures.forEach((name, values) -> firstRound.put(name, List.copyOf(values)));
        }
        was.printf(
            "  warm-up round %d: %.1f s, the JIT compiler's share of the JVM's CPU %s%n",
            done,
            (System.nanoTime() - roundStart) / 1e9,
            share < 0 ? "unknown" : String.format("%.1f %%", share));
      }
    } finally {
      swapOut(was);
      figures.clear();
      figures.putAll(kept);
    }
    double minutes = (System.nanoTime() - start) / 60e9;
    warmedUp =
        String.format(
            "%d unmeasured warm-up round%s (%.1f min)%s",
            done,
            done == 1 ? "" : "s",
            minutes,
            share < 0
                ? ""
                : String.format(
                    ", the last of which left the JIT compiler threads %.1f %% of the JVM's CPU",
                    share));
    if (warmUp.untilSettled() && !warmUp.settled(shareBefore, share)) {
      out.printf(
          "the JIT had not settled after %.1f min: the figures below are of a node still"
              + " compiling%n",
          minutes);
    }
    if (!firstRound.isEmpty()) {
      out.println("the first round, on a node just started (not counted in the medians):");
      firstRound.forEach(
          (name, values) -> printFigure("cold: " + name, values.get(0), units.get(name)));
    }
    out.println("measured after " + warmedUp);
  }

  private PrintStream swapOut(PrintStream next) {
    PrintStream previous = out;
    out = next;
    return previous;
  }

  /** 1. One job: a layer of 10,000 tasks then a layer of 1; tasks/s from submit to COMPLETED. */
  private String fanOut() throws Exception {
    return fanOut("fan-out tasks/s");
  }

  private String fanOut(String figure) throws Exception {
    String body = job(List.of(noops(10_000), noops(1)));
    long start = System.nanoTime();
    JitShare.Reading cpuBefore = JitShare.read();
    String id = api.post("/api/v1/jobs", body).path("id").asText();
    long answered = System.nanoTime();
    api.awaitFinal(id, Duration.ofMinutes(10));
    double seconds = (System.nanoTime() - start) / 1e9;
    record(figure, 10_001 / seconds, "tasks/s");
    record(figure + ": its POST answered", (answered - start) / 1e6, "ms");
    double jit = JitShare.since(cpuBefore);
    if (jit >= 0) {
      record(figure + ": JIT compiler's share of the JVM's CPU", jit, "%");
    }
    long completed = System.nanoTime();
    api.awaitReadModel(id);
    record(
        figure + ": the read model had it all, after COMPLETED",
        (System.nanoTime() - completed) / 1e6,
        "ms");
    return id;
  }

  /**
   * 2. One job of 100 layers of one task: milliseconds from a task's end to the next's start (the
   * journal's times), and where a hop's time goes ({@link HopBreakdown}).
   */
  private void chain() throws Exception {
    List<String> layers = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      layers.add(noops(1));
    }
    Map<String, List<Double>> parts;
    try (HopBreakdown breakdown = new HopBreakdown()) {
      String id = api.post("/api/v1/jobs", job(layers)).path("id").asText();
      api.awaitFinal(id, Duration.ofMinutes(5));
      List<Double> hops = new ArrayList<>();
      long completedAt = -1;
      for (JobJournal.Entry e : JobJournal.perReport(journal.events(id))) {
        if (e.type().equals("TaskCompleted")) {
          completedAt = e.json().path("at").asLong();
        } else if (e.type().equals("TaskStarted") && completedAt >= 0) {
          hops.add((double) (e.json().path("at").asLong() - completedAt));
          completedAt = -1;
        }
      }
      record("chain hop median", Stats.median(hops), "ms");
      record("chain hop p99", Stats.percentile(hops, 99), "ms");
      parts = breakdown.split();
      record(
          "chain tasks whose start rode with their outcome",
          breakdown.startsJournaledWithTheirOutcome(),
          "of 100");
    }
    parts.forEach(
        (part, ms) -> {
          if (!ms.isEmpty()) {
            record("chain " + part + " p50", Stats.median(ms), "ms");
            record("chain " + part + " p99", Stats.percentile(ms, 99), "ms");
          }
        });
  }

  /** 3. 200 jobs of 50 tasks in two layers, submitted at once: tasks/s, queued -> started. */
  private void manyJobs() throws Exception {
    String body = job(List.of(noops(25), noops(25)));
    ExecutorService submitters = Executors.newFixedThreadPool(16);
    List<Future<String>> submitted = new ArrayList<>();
    long start = System.nanoTime();
    for (int i = 0; i < 200; i++) {
      submitted.add(submitters.submit(() -> api.post("/api/v1/jobs", body).path("id").asText()));
    }
    List<String> ids = new ArrayList<>();
    for (Future<String> f : submitted) {
      ids.add(f.get());
    }
    submitters.shutdown();
    for (String id : ids) {
      api.awaitFinal(id, Duration.ofMinutes(10));
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    record("many jobs tasks/s", 10_000 / seconds, "tasks/s");
    List<Double> waits = new ArrayList<>();
    for (String id : ids) {
      Map<String, Long> queuedAt = new HashMap<>();
      for (JobJournal.Entry e : JobJournal.perReport(journal.events(id))) {
        if (e.type().equals("TasksQueued")) {
          long at = e.json().path("at").asLong();
          e.json().path("taskIds").forEach(t -> queuedAt.put(t.asText(), at));
        } else if (e.type().equals("TaskStarted")) {
          Long at = queuedAt.get(e.json().path("taskId").asText());
          if (at != null) {
            waits.add((double) (e.json().path("at").asLong() - at));
          }
        }
      }
    }
    record("many jobs queued->started p50", Stats.median(waits), "ms");
    record("many jobs queued->started p99", Stats.percentile(waits, 99), "ms");
  }

  /** 4. POST of a 1,000-task job and GET of a 10,000-task job: median latency of 5 each. */
  private void api(String bigJob) throws Exception {
    String body = job(List.of(Collections.nCopies(1, noops(1000)).get(0)));
    List<Double> posts = new ArrayList<>();
    List<Double> gets = new ArrayList<>();
    List<String> posted = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      long start = System.nanoTime();
      posted.add(api.post("/api/v1/jobs", body).path("id").asText());
      posts.add((System.nanoTime() - start) / 1e6);
    }
    for (int i = 0; i < 5; i++) {
      long start = System.nanoTime();
      JsonNode job = api.get("/api/v1/jobs/" + bigJob);
      gets.add((System.nanoTime() - start) / 1e6);
      if (job.path("layers").get(0).path("tasks").size() != 10_000) {
        throw new IllegalStateException("the big job did not come back whole");
      }
    }
    for (String id : posted) {
      api.awaitFinal(id, Duration.ofMinutes(5));
    }
    record("POST job of 1,000 tasks", Stats.median(posts), "ms");
    record("GET job of 10,000 tasks", Stats.median(gets), "ms");
  }

  private static final String FOOTPRINT_TYPE = "bench-footprint";
  private static final int FOOTPRINT_TASKS = 10_000;

  /**
   * 7. What tasks leave in Redis and PostgreSQL. A job of 10,000 tasks of a type only the benchmark
   * takes: its Redis keys (MEMORY USAGE over the installation's prefix) once they are queued, once
   * the benchmark claimed and began all of them (claims, leases, their started reports applied),
   * once it finished them, and a minute after; then the bytes its finished tasks take in each group
   * of tables. Then the same for 200 jobs of 50 `noop` tasks.
   */
  private void footprints() throws Exception {
    out.println("footprints");
    try (Footprint f = installation.footprint();
        RedisQueues bench = installation.redis()) {
      Map<String, Long> tablesBefore = settledTables(f);
      RedisQueues.KeyMemory empty = settledRedis(f);
      String body =
          "{\"name\": \"footprint\", \"layers\": [{\"tasks\": ["
              + String.join(
                  ",",
                  Collections.nCopies(FOOTPRINT_TASKS, "{\"type\": \"" + FOOTPRINT_TYPE + "\"}"))
              + "]}]}";
      String id = api.post("/api/v1/jobs", body).path("id").asText();
      var keeping = bench.keeping();
      long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
      while (keeping
                  .depths(List.of(FOOTPRINT_TYPE))
                  .toCompletableFuture()
                  .join()
                  .get(FOOTPRINT_TYPE)
              < FOOTPRINT_TASKS
          && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      redisPerAttempt("queued", empty, f.redis(), FOOTPRINT_TASKS);

      WorkerChannel worker = bench.workerChannel();
      List<TaskDelivery> taken = java.util.Collections.synchronizedList(new ArrayList<>());
      ExecutorService workers = Executors.newFixedThreadPool(8);
      deadline = System.nanoTime() + Duration.ofMinutes(15).toNanos();
      int offered = 0;
      List<Future<?>> begun = new ArrayList<>();
      while (offered < FOOTPRINT_TASKS && System.nanoTime() < deadline) {
        for (TaskDelivery d : worker.take(List.of(FOOTPRINT_TYPE), 1000, Duration.ofSeconds(1))) {
          offered++;
          begun.add(
              workers.submit(
                  () -> {
                    if (worker.begin(
                        d,
                        "bench",
                        Duration.ofMinutes(5),
                        Duration.ofMinutes(15),
                        report(WorkerReport.Kind.STARTED, d))) {
                      taken.add(d);
                    }
                  }));
        }
      }
      for (Future<?> b : begun) {
        b.get();
      }
      if (taken.size() < FOOTPRINT_TASKS) {
        throw new IllegalStateException(
            "the benchmark began " + taken.size() + " of " + FOOTPRINT_TASKS + " attempts");
      }
      awaitCount(id, "RUNNING", taken.size());
      Thread.sleep(2000); // the started reports' acknowledgements
      redisPerAttempt("running", empty, f.redis(), taken.size());

      List<Future<?>> finished = new ArrayList<>();
      for (TaskDelivery d : taken) {
        finished.add(workers.submit(() -> worker.finish(report(WorkerReport.Kind.COMPLETED, d))));
      }
      for (Future<?> done : finished) {
        done.get();
      }
      workers.shutdown();
      api.awaitFinal(id, Duration.ofMinutes(5));
      Thread.sleep(2000); // the final reports' acknowledgements
      redisPerAttempt("just finished", empty, f.redis(), taken.size());
      Thread.sleep(60_000);
      redisPerAttempt("finished a minute earlier", empty, f.redis(), taken.size());
      Map<String, Long> tablesAfterOne = settledTables(f);
      postgresPerTask("one job of 10,000", tablesBefore, tablesAfterOne, FOOTPRINT_TASKS);

      String small = job(List.of(noops(25), noops(25)));
      List<String> ids = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        ids.add(api.post("/api/v1/jobs", small).path("id").asText());
      }
      for (String each : ids) {
        api.awaitFinal(each, Duration.ofMinutes(5));
      }
      postgresPerTask("200 jobs of 50", tablesAfterOne, settledTables(f), 10_000);
    }
  }

  private static WorkerReport report(WorkerReport.Kind kind, TaskDelivery d) {
    return new WorkerReport(
        kind,
        d.jobId(),
        d.taskId(),
        d.attempt(),
        "bench",
        "",
        null,
        true,
        System.currentTimeMillis());
  }

  private void awaitCount(String jobId, String status, int count) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
    while (api.status(jobId).path("counts").path(status).asInt() < count
        && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
  }

  private void redisPerAttempt(
      String state, RedisQueues.KeyMemory empty, RedisQueues.KeyMemory now, int attempts) {
    record(
        "Redis bytes per attempt, " + state,
        (now.bytes() - empty.bytes()) / (double) attempts,
        "bytes");
    out.printf(
        "      %d keys under the prefix (%d before), %d bytes (%d before); server used_memory"
            + " %+d bytes (shared with whatever else uses this Redis)%n",
        now.keys(),
        empty.keys(),
        now.bytes(),
        empty.bytes(),
        now.serverUsedMemory() - empty.serverUsedMemory());
  }

  /**
   * The installation's keys once the claims of the scenarios before have lingered out: at most its
   * epoch, its report stream and its dead letters (waits up to two minutes).
   */
  private static RedisQueues.KeyMemory settledRedis(Footprint f) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
    RedisQueues.KeyMemory now = f.redis();
    while (now.keys() > 3 && System.nanoTime() < deadline) {
      Thread.sleep(1000);
      now = f.redis();
    }
    return now;
  }

  /** Table sizes once the read model's projection stopped writing (3 equal reads 1 s apart). */
  private static Map<String, Long> settledTables(Footprint f) throws InterruptedException {
    Map<String, Long> last = f.tables();
    int same = 0;
    long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
    while (same < 3 && System.nanoTime() < deadline) {
      Thread.sleep(1000);
      Map<String, Long> now = f.tables();
      same = now.equals(last) ? same + 1 : 0;
      last = now;
    }
    return last;
  }

  private void postgresPerTask(
      String shape, Map<String, Long> before, Map<String, Long> after, int tasks) {
    long total = 0;
    StringBuilder groups = new StringBuilder();
    for (var e : after.entrySet()) {
      long grown = e.getValue() - before.getOrDefault(e.getKey(), 0L);
      total += grown;
      groups.append(String.format(" %s %.0f,", e.getKey(), grown / (double) tasks));
    }
    record("PostgreSQL bytes per finished task, " + shape, total / (double) tasks, "bytes");
    out.printf(
        "      by group of tables, bytes per task:%s%n", groups.substring(0, groups.length() - 1));
  }

  /**
   * 6. GET /api/v1/tasks?job_ids=X&limit=1000 over a read model of 1,000,000 task rows (1,000 jobs
   * of 1,000 tasks, written straight into the table): median and p99 of 20 calls after 3 warm-up.
   */
  private void listOverAMillionTasks() {
    String job = SyntheticTasks.insert(installation.database(), 1000, 1000);
    List<Double> latencies = new ArrayList<>();
    for (int i = 0; i < 23; i++) {
      long start = System.nanoTime();
      JsonNode page = api.get("/api/v1/tasks?job_ids=" + job + "&limit=1000");
      if (i >= 3) {
        latencies.add((System.nanoTime() - start) / 1e6);
      }
      if (page.size() != 1000) {
        throw new IllegalStateException("the list gave " + page.size() + " tasks, not 1,000");
      }
    }
    record("list 1,000 of 1,000,000 tasks median", Stats.median(latencies), "ms");
    record("list 1,000 of 1,000,000 tasks p99", Stats.percentile(latencies, 99), "ms");
  }

  /**
   * 5. Heap per pending task in a 100,000-task job (its first layer holds one task no worker
   * serves, so the rest stays PENDING), and the time the job takes to answer again after its node
   * restarts.
   */
  private void memoryAndRecovery() throws Exception {
    String body =
        "{\"name\": \"memory\", \"layers\": [{\"tasks\": [{\"type\": \"bench-hold\"}]}, "
            + noops(100_000).replace("{\"tasks\"", "{\"priority\": 1, \"tasks\"")
            + "]}";
    long before = usedHeapAfterGc();
    Map<String, Footprint.ClassCount> histogramBefore = Footprint.heapHistogram();
    String id = api.post("/api/v1/jobs", body).path("id").asText();
    Map<String, Footprint.ClassCount> perTask =
        Footprint.grownBy(histogramBefore, Footprint.heapHistogram(), 100_000 / 2);
    long after = usedHeapAfterGc();
    record("heap per pending task", Footprint.totalBytes(perTask) / 100_000.0, "bytes");
    record("heap per pending task, used heap", (after - before) / 100_000.0, "bytes");
    printClasses(perTask, 100_000);
    installation.stopNode();
    startNode();
    long start = System.nanoTime();
    while (true) {
      try {
        api.get("/api/v1/jobs/" + id + "/status");
        break;
      } catch (IllegalStateException notYet) {
        Thread.sleep(10);
      }
    }
    record("recovery of a 100,000-task job", (System.nanoTime() - start) / 1e6, "ms");
    api.patch("/api/v1/skip", "[{\"kind\": \"Job\", \"id\": \"" + id + "\"}]");
  }

  /**
   * 8. The heap of a node holding 1,000 finished jobs of 10 tasks each, before they are passivated
   * (igor.jobs.idle-after-finish): the classes of which at least 1,000 more live instances are
   * there once they finished and the read model has written them, from the heap histogram.
   */
  private void idleFinishedJobs() throws Exception {
    String body = job(List.of(noops(10)));
    Map<String, Footprint.ClassCount> before = Footprint.heapHistogram();
    ExecutorService submitters = Executors.newFixedThreadPool(16);
    List<Future<String>> submitted = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      submitted.add(submitters.submit(() -> api.post("/api/v1/jobs", body).path("id").asText()));
    }
    List<String> open = new ArrayList<>();
    for (Future<String> f : submitted) {
      open.add(f.get());
    }
    submitters.shutdown();
    long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
    while (!open.isEmpty() && System.nanoTime() < deadline) {
      open.removeIf(
          id ->
              List.of("COMPLETED", "ERRORED", "SKIPPED")
                  .contains(api.status(id).path("status").asText()));
      Thread.sleep(200);
    }
    if (!open.isEmpty()) {
      out.printf(
          "      %d of the 1,000 jobs had not finished after 5 minutes; counted as they are%n",
          open.size());
    }
    try (Footprint f = installation.footprint()) {
      settledTables(f); // the read model's projection holds their changes until it wrote them
    }
    Map<String, Footprint.ClassCount> held =
        Footprint.grownBy(before, Footprint.heapHistogram(), 1000);
    record("heap of 1,000 idle finished jobs", Footprint.totalBytes(held) / 1048576.0, "MiB");
    printClasses(held, 1000);
  }

  /** The largest classes of a histogram's growth, per thing counted. */
  private void printClasses(Map<String, Footprint.ClassCount> classes, int per) {
    classes.entrySet().stream()
        .limit(8)
        .forEach(
            e ->
                out.printf(
                    "      %-60s %8.1f objects %8.1f bytes per one%n",
                    e.getKey(),
                    e.getValue().instances() / (double) per,
                    e.getValue().bytes() / (double) per));
  }

  /** Used heap after full collections: what stays, not what waits to be collected. */
  static long usedHeapAfterGc() throws InterruptedException {
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(200);
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  private static String noops(int n) {
    return "{\"tasks\": ["
        + String.join(",", Collections.nCopies(n, "{\"type\": \"noop\"}"))
        + "]}";
  }

  /** A job whose layers run one after another, in the order given. */
  private static String job(List<String> layers) {
    List<String> ordered = new ArrayList<>();
    for (int i = 0; i < layers.size(); i++) {
      ordered.add(
          layers.get(i).replaceFirst("\\{\"tasks\"", "{\"priority\": " + i + ", \"tasks\""));
    }
    return "{\"name\": \"bench\", \"layers\": [" + String.join(",", ordered) + "]}";
  }
}
