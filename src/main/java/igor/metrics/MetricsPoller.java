package igor.metrics;

import igor.queue.QueueKeeping;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongFunction;
import org.apache.pekko.actor.Cancellable;
import org.apache.pekko.actor.typed.ActorSystem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Measures what is not an event every few seconds: the depth of the queues of the task types this
 * node has seen, and the read model's lag behind the journal. A scrape reads the last figures and
 * never waits for Redis or PostgreSQL.
 */
public final class MetricsPoller {
  static final Duration INTERVAL = Duration.ofSeconds(5);
  private static final Logger log = LoggerFactory.getLogger(MetricsPoller.class);

  private final IgorMetrics metrics;
  private final QueueKeeping queue;
  private final LongFunction<CompletionStage<Long>> projectionLag;
  private final AtomicBoolean running = new AtomicBoolean();
  private Cancellable schedule;

  /** {@code projectionLag}: from a time (unix ms), the lag in ms; null when not measured here. */
  public MetricsPoller(
      IgorMetrics metrics, QueueKeeping queue, LongFunction<CompletionStage<Long>> projectionLag) {
    this.metrics = metrics;
    this.queue = queue;
    this.projectionLag = projectionLag;
  }

  public MetricsPoller start(ActorSystem<?> system) {
    schedule =
        system
            .scheduler()
            .scheduleWithFixedDelay(INTERVAL, INTERVAL, this::poll, system.executionContext());
    return this;
  }

  private void poll() {
    if (!running.compareAndSet(false, true)) {
      return;
    }
    CompletionStage<?> depths =
        queue
            .depths(List.copyOf(metrics.knownTaskTypes()))
            .thenAccept(d -> d.forEach(metrics::queueDepth));
    CompletionStage<?> lag =
        projectionLag == null
            ? depths
            : depths.thenCompose(
                x ->
                    projectionLag
                        .apply(System.currentTimeMillis())
                        .thenAccept(metrics::projectionLag));
    lag.whenComplete(
        (ok, failure) -> {
          running.set(false);
          if (failure != null) {
            log.debug("metrics poll failed problem={}", failure.toString());
          }
        });
  }

  public void stop() {
    if (schedule != null) {
      schedule.cancel();
    }
  }
}
