package igor.worker.internal;

import igor.domain.OutcomeLimits;
import igor.domain.TaskOutput;
import igor.domain.Text;
import igor.domain.WorkerReport;
import igor.queue.AttemptLease;
import igor.queue.HopProbe;
import igor.queue.TaskDelivery;
import igor.queue.TraceParents;
import igor.queue.WorkerAnnouncement;
import igor.queue.WorkerChannel;
import igor.queue.redis.RedisQueues;
import igor.queue.redis.RedisSettings;
import igor.worker.api.BatchTaskHandler;
import igor.worker.api.SkipTaskException;
import igor.worker.api.TaskContext;
import igor.worker.api.TaskFailedException;
import igor.worker.api.TaskHandler;
import igor.worker.api.TaskSpec;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Scope;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What runs behind {@link igor.worker.api.Worker}: takes attempts of its types from Igor's queues
 * (at most {@code concurrency} at once), claims each (a duplicate or withdrawn delivery is
 * dropped), holds a lease on it renewed by heartbeat, and reports start and outcome back. Igor can
 * stop a running attempt (kill, skip, time-out): the handler's context is cancelled and its thread
 * interrupted (a batch's thread only once every task of the batch is cancelled).
 *
 * <p>Not part of the SDK's API: handler authors use {@code igor.worker.api}; only the SDK's facade
 * and the node's wiring ({@code igor.app}, which runs a worker on the node's own Redis connection)
 * make one.
 */
