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
import java.util.concurrent.RejectedExecutionException;
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

  /**
   * An attempt claimed: its context, lease and the thread running it (null until its handler thread
   * takes it up: attempts of a take are claimed together, then handed to threads).
   */
  private static final class Running {
    private final Attempt context;
    private final AttemptLease lease;
    private volatile Thread thread;

    Running(Attempt context, AttemptLease lease) {
      this.context = context;
      this.lease = lease;
    }

    Attempt context() {
      return context;
    }

    AttemptLease lease() {
      return lease;
    }

    Thread thread() {
      return thread;
    }
  }

  /** An attempt claimed for this worker, and the delivery it came in. */
  private record Begun(TaskDelivery delivery, Attempt context) {}

  /** An attempt whose handler returned, and the outcome to report. */
  private record Ending(TaskDelivery delivery, Attempt context, WorkerReport outcome) {}

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
  private final OutcomeSender outcomes;
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
    this.outcomes = new OutcomeSender(channel, () -> running);
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
    outcomes.start();
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
        free = taken.size();
        for (TaskDelivery delivery : taken) {
          HopProbe.mark(HopProbe.Step.POPPED, delivery.taskId());
        }
        // All the deliveries of a take are claimed in one script, then handed to threads.
        List<Begun> begun = begin(taken);
        slots.release(free - begun.size());
        free = begun.size();
        for (int i = 0; i < begun.size(); i++) {
          Begun b = begun.get(i);
          try {
            pool.execute(() -> runSingle(b.delivery(), b.context()));
          } catch (RejectedExecutionException stopped) {
            giveBack(begun.subList(i, begun.size()));
            break;
          }
          free--;
        }
        slots.release(free);
        free = 0;
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

  private void runSingle(TaskDelivery d, Attempt context) {
    try {
      takeUp(List.of(context));
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
      finish(List.of(new Ending(d, context, outcome(d, context, failure))));
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
    try {
      // The whole batch is claimed in one script, its outcomes sent in one round trip.
      List<Begun> begun = begin(deliveries);
      if (begun.isEmpty()) {
        return;
      }
      List<Attempt> contexts = begun.stream().map(Begun::context).toList();
      takeUp(contexts);
      Throwable failure = null;
      try {
        handler.handle(new Batch(handler.type(), contexts, services));
      } catch (Exception | LinkageError e) {
        failure = e;
      }
      List<Ending> endings = new ArrayList<>(begun.size());
      for (Begun b : begun) {
        endings.add(
            new Ending(b.delivery(), b.context(), outcome(b.delivery(), b.context(), failure)));
      }
      finish(endings);
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
   * Claims the attempts, takes their leases and reports their starts, all in one script (each
   * attempt all at once for itself): those that are ours to run, in order, each in flight from now
   * on; one claimed already or withdrawn is dropped.
   */
  private List<Begun> begin(List<TaskDelivery> deliveries) {
    if (deliveries.isEmpty()) {
      return List.of();
    }
    List<Span> spans = new ArrayList<>(deliveries.size());
    List<WorkerChannel.Beginning> beginnings = new ArrayList<>(deliveries.size());
    for (TaskDelivery d : deliveries) {
      Span span = tracing.start(d, settings.name());
      spans.add(span);
      beginnings.add(
          new WorkerChannel.Beginning(
              d, report(WorkerReport.Kind.STARTED, d, "", null, true, TraceParents.of(span))));
    }
    List<Boolean> ours;
    try {
      ours =
          untilItGetsThrough(
              "claims",
              deliveries,
              () ->
                  channel.beginAll(
                      beginnings, settings.name(), settings.claimTtl(), settings.lease()));
    } catch (RuntimeException e) {
      spans.forEach(Span::end);
      throw e;
    }
    List<Begun> begun = new ArrayList<>(deliveries.size());
    for (int i = 0; i < deliveries.size(); i++) {
      TaskDelivery d = deliveries.get(i);
      Span span = spans.get(i);
      if (!ours.get(i)) {
        span.setAttribute("igor.claimed", false);
        span.end();
        log.debug(
            "delivery dropped: claimed or withdrawn taskId={} attempt={}", d.taskId(), d.attempt());
        continue;
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
              .withTask(
                  d.name(),
                  d.retries(),
                  d.retriesLeft(),
                  d.timeoutSeconds(),
                  beginnings.get(i).started().at());
      context.setSpan(span);
      inFlight.put(d.deliveryId(), new Running(context, lease));
      begun.add(new Begun(d, context));
    }
    return begun;
  }

  /**
   * The current thread takes these claimed attempts up: Igor's cancel interrupts it from now on,
   * and at once when every one of them was cancelled before it took them up.
   */
  private void takeUp(List<Attempt> contexts) {
    boolean allCancelled = true;
    for (Attempt c : contexts) {
      Running r = inFlight.get(c.deliveryId());
      if (r != null) {
        r.thread = Thread.currentThread();
      }
      allCancelled &= c.cancelFlag();
    }
    if (allCancelled) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Claimed attempts that no thread will run (the worker stopped as they were handed over): given
   * back to Igor (RELEASED), to run elsewhere.
   */
  private void giveBack(List<Begun> begun) {
    List<Ending> endings = new ArrayList<>(begun.size());
    for (Begun b : begun) {
      endings.add(
          new Ending(
              b.delivery(),
              b.context(),
              report(
                  WorkerReport.Kind.RELEASED,
                  b.delivery(),
                  "worker stopped",
                  null,
                  true,
                  b.context())));
    }
    try {
      finish(endings);
    } catch (RuntimeException e) {
      log.warn("attempts could not be given back count={} problem={}", begun.size(), e.toString());
    } finally {
      begun.forEach(b -> inFlight.remove(b.delivery().deliveryId()));
    }
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

  /**
   * Reports the outcomes of attempts whose handlers returned: handed to the outcome sender, which
   * sends them with those of other attempts that ended meanwhile in one round trip; returns once
   * they are through (the attempts stay in flight, their leases renewed, until then).
   */
  private void finish(List<Ending> endings) {
    Thread.interrupted();
    for (Ending e : endings) {
      if (e.context().isCancelled() && !releasing) {
        log.info(
            "attempt stopped as Igor asked taskId={} attempt={}",
            e.delivery().taskId(),
            e.delivery().attempt());
      }
    }
    // Their output before their outcomes, so that their last lines are stored while their claims
    // are held.
    output.flush();
    outcomes.send(endings.stream().map(Ending::outcome).toList());
    for (Ending e : endings) {
      TaskDelivery d = e.delivery();
      WorkerReport outcome = e.outcome();
      HopProbe.mark(HopProbe.Step.OUTCOME_SENT, d.taskId());
      inFlight.remove(d.deliveryId());
      AttemptTracing.end(
          e.context().span(),
          outcome.kind().name().toLowerCase(java.util.Locale.ROOT),
          outcome.kind() == WorkerReport.Kind.FAILED,
          outcome.message());
      log.debug(
          "attempt done taskId={} attempt={} outcome={}", d.taskId(), d.attempt(), outcome.kind());
    }
  }

  /**
   * Makes the call to Redis until it gets through, pausing between tries: while Redis is down or a
   * connection is being made again, the worker waits rather than lose a taken attempt or its
   * outcome. Gives up with the last failure once the worker stops: the attempt's lease then runs
   * out, and Igor fails it as "lost worker" and runs it again. An outcome that comes after Igor
   * decided so is ignored.
   */
  private <T> T untilItGetsThrough(String what, List<TaskDelivery> ds, Supplier<T> call) {
    Backoff backoff = new Backoff();
    while (true) {
      try {
        return call.get();
      } catch (RuntimeException e) {
        if (!running) {
          throw e;
        }
        log.warn(
            "{} of attempts did not reach Redis, trying again count={} taskId={} problem={}",
            what,
            ds.size(),
            ds.get(0).taskId(),
            e.toString());
        // the interrupt of a cancel or a stop is not kept: it means nothing to this call
        backoff.pause();
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
      Thread thread = attempt.thread();
      if (thread == null) {
        return; // its thread interrupts itself when it takes it up
      }
      boolean threadStillWanted =
          inFlight.values().stream()
              .anyMatch(r -> r.thread() == thread && !r.context().cancelFlag());
      if (!threadStillWanted) {
        thread.interrupt();
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
      outcomes.close();
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
