package igor.http.auth;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Requests per second per subject, as token buckets (a burst of one second's worth). Answers how
 * long to wait when a request is over the rate, else 0.
 */
public final class RateLimiter {
  private final double perSecond;
  private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();

  private static final class Bucket {
    double tokens;
    long refilledAt;

    Bucket(double tokens, long now) {
      this.tokens = tokens;
      this.refilledAt = now;
    }
  }

  /** {@code perSecond} 0 or less: no limit. */
  public RateLimiter(double perSecond) {
    this.perSecond = perSecond;
  }

  /** 0 when the request may go; else the seconds to wait before the next one can. */
  public long secondsToWait(String subject, long nowNanos) {
    if (perSecond <= 0) {
      return 0;
    }
    Bucket b = buckets.computeIfAbsent(subject, s -> new Bucket(perSecond, nowNanos));
    synchronized (b) {
      double elapsed = (nowNanos - b.refilledAt) / 1e9;
      b.tokens = Math.min(perSecond, b.tokens + elapsed * perSecond);
      b.refilledAt = nowNanos;
      if (b.tokens >= 1) {
        b.tokens -= 1;
        return 0;
      }
      return (long) Math.ceil((1 - b.tokens) / perSecond);
    }
  }
}
