package igor.metrics;

import igor.domain.JobSummary;
import igor.domain.Status;
import igor.entity.JobObserver;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * A node's metrics, served at {@code /metrics} in the Prometheus text format. docs/operations.md
 * lists every one. Counters and histograms count what happened on this node; a cluster's figure is
 * the sum over its nodes (queue depth and projection lag are the same on every node).
 */
public final class IgorMetrics implements JobObserver {
  private static final double[] SLO_SECONDS = {
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600
  };

  /** Why a report was dropped: it names a job that does not exist. */
  public static final String UNKNOWN_JOB = "unknown_job";

  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

  /**
   * Each job in memory here as last told, and the totals over them by status (gauges read these).
   */
  private final Map<String, JobSummary> jobs = new ConcurrentHashMap<>();

  private final AtomicLongArray jobsByStatus = new AtomicLongArray(Status.values().length);
  private final AtomicLongArray tasksByStatus = new AtomicLongArray(Status.values().length);
  private final Map<String, AtomicLong> queueDepths = new ConcurrentHashMap<>();
  private final Map<String, AtomicLong> oldestAges = new ConcurrentHashMap<>();
  private final Set<String> knownTypes = ConcurrentHashMap.newKeySet();
  private final AtomicLong projectionLagMillis = new AtomicLong();
  private final AtomicLong deadLetters = new AtomicLong();
  private final AtomicLong unreachableMembers = new AtomicLong();
  private final AtomicLong liveWorkers = new AtomicLong();
  private final Map<String, AtomicLong> workersByType = new ConcurrentHashMap<>();
  private final Map<String, AtomicLong> membersByStatus = new ConcurrentHashMap<>();
  private final Timer journalWrites;
  private final Counter projectionFailures;

  public IgorMetrics() {
    new JvmMemoryMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    journalWrites =
        Timer.builder("igor.journal.write")
            .description("One journal write of a job (a persist of its events), until confirmed")
            .publishPercentileHistogram()
            .register(registry);
    for (Status status : Status.values()) {
      Gauge.builder("igor.jobs", jobsByStatus, counts -> counts.get(status.ordinal()))
          .description("Jobs in memory on this node, by status")
          .tag("status", status.name())
          .register(registry);
      Gauge.builder("igor.tasks", tasksByStatus, counts -> counts.get(status.ordinal()))
          .description("Tasks of the jobs in memory on this node, by status")
          .tag("status", status.name())
          .register(registry);
    }
    projectionFailures =
        Counter.builder("igor.projection.failures")
            .description("Events the read model skipped because the database refused their rows")
            .register(registry);
    Counter.builder("igor.entity.recovery.failures")
        .description("Job recoveries that failed or left a job unable to act (see the log)")
        .register(registry);
    Gauge.builder("igor.projection.lag", projectionLagMillis, l -> l.get() / 1000.0)
        .description("Age of the oldest journaled event the read model has not applied yet")
        .baseUnit("seconds")
        .register(registry);
    reportsDroppedCounter(UNKNOWN_JOB);
    Gauge.builder("igor.dead.letters", deadLetters, AtomicLong::get)
        .description("Dead letters kept in Redis: messages no one could read (LLEN)")
        .register(registry);
    Gauge.builder("igor.workers", liveWorkers, AtomicLong::get)
        .description("Live workers in the registry (announced, heartbeat within its lease)")
        .register(registry);
    Gauge.builder("igor.cluster.unreachable.members", unreachableMembers, AtomicLong::get)
        .description("Members of the cluster this node cannot reach")
        .register(registry);
  }

  @Override
  public void tasksQueued(String type, int count) {
    knownTypes.add(type);
    Counter.builder("igor.tasks.queued")
        .description("Task attempts handed to the queue, by type")
        .tag("type", type)
        .register(registry)
        .increment(count);
  }

  @Override
  public void taskStarted(String type, long waitedMillis) {
    knownTypes.add(type);
    Counter.builder("igor.tasks.started")
        .description("Task attempts that began, by type")
        .tag("type", type)
        .register(registry)
        .increment();
    if (waitedMillis >= 0) {
      seconds("igor.task.queued.to.started", "From an attempt's queueing to its start", type)
          .record(waitedMillis / 1000.0);
    }
  }

