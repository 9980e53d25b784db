package igor.worker.internal;

/**
 * The pauses between tries of a call to Redis that must get through (a claim, an outcome): 200 ms
 * first, doubling to at most 5 s. A pause is not cut short by an interrupt: a cancel of the attempt
 * or a stop of the worker means nothing to a claim or an outcome on its way.
 */
final class Backoff {
  static final long FIRST_PAUSE_MILLIS = 200;
  static final long LONGEST_PAUSE_MILLIS = 5000;

  private long nextMillis = FIRST_PAUSE_MILLIS;

  /**
   * Waits the next pause to its end, then lengthens the one after; answers whether an interrupt
   * came meanwhile (the interrupt itself is cleared: the caller decides whether to keep it).
   */
  boolean pause() {
    long millis = nextMillis;
    nextMillis = Math.min(nextMillis * 2, LONGEST_PAUSE_MILLIS);
    boolean interrupted = false;
    long until = System.nanoTime() + millis * 1_000_000;
    for (long left = millis; left > 0; left = (until - System.nanoTime()) / 1_000_000) {
      try {
        Thread.sleep(left);
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    return interrupted;
  }
}
