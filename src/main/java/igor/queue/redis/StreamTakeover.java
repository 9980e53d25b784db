package igor.queue.redis;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.redisson.api.RScript;
import org.redisson.api.RedissonClient;
import org.redisson.api.stream.StreamMessageId;
import org.redisson.client.codec.StringCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes over, at once, the entries that a node gone from the cluster read from one of the group's
 * streams and never acknowledged, instead of leaving them for the reclaim after {@code
 * reclaim-after}: a job that failed over in seconds must not wait half a minute for the reports its
 * dead node had read (its attempts would meanwhile have been put under a fresh lease that could run
 * out before the reports came, failing a finished attempt as "lost worker"). One script per call
 * moves up to a batch of the gone consumer's entries to this node's consumer and, once the gone
 * consumer holds none, deletes it from the group; of several nodes doing the same, each entry goes
 * to one.
 */
final class StreamTakeover {
  private static final Logger log = LoggerFactory.getLogger(StreamTakeover.class);

  /** XCLAIM and the Lua stack take at most this many ids at once. */
  private static final int MAX_PER_CALL = 1000;

  /**
   * KEYS[1] the stream; ARGV: group, gone consumer, taking consumer, count, field. Answers 1 (more
   * may be pending) or 0 (the gone consumer is deleted), then per entry taken its id, 1 or 0 (it
   * has the field) and the field's value.
   */
  static final String TAKE_OVER =
      "local pending = redis.pcall('XPENDING', KEYS[1], ARGV[1], '-', '+', tonumber(ARGV[4]),"
          + " ARGV[2])\n"
          + "if pending.err then return {0} end\n"
          + "if #pending == 0 then\n"
          + "  redis.call('XGROUP', 'DELCONSUMER', KEYS[1], ARGV[1], ARGV[2])\n"
          + "  return {0}\n"
          + "end\n"
          + "local ids = {}\n"
          + "for i, e in ipairs(pending) do ids[i] = e[1] end\n"
          + "local claimed = redis.call('XCLAIM', KEYS[1], ARGV[1], ARGV[3], 0, unpack(ids))\n"
          + "local out = {1}\n"
          + "for _, entry in ipairs(claimed) do\n"
          + "  if entry then\n"
          + "    local found, value = 0, ''\n"
          + "    for j = 1, #entry[2], 2 do\n"
          + "      if entry[2][j] == ARGV[5] then found, value = 1, entry[2][j + 1] end\n"
          + "    end\n"
          + "    out[#out + 1] = entry[1]\n"
          + "    out[#out + 1] = found\n"
          + "    out[#out + 1] = value\n"
          + "  end\n"
          + "end\n"
          + "return out";

  private final RedissonClient redis;
  private final String stream;
  private final String self;
  private final String field;
  private final Queue<String> gone = new ConcurrentLinkedQueue<>();

  /**
   * Takes over entries of {@code stream}'s group for consumer {@code self}, by their {@code field}.
   */
  StreamTakeover(RedissonClient redis, String stream, String self, String field) {
    this.redis = redis;
    this.stream = stream;
    this.self = self;
    this.field = field;
  }

  /**
   * The consumer of a node gone from the cluster, whose entries are to be taken over; or this
   * node's own, when it starts at the address of one that died: what that one left pending is then
   * read again at once (XCLAIM to itself), not after the reclaim.
   */
  void add(String consumer) {
    if (!gone.contains(consumer)) {
      gone.add(consumer);
    }
  }

  boolean isWaiting() {
    return !gone.isEmpty();
  }

  /**
   * Up to {@code max} entries of the first gone consumer, now this node's (id to fields: empty
   * fields when the entry lacks {@link #field}); empty once it holds none, when the next call goes
   * on with the next gone consumer. A failure leaves that consumer's entries to the reclaim.
   */
  CompletionStage<Map<StreamMessageId, Map<String, String>>> next(int max) {
    String consumer = gone.peek();
    if (consumer == null) {
      return CompletableFuture.completedFuture(Map.of());
    }
    return redis
        .getScript(StringCodec.INSTANCE)
        .<List<Object>>evalAsync(
            RScript.Mode.READ_WRITE,
            TAKE_OVER,
            RScript.ReturnType.LIST,
            List.of(stream),
            RedisKeys.REPORT_GROUP,
            consumer,
            self,
            String.valueOf(Math.max(1, Math.min(max, MAX_PER_CALL))),
            field)
        .handle(
            (answer, failure) -> {
              if (failure != null) {
                log.warn(
                    "entries of a node gone from the cluster not taken over, left to the reclaim"
                        + " stream={} consumer={} problem={}",
                    stream,
                    consumer,
                    failure.toString());
                gone.remove(consumer);
                return Map.of();
              }
              Map<StreamMessageId, Map<String, String>> taken = entries(answer);
              if (((Number) answer.get(0)).intValue() == 0 || taken.isEmpty()) {
                // done; or what it holds is gone from the stream and left to the reclaim
                gone.remove(consumer);
              } else if (!taken.isEmpty()) {
                log.info(
                    "took over entries of a node gone from the cluster stream={} consumer={}"
                        + " count={}",
                    stream,
                    consumer,
                    taken.size());
              }
              return taken;
            });
  }

  private Map<StreamMessageId, Map<String, String>> entries(List<Object> answer) {
    Map<StreamMessageId, Map<String, String>> taken = new LinkedHashMap<>();
    for (int i = 1; i + 2 < answer.size(); i += 3) {
      StreamMessageId id = RedisReportInbox.parseId(String.valueOf(answer.get(i)));
      boolean found = ((Number) answer.get(i + 1)).intValue() == 1;
      taken.put(id, found ? Map.of(field, String.valueOf(answer.get(i + 2))) : Map.of());
    }
    return taken;
  }
}
