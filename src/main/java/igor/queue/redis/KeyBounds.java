package igor.queue.redis;

import igor.queue.ProtocolDefaults;
import java.time.Duration;

/**
 * How long Igor's per-attempt keys live in Redis and how much the dead letters keep
 * (docs/worker-protocol.md, "What stays in Redis"):
 *
 * <ul>
 *   <li>{@code claimTtl}: a claim's expiry, renewed with its attempt's lease while the attempt runs
 *       (igor.worker.claim-ttl);
 *   <li>{@code claimLinger}: how long a claim is kept once its attempt ended (a node read its final
 *       report), and how long a withdrawn attempt's "cancelled" claim lives
 *       (igor.worker.claim-linger);
 *   <li>dead letters: the characters kept of each message, how many are kept, and their age
 *       (igor.reports.dead-letter-*).
 * </ul>
 */
public record KeyBounds(
    Duration claimTtl,
    Duration claimLinger,
    int deadLetterExcerptChars,
    int deadLettersKept,
    Duration deadLetterMaxAge) {

  /** The defaults of igor.conf, with this claim TTL. */
  public static KeyBounds withClaimTtl(Duration claimTtl) {
    return new KeyBounds(claimTtl, Duration.ofSeconds(30), 4096, 1000, Duration.ofDays(7));
  }

  /** The defaults of igor.conf and of the worker protocol. */
  public static KeyBounds defaults() {
    return withClaimTtl(ProtocolDefaults.CLAIM_TTL);
  }

  public KeyBounds {
    if (claimTtl.toMillis() < 1 || claimLinger.toMillis() < 1) {
      throw new IllegalArgumentException(
          "claim lifetimes must be at least 1ms: " + claimTtl + ", " + claimLinger);
    }
    if (deadLetterExcerptChars < 1 || deadLettersKept < 1 || deadLetterMaxAge.toMillis() < 1) {
      throw new IllegalArgumentException("dead-letter bounds must be positive");
    }
  }
}