  @Override
  public void taskEnded(String type, Outcome outcome, long ranMillis) {
    ended(type, outcome).increment();
    if (ranMillis >= 0) {
      DistributionSummary.builder("igor.task.started.to.finished")
          .description("From an attempt's start to its end, by type and outcome")
          .baseUnit("seconds")
          .tag("type", type)
          .tag("outcome", outcome.name().toLowerCase(Locale.ROOT))
          .serviceLevelObjectives(SLO_SECONDS)
          .register(registry)
          .record(ranMillis / 1000.0);
    }
  }

  @Override
  public void tasksEnded(String type, Outcome outcome, int count) {
    ended(type, outcome).increment(count);
  }

  /** The counter of attempts of this type that ended so. */
  private Counter ended(String type, Outcome outcome) {
    String name = outcome == Outcome.COMPLETED ? "igor.tasks.completed" : "igor.tasks.failed";
    Counter.Builder counter =
        Counter.builder(name)
            .description(
                outcome == Outcome.COMPLETED
                    ? "Task attempts that succeeded, by type"
                    : "Task attempts that did not succeed, by type and how they ended")
            .tag("type", type);
    if (outcome != Outcome.COMPLETED) {
      counter.tag("outcome", outcome.name().toLowerCase(Locale.ROOT));
    }
    return counter.register(registry);
  }

  private DistributionSummary seconds(String name, String description, String type) {
    return DistributionSummary.builder(name)
        .description(description)
        .baseUnit("seconds")
        .tag("type", type)
        .serviceLevelObjectives(SLO_SECONDS)
        .register(registry);
  }

  @Override
  public void journalWritten(long nanos) {
    journalWrites.record(nanos, TimeUnit.NANOSECONDS);
  }

  /**
   * Replaces what was counted for the job by its new summary: a few additions per call, whatever
   * the number of jobs and tasks held.
   */
  @Override
  public void jobHeld(JobSummary job) {
    jobs.compute(
        job.id(),
        (id, before) -> {
          if (before != null) {
            count(before, -1);
          }
          count(job, 1);
          return job;
        });
  }

  @Override
  public void jobReleased(String jobId) {
    jobs.computeIfPresent(
        jobId,
        (id, before) -> {
          count(before, -1);
          return null;
        });
  }

  @Override
  public void recoveryFailed(String jobId, String problem) {
    Counter.builder("igor.entity.recovery.failures")
        .description("Job recoveries that failed or left a job unable to act (see the log)")
        .register(registry)
        .increment();
  }

  /** The read model's projection skipped an event whose rows the database refused. */
  public void projectionFailure() {
    projectionFailures.increment();
  }

  private void count(JobSummary job, int sign) {
    jobsByStatus.addAndGet(job.status().ordinal(), sign);
    job.counts().forEach((status, n) -> tasksByStatus.addAndGet(status.ordinal(), sign * (long) n));
  }

  /** One HTTP request answered: {@code route} is its path with ids replaced (bounded labels). */
  public void httpRequest(String method, String route, int status, long nanos) {
    Timer.builder("igor.http.requests")
        .description("HTTP requests, by method, route and status, until the response is made")
        .tag("method", method)
        .tag("route", route)
        .tag("status", String.valueOf(status))
        .publishPercentileHistogram()
        .maximumExpectedValue(Duration.ofSeconds(30))
        .register(registry)
        .record(nanos, TimeUnit.NANOSECONDS);
  }

  /** Task types seen on this node since it started: the queues whose depth is watched. */
  public Set<String> knownTaskTypes() {
    return Set.copyOf(knownTypes);
  }

  /** The length of a type's queue in Redis, as last measured. */
  public void queueDepth(String type, long depth) {
    labelledGauge(
            queueDepths,
            "igor.queue.depth",
            "Deliveries waiting in a type's queue in Redis (LLEN)",
            "type",
            type)
        .set(depth);
    // beside each depth, its type's oldest waiting age (0 until a task of it is seen waiting)
    oldestAge(type);
  }

  /**
   * The age of the oldest task waiting per type: {@code oldestQueuedAt} holds, per type with tasks
   * QUEUED, when the oldest was queued (unix seconds); a type seen before and absent now reads 0.
   */
  public void queueOldestAges(Map<String, Long> oldestQueuedAt, long nowSeconds) {
    oldestAges.forEach(
        (type, value) -> {
          if (!oldestQueuedAt.containsKey(type)) {
            value.set(0);
          }
        });
    oldestQueuedAt.forEach((type, at) -> oldestAge(type).set(Math.max(0, nowSeconds - at)));
  }

