package igor.metrics;

import igor.queue.QueueKeeping;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongFunction;
import java.util.function.Supplier;
import org.apache.pekko.actor.Cancellable;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.typed.Cluster;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Measures what is not an event every few seconds: the depth of the queues of the task types this
 * node has seen, the dead letters kept, the cluster's members as this node sees them, the read
 * model's lag behind the journal, and the age of the oldest task waiting per type (from the read
 * model: cluster-wide). A scrape reads the last figures and never waits for Redis or PostgreSQL.
 */
public final class MetricsPoller {
  static final Duration INTERVAL = Duration.ofSeconds(5);
  private static final Logger log = LoggerFactory.getLogger(MetricsPoller.class);

  private final IgorMetrics metrics;
  private final QueueKeeping queue;
  private final LongFunction<CompletionStage<Long>> projectionLag;
  private final Supplier<CompletionStage<Map<String, Long>>> oldestQueued;
  private final AtomicBoolean running = new AtomicBoolean();
  private Cancellable schedule;
  private ActorSystem<?> system;

  /** {@code projectionLag}: from a time (unix ms), the lag in ms; null when not measured here. */
  public MetricsPoller(
      IgorMetrics metrics, QueueKeeping queue, LongFunction<CompletionStage<Long>> projectionLag) {
    this(metrics, queue, projectionLag, null);
  }

  /**
   * {@code oldestQueued}: per task type with tasks QUEUED, when the oldest was queued (unix
   * seconds); null when not measured here.
   */
  public MetricsPoller(
      IgorMetrics metrics,
      QueueKeeping queue,
      LongFunction<CompletionStage<Long>> projectionLag,
      Supplier<CompletionStage<Map<String, Long>>> oldestQueued) {
    this.metrics = metrics;
    this.queue = queue;
    this.projectionLag = projectionLag;
    this.oldestQueued = oldestQueued;
  }

  public MetricsPoller start(ActorSystem<?> system) {
    this.system = system;
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
    countMembers();
    CompletionStage<?> depths =
        queue
            .depths(List.copyOf(metrics.knownTaskTypes()))
            .thenAccept(d -> d.forEach(metrics::queueDepth))
            .thenCompose(x -> queue.deadLetterCount())
            .thenAccept(metrics::deadLetters);
    CompletionStage<?> lag =
        projectionLag == null
            ? depths
            : depths.thenCompose(
                x ->
                    projectionLag
                        .apply(System.currentTimeMillis())
                        .thenAccept(metrics::projectionLag));
    CompletionStage<?> ages =
        oldestQueued == null
            ? lag
            : lag.thenCompose(x -> oldestQueued.get())
                .thenAccept(
                    oldest -> metrics.queueOldestAges(oldest, System.currentTimeMillis() / 1000));
    ages.whenComplete(
        (ok, failure) -> {
          running.set(false);
          if (failure != null) {
            log.debug("metrics poll failed problem={}", failure.toString());
          }
        });
  }

  private void countMembers() {
    ClusterEvent.CurrentClusterState state = Cluster.get(system).state();
    Map<String, Long> byStatus = new TreeMap<>();
    for (Member member : state.getMembers()) {
      byStatus.merge(member.status().toString().toUpperCase(Locale.ROOT), 1L, Long::sum);
    }
    metrics.clusterMembers(byStatus, state.getUnreachable().size());
  }

  public void stop() {
    if (schedule != null) {
      schedule.cancel();
    }
  }
}
