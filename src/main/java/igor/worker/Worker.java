package igor.worker;

import igor.domain.WorkerReport;
import igor.queue.TaskDelivery;
import igor.queue.WorkerChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs task handlers: takes attempts of its types from the queue, at most {@code concurrency} at
 * once, claims each (a duplicate delivery of a claimed attempt is dropped), and reports start and
 * outcome back to the job's owner.
 */
public final class Worker implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Worker.class);

  /** How a worker runs. */
  public record Settings(String name, int concurrency, Duration pollWait, Duration claimTtl) {}

  private final WorkerChannel channel;
  private final Map<String, TaskHandler> handlers;
  private final Settings settings;
  private final Semaphore slots;
  private final ExecutorService pool;
  private final Thread poller;
  private volatile boolean running = true;
  private final Map<String, RunningAttempt> inFlight = new ConcurrentHashMap<>();

  /** An attempt being handled: its context and the thread running it, to stop it. */
  private record RunningAttempt(TaskContext context, Thread thread) {}

  public Worker(WorkerChannel channel, List<TaskHandler> handlers, Settings settings) {
    if (handlers.isEmpty()) {
      throw new IllegalArgumentException("a worker needs at least one handler");
    }
    this.channel = channel;
    this.handlers =
        handlers.stream().collect(Collectors.toMap(TaskHandler::type, Function.identity()));
    this.settings = settings;
    this.slots = new Semaphore(settings.concurrency());
    AtomicInteger n = new AtomicInteger();
    this.pool =
        Executors.newFixedThreadPool(
            settings.concurrency(),
            r -> {
              Thread t = new Thread(r, "igor-handler-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    this.poller = new Thread(this::pollLoop, "igor-worker-poller");
    this.poller.setDaemon(true);
  }

  public Worker start() {
    channel.onCancel(this::cancel);
    poller.start();
    log.info(
        "worker started name={} types={} concurrency={}",
        settings.name(),
        handlers.keySet(),
        settings.concurrency());
    return this;
  }

  public String name() {
    return settings.name();
  }

  private void pollLoop() {
    List<String> types = new ArrayList<>(handlers.keySet());
    while (running) {
      int free = 0;
      try {
        slots.acquire();
        free = 1 + slots.drainPermits();
        List<TaskDelivery> taken = channel.take(types, free, settings.pollWait());
        slots.release(free - taken.size());
        free = 0;
        for (TaskDelivery delivery : taken) {
          pool.execute(() -> runAttempt(delivery));
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (RuntimeException e) {
        slots.release(free);
        if (!running) {
          return;
        }
        log.warn("taking tasks failed, trying again problem={}", e.toString());
        sleepQuietly(Duration.ofSeconds(1));
      }
    }
  }

  private void runAttempt(TaskDelivery d) {
    try {
      if (!channel.claim(d, settings.name(), settings.claimTtl())) {
        log.debug("duplicate delivery dropped taskId={} attempt={}", d.taskId(), d.attempt());
        return;
      }
      TaskHandler handler = handlers.get(d.type());
      channel.report(report(WorkerReport.Kind.STARTED, d, "", null, true));
      TaskContext context =
          new TaskContext(d.jobId(), d.layerId(), d.taskId(), d.attempt(), d.type(), d.args());
      inFlight.put(d.deliveryId(), new RunningAttempt(context, Thread.currentThread()));
      WorkerReport outcome;
      try {
        byte[] result = handler.handle(context);
        outcome = report(WorkerReport.Kind.COMPLETED, d, "", result, true);
      } catch (SkipTaskException e) {
        outcome = report(WorkerReport.Kind.SKIPPED, d, message(e), null, true);
      } catch (TaskFailedException e) {
        outcome = report(WorkerReport.Kind.FAILED, d, message(e), null, e.isRetryable());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        outcome = report(WorkerReport.Kind.FAILED, d, "interrupted", null, true);
      } catch (Exception | LinkageError e) {
        outcome = report(WorkerReport.Kind.FAILED, d, message(e), null, true);
      }
      inFlight.remove(d.deliveryId());
      Thread.interrupted();
      if (context.isCancelled()) {
        log.info("attempt stopped as Igor asked taskId={} attempt={}", d.taskId(), d.attempt());
      }
      channel.report(outcome);
      log.debug(
          "attempt done taskId={} attempt={} outcome={}", d.taskId(), d.attempt(), outcome.kind());
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

  /** Igor withdrew this attempt: tell its handler (flag and interrupt) if it runs here. */
  private void cancel(String deliveryId) {
    RunningAttempt attempt = inFlight.get(deliveryId);
    if (attempt != null) {
      attempt.context().cancel();
      attempt.thread().interrupt();
    }
  }

  private WorkerReport report(
      WorkerReport.Kind kind, TaskDelivery d, String message, byte[] result, boolean retryable) {
    return new WorkerReport(
        kind,
        d.jobId(),
        d.taskId(),
        d.attempt(),
        settings.name(),
        message,
        result,
        retryable,
        System.currentTimeMillis());
  }

  private static String message(Throwable e) {
    String m = e.getMessage();
    return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
  }

  private static void sleepQuietly(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Stops taking work and waits up to {@code grace} for running handlers. */
  public void stop(Duration grace) {
    running = false;
    poller.interrupt();
    pool.shutdown();
    try {
      if (!pool.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS)) {
        pool.shutdownNow();
      }
      poller.join(grace.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    stop(Duration.ofSeconds(10));
  }
}
