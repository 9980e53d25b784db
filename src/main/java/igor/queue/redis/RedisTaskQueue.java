package igor.queue.redis;

import igor.queue.TaskDelivery;
import igor.queue.TaskQueue;
import igor.queue.WireFormat;
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
  private final RedissonClient redis;
  private final RedisKeys keys;

  public RedisTaskQueue(RedissonClient redis, RedisKeys keys) {
    this.redis = redis;
    this.keys = keys;
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
