package igor.storage;

import java.time.Duration;
import java.util.concurrent.CompletionStage;

/**
 * Idempotency keys of submits, kept in PostgreSQL so they survive node loss and restarts. A key is
 * claimed before anything is created: the claim records the seed from which every id of the request
 * is derived, so the first request, its retries and its concurrent duplicates all ask for the same
 * ids.
 */
public interface IdempotencyKeys {

  /** A key as stored: the fingerprint of the request it was first used with, and its seed. */
  record Stored(String fingerprint, String idSeed, boolean done) {}

  /**
   * The outcome of a claim: {@code fresh} when this call took the key (new, or its window had
   * passed), with the seed it was given; otherwise the key as the first request left it.
   */
  record Claim(boolean fresh, Stored stored) {}

  /**
   * Takes the key for {@code window} with this fingerprint and seed, unless it is held (within its
   * window): then answers how it is held. Atomic: of concurrent claims of one key, one is fresh.
   */
  CompletionStage<Claim> claim(
      String scope, String key, String fingerprint, String idSeed, Duration window);

  /** Records that what the key created was answered as created. */
  CompletionStage<Void> done(String scope, String key, String idSeed);

  /** Frees a key whose first request was refused (nothing created), so it may be used again. */
  CompletionStage<Void> release(String scope, String key, String idSeed);

  /** Removes up to {@code limit} keys whose window has passed; answers how many. */
  CompletionStage<Integer> removeExpired(int limit);
}
