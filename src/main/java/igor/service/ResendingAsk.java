package igor.service;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * One ask of a job that is sent again while it is not answered: Pekko's sharding delivers at most
 * once, and drops a message that reaches a shard while the shard moves (a hand-off, or the dead
 * node's region before the survivors learn it is gone), so a single ask then waits out its whole
 * time-out although the job answers a second later from its new home. Every {@code resendAfter}
 * without an answer the message is sent again, each send with the time that is left, so the last
 * one ends when the first would have: the first answer wins, and the ask fails (with the failure of
 * the send that ended last) only when no send was answered within {@code timeout}. At most {@code
 * timeout / resendAfter + 1} sends; one when the job answers within {@code resendAfter}.
 *
 * <p>Only for messages a job may receive more than once with the effect of receiving them once.
 */
final class ResendingAsk<R> {
  private final Function<Duration, CompletionStage<R>> send;
  private final Duration resendAfter;
  private final Executor executor;
  private final long deadline;
  private final CompletableFuture<R> answer = new CompletableFuture<>();
  private int unanswered;
  private boolean lastSent;

  private ResendingAsk(
      Function<Duration, CompletionStage<R>> send,
      Duration timeout,
      Duration resendAfter,
      Executor executor) {
    this.send = send;
    this.resendAfter = resendAfter;
    this.executor = executor;
    this.deadline = System.nanoTime() + timeout.toNanos();
  }

  /**
   * Sends with {@code send} (given the time-out of that one send) now, and again every {@code
   * resendAfter} until answered or {@code timeout} has passed.
   */
  static <R> CompletionStage<R> ask(
      Function<Duration, CompletionStage<R>> send,
      Duration timeout,
      Duration resendAfter,
      Executor executor) {
    if (resendAfter.isZero() || resendAfter.isNegative()) {
      throw new IllegalArgumentException("resendAfter must be more than 0s, got " + resendAfter);
    }
    ResendingAsk<R> ask = new ResendingAsk<>(send, timeout, resendAfter, executor);
    ask.sendNext();
    return ask.answer;
  }

  private void sendNext() {
    long left = deadline - System.nanoTime();
    boolean last = left <= resendAfter.toNanos();
    synchronized (this) {
      if (answer.isDone()) {
        return;
      }
      unanswered++;
      lastSent = last;
    }
    CompletionStage<R> sent;
    try {
      sent = send.apply(Duration.ofNanos(Math.max(left, 1)));
    } catch (RuntimeException e) {
      sent = CompletableFuture.failedFuture(e);
    }
    sent.whenComplete(
        (r, failure) -> {
          if (failure == null) {
            answer.complete(r);
            return;
          }
          boolean allFailed;
          synchronized (this) {
            unanswered--;
            allFailed = lastSent && unanswered == 0;
          }
          if (allFailed) {
            answer.completeExceptionally(failure);
          }
        });
    if (!last) {
      CompletableFuture.delayedExecutor(resendAfter.toNanos(), TimeUnit.NANOSECONDS, executor)
          .execute(this::sendNext);
    }
  }
}
