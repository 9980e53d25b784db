package igor.queue.redis;

import igor.domain.WorkerReport;
import igor.queue.AttemptLease;
import igor.queue.QueueKeeping;
import igor.queue.WireFormat;
import java.util.ArrayList;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lease expiry and data-loss detection on Redis. Expired leases are read, their failure reports
 * written by {@link WireFormat#report} (the one encoder of reports), and one Lua script takes each
 * lease that is still expired and adds its report, so that of several nodes exactly one reports
 * each lost attempt, and a lease renewed in between is left alone.
 */
public final class RedisQueueKeeping implements QueueKeeping {
  private static final Logger log = LoggerFactory.getLogger(RedisQueueKeeping.class);

  /** The message of the failure of an attempt whose lease ran out. */
  static final String LOST = "lost worker";

  /** ARGV: now, the report field, then pairs of lease member and report ("" for no report). */
  private static final String FAIL_EXPIRED =
      "local failed = 0\n"
          + "for i = 3, #ARGV, 2 do\n"
          + "  local expiry = redis.call('ZSCORE', KEYS[1], ARGV[i])\n"
          + "  if expiry and tonumber(expiry) <= tonumber(ARGV[1]) then\n"
          + "    redis.call('ZREM', KEYS[1], ARGV[i])\n"
          + "    if ARGV[i + 1] ~= '' then\n"
          + "      redis.call('XADD', KEYS[2], '*', ARGV[2], ARGV[i + 1])\n"
          + "      failed = failed + 1\n"
          + "    end\n"
          + "  end\n"
          + "end\n"
          + "return failed";

  private final RedissonClient redis;
  private final RedisKeys keys;
  private final DeadLetters deadLetters;
  private volatile String knownEpoch;

  RedisQueueKeeping(RedissonClient redis, RedisKeys keys, KeyBounds bounds) {
    this.redis = redis;
    this.keys = keys;
    this.deadLetters = new DeadLetters(keys, bounds);
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
        .<String>getScoredSortedSet(keys.leases(), StringCodec.INSTANCE)
        .valueRangeAsync(Double.NEGATIVE_INFINITY, true, now, true, 0, max)
        .thenCompose(expired -> fail(expired, now));
  }

  private CompletionStage<Integer> fail(Collection<String> expired, long now) {
    if (expired.isEmpty()) {
      return CompletableFuture.completedFuture(0);
    }
    List<Object> args = new ArrayList<>(2 + 2 * expired.size());
    args.add(String.valueOf(now));
    args.add(RedisReportInbox.FIELD);
    for (String member : expired) {
      AttemptLease lease = RedisKeys.lease(member);
      if (lease == null) {
        log.warn("dropping a lease that names no attempt member={}", member);
      }
      args.add(member);
      args.add(lease == null ? "" : WireFormat.report(lost(lease, now)));
    }
    return redis
        .getScript(StringCodec.INSTANCE)
        .<Long>evalAsync(
            RScript.Mode.READ_WRITE,
            FAIL_EXPIRED,
            RScript.ReturnType.LONG,
            List.of(keys.leases(), keys.reports()),
            args.toArray())
        .thenApply(Long::intValue);
  }

  /** The failure of an attempt whose worker stopped renewing its lease: it may run again. */
  static WorkerReport lost(AttemptLease lease, long now) {
    return new WorkerReport(
        WorkerReport.Kind.FAILED,
        lease.jobId(),
        lease.taskId(),
        lease.attempt(),
        "",
        LOST,
        null,
        true,
        now);
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

  @Override
  public CompletionStage<Long> deadLetterCount() {
    return redis
        .getList(keys.deadLetters(), StringCodec.INSTANCE)
        .sizeAsync()
        .thenApply(Integer::longValue);
  }
}
