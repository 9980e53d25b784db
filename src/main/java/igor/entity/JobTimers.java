package igor.entity;

import igor.entity.JobEntity.Command;
import igor.entity.JobEntity.Idle;
import igor.entity.JobEntity.Reconcile;
import igor.entity.JobEntity.Redeliver;
import igor.entity.JobEntity.Wake;
import java.time.Duration;
import java.util.List;
import java.util.function.LongSupplier;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * The timers of a job entity: one wake at the next moment time alone changes the job, one idle
 * timer once it is at rest, one redelivery timer per hand-over the queue refused, and while tasks
 * wait QUEUED, a look every half of {@code unclaimed-redelivery-after} for attempts the queue lost.
 */
final class JobTimers {

  /**
   * The longest delay the entity gives any timer: Pekko refuses timers beyond about 21,474,835 s
   * (248 days), and a refused timer would fail the entity on every recovery. A later moment is
   * reached in steps: the timer fires early, finds nothing due and is set again.
   */
  static final Duration MAX_TIMER_DELAY = Duration.ofDays(30);

  private static final String WAKE_TIMER = "wake";
  private static final String REDELIVERY_TIMER = "redelivery";
  private static final String IDLE_TIMER = "idle";
  private static final String RECONCILE_TIMER = "reconcile";

  private final TimerScheduler<Command> timers;
  private final EntitySettings settings;
  private final LongSupplier clock;

  JobTimers(TimerScheduler<Command> timers, EntitySettings settings, LongSupplier clock) {
    this.timers = timers;
    this.settings = settings;
    this.clock = clock;
  }

  /**
   * Keeps one timer at the next moment time alone changes the job (a retry, a time-out): 0, none.
   */
  void wakeAt(long next) {
    if (next == 0) {
      timers.cancel(WAKE_TIMER);
      return;
    }
    timers.startSingleTimer(
        WAKE_TIMER, new Wake(), timerDelay(Duration.ofMillis(next - clock.getAsLong())));
  }

  /** At rest: leave memory after {@code idle-after-finish} unless something happens first. */
  void idle(boolean atRest) {
    if (atRest) {
      timers.startSingleTimer(IDLE_TIMER, new Idle(), timerDelay(settings.idleAfterFinish()));
    } else {
      timers.cancel(IDLE_TIMER);
    }
  }

  /**
   * Looks for attempts the queue lost every half of {@code unclaimed-redelivery-after} while tasks
   * wait QUEUED (the look itself stops the timer once none does: {@link #stopReconciling}).
   */
  void reconcileWhile(boolean tasksQueued) {
    if (tasksQueued && !timers.isTimerActive(RECONCILE_TIMER)) {
      Duration every = settings.unclaimedRedeliveryAfter().dividedBy(2);
      timers.startTimerWithFixedDelay(RECONCILE_TIMER, new Reconcile(), timerDelay(every));
    }
  }

  void stopReconciling() {
    timers.cancel(RECONCILE_TIMER);
  }

  /** Hands these tasks to the queue again after the redelivery delay. */
  void redeliverLater(List<String> taskIds) {
    timers.startSingleTimer(
        REDELIVERY_TIMER + taskIds.get(0),
        new Redeliver(taskIds),
        timerDelay(settings.redeliveryDelay()));
  }

  /** {@code delay}, at least zero and at most {@link #MAX_TIMER_DELAY}. */
  static Duration timerDelay(Duration delay) {
    if (delay.isNegative()) {
      return Duration.ZERO;
    }
    return delay.compareTo(MAX_TIMER_DELAY) > 0 ? MAX_TIMER_DELAY : delay;
  }
}
