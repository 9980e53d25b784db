package igor.service;

import igor.queue.WorkerRegistry;
import igor.queue.WorkerRegistry.Workers;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;
import org.apache.pekko.actor.Cancellable;
import org.apache.pekko.actor.typed.ActorSystem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node's view of the worker registry: read every few seconds for the metrics and for saying why a
 * QUEUED task waits (no live worker takes its type), and read afresh for GET /api/v1/workers. Until
 * the first read answers, no reason is given.
 */
public final class WorkerWatch {
  private static final Logger log = LoggerFactory.getLogger(WorkerWatch.class);

  /** Every worker the watch reads, to know all the types taken. */
  private static final int ALL = 100_000;

  private final WorkerRegistry registry;
  private final BiConsumer<Integer, Map<String, Integer>> liveWorkers;
  private final AtomicBoolean reading = new AtomicBoolean();

  /** The types live workers take, and how many live takers do not announce, as last read. */
  private record Seen(java.util.Set<String> liveTypes, int unannounced) {}

  private volatile Seen last;
  private Cancellable schedule;

  /** {@code liveWorkers}: told the live workers and the live workers by type after each read. */
  public WorkerWatch(
      WorkerRegistry registry, BiConsumer<Integer, Map<String, Integer>> liveWorkers) {
    this.registry = registry;
    this.liveWorkers = liveWorkers;
  }

  public WorkerWatch start(ActorSystem<?> system, Duration interval) {
    schedule =
        system
            .scheduler()
            .scheduleWithFixedDelay(Duration.ZERO, interval, this::read, system.executionContext());
    return this;
  }

  public void stop() {
    if (schedule != null) {
      schedule.cancel();
    }
  }

  /** Reads the registry now; the next reasons given follow it. */
  public CompletionStage<Workers> refresh() {
    return registry
        .workers(ALL)
        .thenApply(
            w -> {
              seen(w);
              return w;
            });
  }

  private void read() {
    if (!reading.compareAndSet(false, true)) {
      return;
    }
    refresh()
        .whenComplete(
            (w, failure) -> {
              reading.set(false);
              if (failure != null) {
                log.debug("worker registry not read problem={}", failure.toString());
              }
            });
  }

  void seen(Workers w) {
    Map<String, Integer> byType = w.liveWorkersByType();
    last = new Seen(java.util.Set.copyOf(byType.keySet()), w.unannounced().size());
    liveWorkers.accept(w.live(), byType);
  }

  /** The workers known now, read afresh: at most {@code max}, the most recently seen first. */
  public CompletionStage<Workers> workers(int max) {
    return registry.workers(max);
  }

  /**
   * Why a QUEUED task of this type waits, or null: no live worker announced the type (workers that
   * do not announce are counted, but their types are not known).
   */
  public String waitingReason(String type) {
    Seen seen = last;
    if (seen == null || seen.liveTypes().contains(type)) {
      return null;
    }
    return reason(type, seen.unannounced());
  }

  static String reason(String type, int unannounced) {
    String reason = "no live worker takes type \"" + type + "\"";
    if (unannounced == 0) {
      return reason;
    }
    return reason
        + " ("
        + unannounced
        + (unannounced == 1 ? " live worker does" : " live workers do")
        + " not announce its types)";
  }
}
