package igor.bench;

import com.fasterxml.jackson.databind.JsonNode;
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
  private final Map<String, List<Double>> figures = new LinkedHashMap<>();
  private final Map<String, String> units = new HashMap<>();
  private BenchInstallation installation;
  private BenchClient api;
  private JdbcStorage storage;
  private JobJournal journal;

  public Benchmark(PrintStream out, int runs) {
    this.out = out;
    this.runs = runs;
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
    try (BenchInstallation installation = new BenchInstallation("bench")) {
      this.installation = installation;
      startNode();
      storage = JdbcStorage.open(installation.database());
      journal = storage.journal();
      out.printf(
          "igor bench: %d runs per scenario, %d cores, max heap %d MiB, database %s%n",
          runs,
          Runtime.getRuntime().availableProcessors(),
          Runtime.getRuntime().maxMemory() >> 20,
          installation.databaseName());
      warmUp();
      for (int i = 1; i <= runs; i++) {
        out.printf("run %d of %d%n", i, runs);
        String fanOutJob = fanOut();
        chain();
        manyJobs();
        api(fanOutJob);
      }
      listOverAMillionTasks();
      if (withMemory) {
        for (int i = 1; i <= runs; i++) {
          memoryAndRecovery();
        }
      }
      if (report != null) {
        BenchReport.write(
            report,
            BenchReport.section(
                figures, units, runs, installation.postgresVersion(), installation.redisVersion()));
        out.println("wrote the figures into " + report);
      }
    } finally {
      if (storage != null) {
        storage.close();
      }
    }
    Map<String, Double> medians = new LinkedHashMap<>();
    out.println("medians over " + runs + " runs:");
    figures.forEach(
        (name, values) -> {
          double median = Stats.median(values);
          medians.put(name, median);
          out.printf("  %-40s %12.2f %s%n", name, median, units.get(name));
        });
    return medians;
  }

  private void startNode() {
    api = new BenchClient(installation.startNode());
  }

  private void record(String name, double value, String unit) {
    figures.computeIfAbsent(name, n -> new ArrayList<>()).add(value);
    units.put(name, unit);
    out.printf("  %-40s %12.2f %s%n", name, value, unit);
  }

  /** Runs every scenario once, unmeasured, so that the JIT has compiled the paths measured. */
  private void warmUp() throws Exception {
    out.println("warming up (one unmeasured round)");
    PrintStream quiet = new PrintStream(java.io.OutputStream.nullOutputStream());
    Map<String, List<Double>> kept = new LinkedHashMap<>(figures);
    PrintStream was = swapOut(quiet);
    try {
      String fanOutJob = fanOut();
      chain();
      manyJobs();
      api(fanOutJob);
    } finally {
      swapOut(was);
      figures.clear();
      figures.putAll(kept);
    }
  }

  private PrintStream swapOut(PrintStream next) {
    PrintStream previous = out;
    out = next;
    return previous;
  }

  /** 1. One job: a layer of 10,000 tasks then a layer of 1; tasks/s from submit to COMPLETED. */
  private String fanOut() throws Exception {
    String body = job(List.of(noops(10_000), noops(1)));
    long start = System.nanoTime();
    String id = api.post("/api/v1/jobs", body).path("id").asText();
    api.awaitFinal(id, Duration.ofMinutes(10));
    double seconds = (System.nanoTime() - start) / 1e9;
    record("fan-out tasks/s", 10_001 / seconds, "tasks/s");
    return id;
  }

  /** 2. One job of 100 layers of one task: milliseconds from a task's end to the next's start. */
  private void chain() throws Exception {
    List<String> layers = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      layers.add(noops(1));
    }
    String id = api.post("/api/v1/jobs", job(layers)).path("id").asText();
    api.awaitFinal(id, Duration.ofMinutes(5));
    List<Double> hops = new ArrayList<>();
    long completedAt = -1;
    for (JobJournal.Entry e : journal.events(id)) {
      if (e.type().equals("TaskCompleted")) {
        completedAt = e.json().path("at").asLong();
      } else if (e.type().equals("TaskStarted") && completedAt >= 0) {
        hops.add((double) (e.json().path("at").asLong() - completedAt));
        completedAt = -1;
      }
    }
    record("chain hop median", Stats.median(hops), "ms");
    record("chain hop p99", Stats.percentile(hops, 99), "ms");
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
      for (JobJournal.Entry e : journal.events(id)) {
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
    String id = api.post("/api/v1/jobs", body).path("id").asText();
    long after = usedHeapAfterGc();
    record("heap per pending task", (after - before) / 100_000.0, "bytes");
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
