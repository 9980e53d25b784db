package igor.service;

import igor.queue.QueueDataLost;
import igor.queue.QueueKeeping;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.pekko.actor.Cancellable;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.eventstream.EventStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node's watch over the queue: fails attempts whose worker stopped renewing its lease ("lost
 * worker", at most one node reports each), gives back to their queues the deliveries a worker took
 * and never claimed once its take heartbeat lapsed, and notices when Redis lost its data so that
 * every job on this node hands its QUEUED attempts out again ({@link QueueDataLost} on the event
 * stream).
 *
 * <p>While Redis does not answer, no worker can renew a lease. Once it answers again, leases are
 * judged only after one more lease has passed, so that workers that ran through the outage renew
 * theirs and send their outcomes first: an outage does not fail their attempts as lost.
 */
public final class QueueKeeper {
  private static final Logger log = LoggerFactory.getLogger(QueueKeeper.class);
  private static final int MAX_LOST_PER_ROUND = 1000;

  private final ActorSystem<?> system;
  private final QueueKeeping keeping;
  private final Duration lease;
  private volatile boolean redisUnreachable;

  /** Unix ms before which leases are not judged: one lease after Redis answered again. */
  private volatile long judgeLeasesFrom;

  private final AtomicBoolean leaseCheckRunning = new AtomicBoolean();
  private final AtomicBoolean dataCheckRunning = new AtomicBoolean();
  private Cancellable leases;
  private Cancellable data;

  /** {@code lease}: the lease workers hold on attempts (igor.worker.lease). */
  public QueueKeeper(ActorSystem<?> system, QueueKeeping keeping, Duration lease) {
    this.system = system;
    this.keeping = keeping;
    this.lease = lease;
  }

  public QueueKeeper start(Duration leaseCheckInterval, Duration dataCheckInterval) {
    leases =
        system
            .scheduler()
            .scheduleWithFixedDelay(
                leaseCheckInterval,
                leaseCheckInterval,
                this::failExpiredLeases,
                system.executionContext());
    data =
        system
            .scheduler()
            .scheduleWithFixedDelay(
                Duration.ZERO, dataCheckInterval, this::checkData, system.executionContext());
    return this;
  }

  private void failExpiredLeases() {
    if (!leaseCheckRunning.compareAndSet(false, true)) {
      return;
    }
    long now = System.currentTimeMillis();
    CompletionStage<Integer> check;
    if (redisUnreachable) {
      check = keeping.answers().thenApply(answers -> graceAfterOutage(now));
    } else if (now < judgeLeasesFrom) {
      check = CompletableFuture.completedFuture(0);
    } else {
      check =
          keeping
              .failExpiredLeases(now, MAX_LOST_PER_ROUND)
              .thenCombine(giveBackLapsedTakes(), (lost, givenBack) -> lost);
    }
    check.whenComplete(
        (lost, failure) -> {
          leaseCheckRunning.set(false);
          if (failure != null) {
            redisUnreachable = true;
            log.warn("lease check failed problem={}", failure.toString());
          } else if (lost > 0) {
            log.warn("attempts lost with their workers count={}", lost);
          }
        });
  }

  /**
   * Gives deliveries that dead workers took and never claimed back to their queues. Judged like
   * leases (not during the grace after an outage), since the same heartbeats lapse in an outage.
   */
  private CompletionStage<Integer> giveBackLapsedTakes() {
    return keeping
        .giveBackLapsedTakes()
        .whenComplete(
            (givenBack, failure) -> {
              if (givenBack != null && givenBack > 0) {
                log.warn("deliveries taken by lapsed workers given back count={}", givenBack);
              }
            });
  }

  private int graceAfterOutage(long now) {
    redisUnreachable = false;
    judgeLeasesFrom = now + lease.toMillis();
    log.info("Redis answers again: leases are judged again in {} s", lease.toSeconds());
    return 0;
  }

  private void checkData() {
    if (!dataCheckRunning.compareAndSet(false, true)) {
      return;
    }
    keeping
        .isIntact()
        .whenComplete(
            (intact, failure) -> {
              dataCheckRunning.set(false);
              if (failure != null) {
                log.warn("queue check failed problem={}", failure.toString());
              } else if (!intact) {
                log.warn("Redis lost its data: jobs hand their queued attempts out again");
                system
                    .eventStream()
                    .tell(new EventStream.Publish<>(new QueueDataLost(System.currentTimeMillis())));
              }
            });
  }

  public void stop() {
    if (leases != null) {
      leases.cancel();
    }
    if (data != null) {
      data.cancel();
    }
  }
}