  private AtomicLong oldestAge(String type) {
    return labelledGauge(
        oldestAges,
        "igor.queue.oldest.age.seconds",
        "Age of the oldest task QUEUED of a type, in seconds (read model, cluster-wide)",
        "type",
        type);
  }

  /** The value of a gauge with one label, registered the first time that label is seen. */
  private AtomicLong labelledGauge(
      Map<String, AtomicLong> byLabel,
      String name,
      String description,
      String label,
      String labelValue) {
    return byLabel.computeIfAbsent(
        labelValue,
        v -> {
          AtomicLong value = new AtomicLong();
          Gauge.builder(name, value, AtomicLong::get)
              .description(description)
              .tag(label, v)
              .register(registry);
          return value;
        });
  }

  /**
   * The worker registry as last read: live workers, and live workers by task type (a type no live
   * worker takes any more reads 0).
   */
  public void workers(int live, Map<String, Integer> liveByType) {
    liveWorkers.set(live);
    workersByType.forEach((type, value) -> value.set(liveByType.getOrDefault(type, 0)));
    liveByType.forEach(
        (type, count) ->
            labelledGauge(
                    workersByType,
                    "igor.workers.by.type",
                    "Live workers that announced they take a task type",
                    "type",
                    type)
                .set(count));
  }

  private final Map<String, AtomicLong> limitInUse = new java.util.concurrent.ConcurrentHashMap<>();
  private final Map<String, AtomicLong> limitWaiting =
      new java.util.concurrent.ConcurrentHashMap<>();

  /**
   * Flow control as last read (docs/flow-control.md): per limit ("type:email", "key:acme"), the
   * slots in use and the deliveries waiting in its type's room; a limit removed since reads 0.
   */
  public void flowLimits(Map<String, long[]> usage) {
    limitInUse.forEach((limit, value) -> value.set(0));
    limitWaiting.forEach((limit, value) -> value.set(0));
    usage.forEach(
        (limit, inUseAndWaiting) -> {
          labelledGauge(
                  limitInUse,
                  "igor.flow.limit.in.use",
                  "Attempts holding a slot of a flow-control limit (admitted, not yet ended)",
                  "limit",
                  limit)
              .set(inUseAndWaiting[0]);
          labelledGauge(
                  limitWaiting,
                  "igor.flow.limit.waiting",
                  "Deliveries waiting in the waiting room of a limited task type",
                  "limit",
                  limit)
              .set(inUseAndWaiting[1]);
        });
  }

  /** Worker reports this node dropped without applying them, by reason (a fixed word). */
  public void reportsDropped(String reason, int count) {
    reportsDroppedCounter(reason).increment(count);
  }

  private Counter reportsDroppedCounter(String reason) {
    return Counter.builder("igor.reports.dropped")
        .description("Worker reports dropped without being applied, by reason")
        .tag("reason", reason)
        .register(registry);
  }

  /** How many dead letters Redis keeps, as last measured. */
  public void deadLetters(long count) {
    deadLetters.set(count);
  }

  /**
   * The cluster as this node sees it: members by status (a status no member has any more reads 0)
   * and how many members it cannot reach.
   */
  public void clusterMembers(Map<String, Long> byStatus, long unreachable) {
    membersByStatus.forEach((status, value) -> value.set(byStatus.getOrDefault(status, 0L)));
    byStatus.forEach(
        (status, count) ->
            labelledGauge(
                    membersByStatus,
                    "igor.cluster.members",
                    "Members of the cluster as this node sees them, by status",
                    "status",
                    status)
                .set(count));
    unreachableMembers.set(unreachable);
  }

  /** A schedule fired this late after its due time (manual: a trigger, always on time). */
  public void scheduleFired(long lateMillis, boolean manual) {
    Timer.builder("igor.schedule.fire.lateness")
        .description("How late a schedule's fire was journaled after its due time")
        .tag("manual", Boolean.toString(manual))
        .publishPercentileHistogram()
        .register(registry)
        .record(java.time.Duration.ofMillis(lateMillis));
  }

  public void projectionLag(long millis) {
    projectionLagMillis.set(Math.max(0, millis));
  }

  /** Everything, in the Prometheus text format (version 0.0.4). */
  public String scrape() {
    return registry.scrape();
  }
}
