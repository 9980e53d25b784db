package igor.app;

import igor.queue.QueueDataLost;
import igor.queue.QueueKeeping;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.pekko.actor.Cancellable;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.eventstream.EventStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node's watch over the queue: fails attempts whose worker stopped renewing its lease ("lost
 * worker", at most one node reports each), and notices when Redis lost its data so that every job
 * on this node hands its QUEUED attempts out again ({@link QueueDataLost} on the event stream).
 */
public final class QueueKeeper {
  private static final Logger log = LoggerFactory.getLogger(QueueKeeper.class);
  private static final int MAX_LOST_PER_ROUND = 1000;

  private final ActorSystem<?> system;
  private final QueueKeeping keeping;
  private final AtomicBoolean leaseCheckRunning = new AtomicBoolean();
  private final AtomicBoolean dataCheckRunning = new AtomicBoolean();
  private Cancellable leases;
  private Cancellable data;

  public QueueKeeper(ActorSystem<?> system, QueueKeeping keeping) {
    this.system = system;
    this.keeping = keeping;
  }

  public QueueKeeper start(Duration leaseCheckInterval, Duration dataCheckInterval) {
    leases =
        system
            .scheduler()
            .scheduleWithFixedDelay(
                leaseCheckInterval, leaseCheckInterval, this::failExpiredLeases, system.executionContext());
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
    keeping
        .failExpiredLeases(System.currentTimeMillis(), MAX_LOST_PER_ROUND)
        .whenComplete(
            (lost, failure) -> {
              leaseCheckRunning.set(false);
              if (failure != null) {
                log.warn("lease check failed problem={}", failure.toString());
              } else if (lost > 0) {
                log.warn("attempts lost with their workers count={}", lost);
              }
            });
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