public final class WorkerRuntime implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(WorkerRuntime.class);
  private static final Duration FIRST_PAUSE_AFTER_FAILURE = Duration.ofMillis(200);
  private static final Duration LONGEST_PAUSE_AFTER_FAILURE = Duration.ofSeconds(5);

  /** An attempt being handled: its context, lease and the thread running it. */
  private record Running(Attempt context, AttemptLease lease, Thread thread) {}

  private final WorkerChannel channel;
  private final Map<String, TaskHandler> handlers;
  private final Map<String, BatchTaskHandler> batchHandlers;
  private final WorkerSettings settings;
  private final AutoCloseable owned;
  private final Semaphore slots;
  private final ExecutorService pool;
  private final List<Thread> pollers = new ArrayList<>();
  private final ScheduledExecutorService heartbeats;
  private final Map<String, Running> inFlight = new ConcurrentHashMap<>();
  private final HttpTaskAdder adder;
  private final Attempt.Services services;
  private final OutputSender output;
  private volatile boolean running = true;
  private volatile boolean releasing;
  private volatile AttemptTracing tracing = new AttemptTracing(OpenTelemetry.noop());

  /** A worker on a queue channel the caller owns (nodes use this). */
  public WorkerRuntime(
      WorkerChannel channel,
      List<TaskHandler> handlers,
      List<BatchTaskHandler> batchHandlers,
      WorkerSettings settings) {
    this(channel, handlers, batchHandlers, settings, null);
  }

  private WorkerRuntime(
      WorkerChannel channel,
      List<TaskHandler> handlers,
      List<BatchTaskHandler> batchHandlers,
      WorkerSettings settings,
      AutoCloseable owned) {
    if (handlers.isEmpty() && batchHandlers.isEmpty()) {
      throw new IllegalArgumentException("a worker needs at least one handler");
    }
    this.channel = channel;
    this.handlers = new LinkedHashMap<>();
    handlers.forEach(h -> this.handlers.put(h.type(), h));
    this.batchHandlers = new LinkedHashMap<>();
    batchHandlers.forEach(h -> this.batchHandlers.put(h.type(), h));
    this.settings = settings;
    this.owned = owned;
    this.slots = new Semaphore(settings.concurrency());
    this.pool = Executors.newFixedThreadPool(settings.concurrency(), threads("igor-handler"));
    this.heartbeats = Executors.newSingleThreadScheduledExecutor(threads("igor-heartbeat"));
    this.adder = new HttpTaskAdder(settings.apiUrl(), settings.apiToken(), settings.apiCaFile());
    this.services =
        new Attempt.Services() {
          @Override
          public void heartbeat(List<Attempt> attempts) {
            List<AttemptLease> leases = new ArrayList<>();
            for (Attempt a : attempts) {
              Running r = inFlight.get(a.deliveryId());
              if (r != null) {
                leases.add(r.lease());
              }
            }
            if (!leases.isEmpty()) {
              channel.renewLeases(leases, settings.lease());
            }
          }

          @Override
          public List<String> addTasks(String layerId, List<TaskSpec> tasks)
              throws TaskFailedException {
            return adder.add(layerId, tasks);
          }

          @Override
          public void log(Attempt a, TaskOutput.Level level, String line) {
            output.line(
                TaskOutput.Entry.log(
                    a.jobId(),
                    a.taskId(),
                    a.attempt(),
                    settings.name(),
                    System.currentTimeMillis(),
                    level,
                    TaskOutput.bounded(line, OutputSender.MAX_LINE_BYTES)));
          }

          @Override
          public void progress(Attempt a, double fraction) {
            output.progress(
                TaskOutput.Entry.progress(
                    a.jobId(),
                    a.taskId(),
                    a.attempt(),
                    settings.name(),
                    System.currentTimeMillis(),
                    fraction));
          }

          @Override
          public Iterable<igor.client.LayerResult> results(String jobId, String layerName) {
            return adder.results(jobId, layerName);
          }
        };
    this.output = new OutputSender(channel, OutputSender.CAPACITY);
  }

  /**
   * A worker that connects to Redis by itself, and closes that connection when it stops (the SDK's
   * {@code Worker.connect}).
   */
  public static WorkerRuntime connect(
      RedisAddress redis,
      List<TaskHandler> handlers,
      List<BatchTaskHandler> batchHandlers,
      WorkerSettings settings) {
    RedisQueues queues =
        RedisQueues.open(
            new RedisSettings(
                redis.url(),
                redis.password(),
                redis.keyPrefix(),
                // one connection more per type: a BLMOVE waits on each type's queue
                Math.max(4, settings.concurrency()) + handlers.size() + batchHandlers.size(),
                redis.caFile()),
            settings.claimTtl());
    try {
      return new WorkerRuntime(queues.workerChannel(), handlers, batchHandlers, settings, queues);
    } catch (RuntimeException e) {
      queues.close();
      throw e;
    }
  }

  /**
   * Traces attempts with this OpenTelemetry (before {@link #start}): a span per attempt in the
   * job's trace, the handler run inside it. Without it, reports only echo the delivery's trace.
   */
  public WorkerRuntime tracedBy(OpenTelemetry openTelemetry) {
    this.tracing = new AttemptTracing(openTelemetry);
    return this;
  }

  public WorkerRuntime start() {
    channel.onCancel(this::cancel);
    announce(false);
    if (!handlers.isEmpty()) {
      pollers.add(thread("igor-poller", this::pollSingles));
    }
    for (BatchTaskHandler batch : batchHandlers.values()) {
      pollers.add(thread("igor-poller-" + batch.type(), () -> pollBatches(batch)));
    }
    pollers.forEach(Thread::start);
    output.start();
    long every = Math.max(100, settings.lease().toMillis() / 3);
    heartbeats.scheduleAtFixedRate(this::renewLeases, every, every, TimeUnit.MILLISECONDS);
    List<String> types = new ArrayList<>(handlers.keySet());
    types.addAll(batchHandlers.keySet());
    log.info(
        "worker started name={} types={} concurrency={}",
        settings.name(),
        types,
        settings.concurrency());
    return this;
  }

  public String name() {
    return settings.name();
  }

  private void pollSingles() {
    List<String> types = new ArrayList<>(handlers.keySet());
    while (running) {
      int free = 0;
      try {
        slots.acquire();
        free = 1 + slots.drainPermits();
        List<TaskDelivery> taken = channel.take(types, free, settings.pollWait());
        // A take empties the first queue with tasks before the next (BLPOP's order): start from
        // the next type each time, so a steady stream of one type cannot starve the others.
        Collections.rotate(types, -1);
        slots.release(free - taken.size());
        free = 0;
        for (TaskDelivery delivery : taken) {
          HopProbe.mark(HopProbe.Step.POPPED, delivery.taskId());
          pool.execute(() -> runSingle(delivery));
        }
      } catch (InterruptedException e) {
        slots.release(free);
        return;
      } catch (RuntimeException e) {
        slots.release(free);
        pauseAfterFailure(e);
      }
    }
  }

  /** Fills a batch up to its size or until its wait runs out, then hands it to the handler. */
  private void pollBatches(BatchTaskHandler handler) {
    List<String> type = List.of(handler.type());
    while (running) {
      boolean slotTaken = false;
      try {
        slots.acquire();
        slotTaken = true;
        List<TaskDelivery> batch =
            new ArrayList<>(channel.take(type, handler.maxBatchSize(), settings.pollWait()));
        long until = System.nanoTime() + handler.maxWait().toNanos();
        while (!batch.isEmpty() && batch.size() < handler.maxBatchSize() && running) {
          long left = until - System.nanoTime();
          if (left <= 0) {
            break;
          }
          batch.addAll(
              channel.take(
                  type,
                  handler.maxBatchSize() - batch.size(),
                  Duration.ofNanos(Math.max(left, 1_000_000))));
        }
        if (batch.isEmpty()) {
          slots.release();
          continue;
        }
        pool.execute(() -> runBatch(handler, batch));
      } catch (InterruptedException e) {
        if (slotTaken) {
          slots.release();
        }
        return;
      } catch (RuntimeException e) {
        if (slotTaken) {
          slots.release();
        }
        pauseAfterFailure(e);
      }
    }
  }

  private void pauseAfterFailure(RuntimeException e) {
    if (!running) {
      return;
    }
    log.warn("taking tasks failed, trying again problem={}", e.toString());
    try {
      Thread.sleep(1000);
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  private void runSingle(TaskDelivery d) {
    try {
      Attempt context = begin(d);
      if (context == null) {
        return;
      }
      Throwable failure = null;
      try (Scope inSpan = context.span().makeCurrent()) {
        byte[] result = handlers.get(d.type()).handle(context);
        if (result != null) {
          context.setResult(result);
        }
      } catch (Exception | LinkageError e) {
        failure = e;
      }
      HopProbe.mark(HopProbe.Step.HANDLED, d.taskId());
      finish(d, context, outcome(d, context, failure));
    } catch (RuntimeException e) {
      log.warn(
          "attempt could not be reported taskId={} attempt={} problem={}",
          d.taskId(),
          d.attempt(),
          e.toString());
    } finally {
      inFlight.remove(d.deliveryId());
      slots.release();
    }
  }

  private void runBatch(BatchTaskHandler handler, List<TaskDelivery> deliveries) {
    Map<TaskDelivery, Attempt> contexts = new LinkedHashMap<>();
    try {
      for (TaskDelivery d : deliveries) {
        Attempt context = begin(d);
        if (context != null) {
          contexts.put(d, context);
        }
      }
      if (contexts.isEmpty()) {
        return;
      }
      Throwable failure = null;
      try {
        handler.handle(new Batch(handler.type(), List.copyOf(contexts.values()), services));
      } catch (Exception | LinkageError e) {
        failure = e;
      }
      for (Map.Entry<TaskDelivery, Attempt> entry : contexts.entrySet()) {
        TaskDelivery d = entry.getKey();
        Attempt c = entry.getValue();
        finish(d, c, outcome(d, c, failure));
      }
    } catch (RuntimeException e) {
      log.warn(
          "batch could not be reported type={} size={} problem={}",
          handler.type(),
          deliveries.size(),
          e.toString());
    } finally {
      deliveries.forEach(d -> inFlight.remove(d.deliveryId()));
      slots.release();
    }
  }

  /**
   * Claims the attempt, takes its lease and reports its start; null when it is not ours to run (a
   * duplicate delivery, or one Igor withdrew).
   */
  private Attempt begin(TaskDelivery d) {
    Span span = tracing.start(d, settings.name());
    WorkerReport started =
        report(WorkerReport.Kind.STARTED, d, "", null, true, TraceParents.of(span));
    boolean ours =
        untilItGetsThrough(
            "claim",
            d,
            () ->
                channel.begin(d, settings.name(), settings.claimTtl(), settings.lease(), started));
    if (!ours) {
      span.setAttribute("igor.claimed", false);
      span.end();
      log.debug(
          "delivery dropped: claimed or withdrawn taskId={} attempt={}", d.taskId(), d.attempt());
      return null;
    }
    HopProbe.mark(HopProbe.Step.STARTED_SENT, d.taskId());
    AttemptLease lease = new AttemptLease(d.jobId(), d.taskId(), d.attempt());
    Attempt context =
        new Attempt(
                d.jobId(),
                d.layerId(),
                d.taskId(),
                d.attempt(),
                d.type(),
                d.args(),
                d.deliveryId(),
                services)
            .withTask(d.name(), d.retries(), d.retriesLeft(), d.timeoutSeconds(), started.at());
    context.setSpan(span);
    inFlight.put(d.deliveryId(), new Running(context, lease, Thread.currentThread()));
    return context;
  }

  /**
   * The report of an attempt whose handler returned ({@code failure} null) or threw: an outcome the
   * handler set on the context ({@link TaskContext#complete}, {@link TaskContext#fail}, {@link
   * TaskContext#skip}) wins, for a single task as for a batch; else returning completes the task
   * and throwing fails it.
   */
  private WorkerReport outcome(TaskDelivery d, Attempt c, Throwable failure) {
    return switch (c.outcome()) {
      case COMPLETED -> report(WorkerReport.Kind.COMPLETED, d, c.message(), c.result(), true, c);
      case FAILED -> report(WorkerReport.Kind.FAILED, d, c.message(), null, true, c);
      case FAILED_FOR_GOOD -> report(WorkerReport.Kind.FAILED, d, c.message(), null, false, c);
      case SKIPPED -> report(WorkerReport.Kind.SKIPPED, d, c.message(), null, true, c);
      case NONE ->
          failure == null
              ? report(WorkerReport.Kind.COMPLETED, d, c.message(), c.result(), true, c)
              : failure(d, c, failure);
    };
  }

  private WorkerReport failure(TaskDelivery d, Attempt context, Throwable e) {
    if (releasing && context.isCancelled()) {
      return report(WorkerReport.Kind.RELEASED, d, "worker stopped", null, true, context);
    }
    if (e instanceof SkipTaskException) {
      return report(WorkerReport.Kind.SKIPPED, d, message(e), null, true, context);
    }
    if (e instanceof TaskFailedException f) {
      return report(WorkerReport.Kind.FAILED, d, message(e), null, f.isRetryable(), context);
    }
    return report(WorkerReport.Kind.FAILED, d, message(e), null, true, context);
  }

  private void finish(TaskDelivery d, Attempt context, WorkerReport outcome) {
    Thread.interrupted();
    if (context.isCancelled() && !releasing) {
      log.info("attempt stopped as Igor asked taskId={} attempt={}", d.taskId(), d.attempt());
    }
    // Its output before its outcome, so that its last lines are stored while its claim is held.
    output.flush();
    // The attempt stays in flight, its lease renewed, until its outcome is through.
    untilItGetsThrough(
        "outcome",
        d,
        () -> {
          channel.finish(outcome);
          return true;
        });
    HopProbe.mark(HopProbe.Step.OUTCOME_SENT, d.taskId());
    inFlight.remove(d.deliveryId());
    AttemptTracing.end(
        context.span(),
        outcome.kind().name().toLowerCase(java.util.Locale.ROOT),
        outcome.kind() == WorkerReport.Kind.FAILED,
        outcome.message());
    log.debug(
        "attempt done taskId={} attempt={} outcome={}", d.taskId(), d.attempt(), outcome.kind());
  }

  /**
   * Makes the call to Redis until it gets through, pausing between tries: while Redis is down or a
   * connection is being made again, the worker waits rather than lose a taken attempt or its
   * outcome. Gives up with the last failure once the worker stops: the attempt's lease then runs
   * out, and Igor fails it as "lost worker" and runs it again. An outcome that comes after Igor
   * decided so is ignored.
   */
  private <T> T untilItGetsThrough(String what, TaskDelivery d, Supplier<T> call) {
    long pauseMillis = FIRST_PAUSE_AFTER_FAILURE.toMillis();
    while (true) {
      try {
        return call.get();
      } catch (RuntimeException e) {
        if (!running) {
          throw e;
        }
        log.warn(
            "{} of an attempt did not reach Redis, trying again taskId={} attempt={} problem={}",
            what,
            d.taskId(),
            d.attempt(),
            e.toString());
        pauseUninterrupted(pauseMillis);
        pauseMillis = Math.min(pauseMillis * 2, LONGEST_PAUSE_AFTER_FAILURE.toMillis());
      }
    }
  }

  /**
   * A pause that an interrupt does not cut short, and that leaves no interrupt behind: a cancel of
   * the attempt or a stop of the worker means nothing to a claim or an outcome on its way.
   */
  private static void pauseUninterrupted(long millis) {
    long until = System.nanoTime() + millis * 1_000_000;
    for (long left = millis; left > 0; left = (until - System.nanoTime()) / 1_000_000) {
      try {
        Thread.sleep(left);
      } catch (InterruptedException e) {
        // the pause goes on
      }
    }
  }

  private void renewLeases() {
    try {
      List<AttemptLease> leases = inFlight.values().stream().map(Running::lease).toList();
      channel.renewLeases(leases, settings.lease());
    } catch (RuntimeException e) {
      log.warn("leases could not be renewed problem={}", e.toString());
    }
    if (running) {
      announce(false);
    }
  }

  /**
   * Says who this worker is in the registry, with its heartbeat there (docs/worker-protocol.md,
   * "Registry"); {@code stopped} once it stopped taking work. A failure only delays it: the
   * registry is for people, the work goes on without it.
   */
  private void announce(boolean stopped) {
    Map<String, Integer> types = new LinkedHashMap<>();
    handlers.keySet().forEach(t -> types.put(t, settings.concurrency()));
    batchHandlers.keySet().forEach(t -> types.put(t, settings.concurrency()));
    try {
      channel.announce(
          new WorkerAnnouncement(
              settings.name(),
              HOST,
              ProcessHandle.current().pid(),
              SDK,
              SDK_VERSION,
              types,
              settings.concurrency(),
              inFlight.size(),
              settings.lease(),
              stopped));
    } catch (RuntimeException e) {
      log.debug("announcement did not reach Redis problem={}", e.toString());
    }
  }

  /** The SDK's name and version in the registry. */
  static final String SDK = "igor-java";

  static final String SDK_VERSION =
      java.util.Objects.requireNonNullElse(
          WorkerRuntime.class.getPackage().getImplementationVersion(), "0.1.0");

  private static final String HOST = hostName();

  private static String hostName() {
    try {
      return java.net.InetAddress.getLocalHost().getHostName();
    } catch (java.io.IOException | RuntimeException e) {
      return java.util.Objects.requireNonNullElse(System.getenv("HOSTNAME"), "");
    }
  }

  /**
   * Igor withdrew this attempt: tell its handler if it runs here. Its context is cancelled; its
   * thread is interrupted only when every attempt on that thread is cancelled, so that stopping one
   * task of a batch does not cut short the others.
   */
  private void cancel(String deliveryId) {
    Running attempt = inFlight.get(deliveryId);
    if (attempt != null) {
      attempt.context().cancel();
      boolean threadStillWanted =
          inFlight.values().stream()
              .anyMatch(r -> r.thread() == attempt.thread() && !r.context().cancelFlag());
      if (!threadStillWanted) {
        attempt.thread().interrupt();
      }
    }
  }

  /**
   * The report of an outcome, with its text made safe; an outcome over the limits is reported as
   * the failure it causes instead (nodes would fail it all the same, after reading all of it).
   */
  private WorkerReport report(
      WorkerReport.Kind kind,
      TaskDelivery d,
      String message,
      byte[] result,
      boolean retryable,
      Attempt attempt) {
    return report(kind, d, message, result, retryable, TraceParents.of(attempt.span()));
  }

  private WorkerReport report(
      WorkerReport.Kind kind,
      TaskDelivery d,
      String message,
      byte[] result,
      boolean retryable,
      String traceParent) {
    WorkerReport report =
        new WorkerReport(
            kind,
            d.jobId(),
            d.taskId(),
            d.attempt(),
            settings.name(),
            Text.sanitise(message),
            result,
            retryable,
            System.currentTimeMillis(),
            traceParent);
    String problem = settings.outcomeLimits().problem(report.message(), result);
    if (problem == null) {
      return report;
    }
    log.warn(
        "outcome over a limit reported as a failure taskId={} attempt={} problem={}",
        d.taskId(),
        d.attempt(),
        problem);
    return OutcomeLimits.failedOverLimit(report, problem);
  }

  private static String message(Throwable e) {
    String m = e.getMessage();
    return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
  }

  /**
   * Stops taking work and lets running handlers finish for up to {@code grace}; attempts still
   * running then are stopped and given back to Igor (RELEASED), to run elsewhere.
   */
  public void stop(Duration grace) {
    if (!running) {
      return;
    }
    running = false;
    pollers.forEach(Thread::interrupt);
    pool.shutdown();
    try {
      if (!pool.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS)) {
        releasing = true;
        inFlight.keySet().forEach(this::cancel);
        if (!pool.awaitTermination(5, TimeUnit.SECONDS)) {
          pool.shutdownNow();
          releaseStuck();
        }
      }
      for (Thread poller : pollers) {
        poller.join(grace.toMillis());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      heartbeats.shutdownNow();
      output.close();
      announce(true);
      closeOwned();
    }
  }

  /** Handlers that ignored cancel and interrupt: their attempts are given back all the same. */
  private void releaseStuck() {
    for (Running r : inFlight.values()) {
      AttemptLease l = r.lease();
      try {
        channel.report(
            new WorkerReport(
                WorkerReport.Kind.RELEASED,
                l.jobId(),
                l.taskId(),
                l.attempt(),
                settings.name(),
                "worker stopped",
                null,
                true,
                System.currentTimeMillis()));
        channel.dropLease(l);
      } catch (RuntimeException e) {
        log.warn("attempt could not be given back taskId={} problem={}", l.taskId(), e.toString());
      }
    }
    inFlight.clear();
  }

  private void closeOwned() {
    if (owned != null) {
      try {
        owned.close();
      } catch (Exception e) {
        log.warn("worker connection did not close problem={}", e.toString());
      }
    }
  }

  @Override
  public void close() {
    stop(settings.shutdownGrace());
  }

  private static Thread thread(String name, Runnable body) {
    Thread t = new Thread(body, name);
    t.setDaemon(true);
    return t;
  }

  private static java.util.concurrent.ThreadFactory threads(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> thread(prefix + "-" + n.incrementAndGet(), r);
  }
}
