package igor.queue.redis;

import igor.queue.AttemptLease;
import igor.queue.TaskDelivery;
import igor.queue.TaskQueue;
import igor.queue.WireFormat;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.redisson.api.BatchOptions;
import org.redisson.api.RBatch;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;

/** Task queues as Redis lists, one per type: RPUSH here, LPOP by workers. One round trip a call. */
public final class RedisTaskQueue implements TaskQueue {
  /** What a claim key of a withdrawn attempt holds. */
  static final String CANCELLED = "cancelled";

  private final RedissonClient redis;
  private final RedisKeys keys;
  private final Duration claimTtl;

  public RedisTaskQueue(RedissonClient redis, RedisKeys keys, Duration claimTtl) {
    this.redis = redis;
    this.keys = keys;
    this.claimTtl = claimTtl;
  }

  @Override
  public CompletionStage<Void> ensureLeases(List<AttemptLease> leases, Duration lease) {
    if (leases.isEmpty()) {
      return CompletableFuture.completedFuture(null);
    }
    double expiry = System.currentTimeMillis() + lease.toMillis();
    RBatch batch = redis.createBatch(BatchOptions.defaults());
    var set = batch.<String>getScoredSortedSet(keys.leases(), StringCodec.INSTANCE);
    for (AttemptLease l : leases) {
      set.addIfAbsentAsync(expiry, RedisKeys.leaseMember(l));
    }
    return batch.executeAsync().thenApply(result -> null);
  }

  /**
   * Takes the attempts' claims for "cancelled" (a worker that takes one later finds it claimed and
   * drops it) and announces them on the cancel channel (a worker running one stops its handler).
   */
  @Override
  public CompletionStage<Void> cancel(List<String> deliveryIds) {
    if (deliveryIds.isEmpty()) {
      return CompletableFuture.completedFuture(null);
    }
    RBatch batch = redis.createBatch(BatchOptions.defaults());
    for (String id : deliveryIds) {
      batch.<String>getBucket(keys.claim(id), StringCodec.INSTANCE).setIfAbsentAsync(CANCELLED, claimTtl);
    }
    batch.getTopic(keys.cancellations(), StringCodec.INSTANCE).publishAsync(WireFormat.cancellation(deliveryIds));
    return batch.executeAsync().thenApply(result -> null);
  }

  @Override
  public CompletionStage<Void> enqueue(List<TaskDelivery> deliveries) {
    if (deliveries.isEmpty()) {
      return CompletableFuture.completedFuture(null);
    }
    Map<String, List<String>> byQueue = new LinkedHashMap<>();
    for (TaskDelivery d : deliveries) {
      byQueue.computeIfAbsent(keys.queue(d.type()), k -> new ArrayList<>()).add(WireFormat.delivery(d));
    }
    RBatch batch = redis.createBatch(BatchOptions.defaults());
    byQueue.forEach(
        (queue, messages) -> batch.<String>getQueue(queue, StringCodec.INSTANCE).addAllAsync(messages));
    return batch.executeAsync().thenApply(result -> null);
  }
}
