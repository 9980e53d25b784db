package igor.queue.redis;

import igor.queue.WireFormat;
import java.util.List;
import org.redisson.api.RBatch;
import org.redisson.api.RScript;
import org.redisson.client.codec.StringCodec;

/**
 * The list where messages that do not follow the worker protocol are set aside, newest first
 * (docs/worker-protocol.md, "Dead letters"). It is bounded three ways ({@link KeyBounds}): each
 * entry keeps at most its first characters of the message, the list at most so many entries, and no
 * entry stays much longer than the maximum age: adding one drops those older than that from the
 * tail, and the list itself expires that age after its newest entry. So an entry lives at most
 * twice the age. Nothing reads it but an operator.
 */
final class DeadLetters {
  /**
   * KEYS: the list. ARGV: entry, how many to keep, oldest `at` to keep (unix ms), max age (ms).
   * Pushes, trims to the count, drops entries older than the age from the tail (each entry's {@code
   * at}; an entry that is not an object with one is dropped with them), and sets the list's expiry.
   */
  private static final String ADD =
      "redis.call('LPUSH', KEYS[1], ARGV[1])\n"
          + "redis.call('LTRIM', KEYS[1], 0, tonumber(ARGV[2]) - 1)\n"
          + "local oldest = tonumber(ARGV[3])\n"
          + "while true do\n"
          + "  local last = redis.call('LINDEX', KEYS[1], -1)\n"
          + "  if not last then break end\n"
          + "  local ok, entry = pcall(cjson.decode, last)\n"
          + "  local at = ok and type(entry) == 'table' and tonumber(entry['at']) or nil\n"
          + "  if at and at >= oldest then break end\n"
          + "  redis.call('RPOP', KEYS[1])\n"
          + "end\n"
          + "redis.call('PEXPIRE', KEYS[1], ARGV[4])\n"
          + "return 1";

  private final RedisKeys keys;
  private final KeyBounds bounds;

  DeadLetters(RedisKeys keys, KeyBounds bounds) {
    this.keys = keys;
    this.bounds = bounds;
  }

  /** Adds the message to the list, and bounds the list, as part of the batch. */
  void add(RBatch batch, String source, String raw, String problem) {
    long now = System.currentTimeMillis();
    String entry =
        WireFormat.deadLetter(source, raw, problem, now, bounds.deadLetterExcerptChars());
    long maxAge = bounds.deadLetterMaxAge().toMillis();
    batch
        .getScript(StringCodec.INSTANCE)
        .evalAsync(
            RScript.Mode.READ_WRITE,
            ADD,
            RScript.ReturnType.LONG,
            List.of(keys.deadLetters()),
            entry,
            String.valueOf(bounds.deadLettersKept()),
            String.valueOf(now - maxAge),
            String.valueOf(maxAge));
  }
}
