package igor.queue.redis;

import igor.queue.WireFormat;
import org.redisson.api.RBatch;
import org.redisson.client.codec.StringCodec;

/**
 * The list where messages that do not follow the worker protocol are set aside, newest first, at
 * most {@value #MAX_KEPT} of them, each keeping at most its first {@code excerptChars} characters
 * (docs/worker-protocol.md, "Dead letters"). Nothing reads it but an operator.
 */
final class DeadLetters {
  static final int MAX_KEPT = 1000;

  /** What a dead letter keeps of its message unless told otherwise (igor.reports setting). */
  static final int DEFAULT_EXCERPT_CHARS = 4096;

  private final RedisKeys keys;
  private final int excerptChars;

  DeadLetters(RedisKeys keys, int excerptChars) {
    this.keys = keys;
    this.excerptChars = excerptChars;
  }

  /** Adds the message to the list, and trims the list, as part of the batch. */
  void add(RBatch batch, String source, String raw, String problem) {
    String entry =
        WireFormat.deadLetter(source, raw, problem, System.currentTimeMillis(), excerptChars);
    batch.<String>getDeque(keys.deadLetters(), StringCodec.INSTANCE).addFirstAsync(entry);
    batch.<String>getList(keys.deadLetters(), StringCodec.INSTANCE).trimAsync(0, MAX_KEPT - 1);
  }
}
