package igor.queue.redis;

import igor.queue.QueueKeeping;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.redisson.api.RBatch;
import org.redisson.api.RFuture;
import org.redisson.api.RScript;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;

/**
 * Lease expiry and data-loss detection on Redis. Expired leases are taken and turned into failure
 * reports by one Lua script, so that of several nodes exactly one reports each lost attempt.
 */
public final class RedisQueueKeeping implements QueueKeeping {
  private static final String FAIL_EXPIRED =
      "local expired = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0,"
          + " tonumber(ARGV[2]))\n"
          + "for _, member in ipairs(expired) do\n"
          + "  redis.call('ZREM', KEYS[1], member)\n"
          + "  local job, task, attempt = string.match(member, '([^|]+)|([^|]+)|([^|]+)')\n"
          + "  local report = cjson.encode({v = 1, kind = 'failed', job_id = job, task_id = task,"
          + " attempt = tonumber(attempt), worker = '', message = 'lost worker',"
          + " retryable = true, at = tonumber(ARGV[1])})\n"
          + "  redis.call('XADD', KEYS[2], '*', ARGV[3], report)\n"
          + "end\n"
          + "return #expired";

  private final RedissonClient redis;
  private final RedisKeys keys;
  private final DeadLetters deadLetters;
  private volatile String knownEpoch;

  RedisQueueKeeping(RedissonClient redis, RedisKeys keys, int deadLetterExcerptChars) {
    this.redis = redis;
    this.keys = keys;
    this.deadLetters = new DeadLetters(keys, deadLetterExcerptChars);
  }

  @Override
  public CompletionStage<Integer> giveBackLapsedTakes() {
    return redis
        .getScript(StringCodec.INSTANCE)
        .<List<Object>>evalAsync(
            RScript.Mode.READ_WRITE,
            InFlightScripts.SWEEP_LAPSED,
            RScript.ReturnType.LIST,
            List.of(keys.takers()),
            keys.prefix())
        .thenCompose(
            answer -> {
              int returned = ((Number) answer.get(0)).intValue();
              List<String> malformed = RedisWorkerChannel.malformedOf(answer);
              if (malformed.isEmpty()) {
                return CompletableFuture.completedFuture(returned);
              }
              RBatch batch = redis.createBatch();
              for (int i = 0; i < malformed.size(); i += 3) {
                deadLetters.add(
                    batch, malformed.get(i), malformed.get(i + 1), malformed.get(i + 2));
              }
              return batch.executeAsync().thenApply(done -> returned);
            });
  }

  @Override
  public CompletionStage<Integer> failExpiredLeases(long now, int max) {
    return redis
        .getScript(StringCodec.INSTANCE)
        .<Long>evalAsync(
            RScript.Mode.READ_WRITE,
            FAIL_EXPIRED,
            RScript.ReturnType.LONG,
            List.of(keys.leases(), keys.reports()),
            String.valueOf(now),
            String.valueOf(max),
            RedisReportInbox.FIELD)
        .thenApply(Long::intValue);
  }

  @Override
  public CompletionStage<Boolean> isIntact() {
    var epoch = redis.<String>getBucket(keys.epoch(), StringCodec.INSTANCE);
    String fresh = UUID.randomUUID().toString();
    return epoch
        .setIfAbsentAsync(fresh)
        .thenCompose(set -> set ? CompletableFuture.completedFuture(fresh) : epoch.getAsync())
        .thenApply(
            current -> {
              boolean intact = knownEpoch == null || knownEpoch.equals(current);
              knownEpoch = current;
              return intact;
            });
  }

  @Override
  public CompletionStage<Boolean> answers() {
    return redis
        .getBucket(keys.epoch(), StringCodec.INSTANCE)
        .isExistsAsync()
        .thenApply(exists -> true);
  }

  @Override
  public CompletionStage<Map<String, Long>> depths(Collection<String> types) {
    if (types.isEmpty()) {
      return CompletableFuture.completedFuture(Map.of());
    }
    RBatch batch = redis.createBatch();
    Map<String, RFuture<Integer>> sizes = new LinkedHashMap<>();
    for (String type : types) {
      sizes.put(type, batch.getList(keys.queue(type), StringCodec.INSTANCE).sizeAsync());
    }
    return batch
        .executeAsync()
        .thenApply(
            done -> {
              Map<String, Long> depths = new LinkedHashMap<>();
              sizes.forEach(
                  (type, size) -> depths.put(type, size.toCompletableFuture().join().longValue()));
              return depths;
            });
  }
}
