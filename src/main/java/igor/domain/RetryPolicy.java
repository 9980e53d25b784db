package igor.domain;

/**
 * How long a failed task waits before its next attempt: exponential from {@code
 * initialDelayMillis}, doubled per attempt, capped at {@code maxDelayMillis}, with jitter that
 * spreads it over the upper half of that delay. The jitter is derived from the task and attempt, so
 * a decision replays the same.
 */
public record RetryPolicy(long initialDelayMillis, long maxDelayMillis) {

  public RetryPolicy {
    if (initialDelayMillis < 0 || maxDelayMillis < initialDelayMillis) {
      throw new IllegalArgumentException(
          "retry delays must satisfy 0 <= initial <= max, got "
              + initialDelayMillis
              + " and "
              + maxDelayMillis);
    }
  }

  /** The delay after the given failed attempt (1 for the first). */
  public long delayAfter(String taskId, int failedAttempt) {
    int doublings = Math.min(Math.max(failedAttempt - 1, 0), 30);
    long full =
        initialDelayMillis > (maxDelayMillis >> doublings)
            ? maxDelayMillis
            : initialDelayMillis << doublings;
    double spread = (((taskId + "/" + failedAttempt).hashCode() & 0x7fffffff) % 1000) / 1000.0;
    return full / 2 + (long) (full / 2.0 * spread);
  }
}
