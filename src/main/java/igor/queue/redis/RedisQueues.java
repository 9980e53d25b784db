package igor.queue.redis;

import igor.domain.OutcomeLimits;
import igor.queue.QueueKeeping;
import igor.queue.ReportInbox;
import igor.queue.TaskOutputChannel;
import igor.queue.TaskQueue;
import igor.queue.WorkerChannel;
import igor.queue.WorkerRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.redisson.api.BatchOptions;
import org.redisson.api.RBatch;
import org.redisson.api.RFuture;
import org.redisson.api.RedissonClient;
import org.redisson.api.options.KeysScanOptions;
import org.redisson.client.codec.StringCodec;

/**
 * Igor's queues on one Redis connection pool: the task queues, the report inbox of a node, and the
 * channel of a worker. The only owner of the Redisson client.
 */
public final class RedisQueues implements AutoCloseable {
  private final RedissonClient redis;
  private final RedisKeys keys;
  private final KeyBounds bounds;

  private RedisQueues(RedissonClient redis, RedisKeys keys, KeyBounds bounds) {
    this.redis = redis;
    this.keys = keys;
    this.bounds = bounds;
  }

  /**
   * {@code claimTtl}: how long a claim lives unless renewed with its lease; the other bounds are
   * igor.conf's defaults.
   */
  public static RedisQueues open(RedisSettings settings, Duration claimTtl) {
    return open(settings, KeyBounds.withClaimTtl(claimTtl));
  }

  /** {@code bounds}: how long claims live and what the dead letters keep. */
  public static RedisQueues open(RedisSettings settings, KeyBounds bounds) {
    return new RedisQueues(
        RedisConnections.open(settings), new RedisKeys(settings.keyPrefix()), bounds);
  }

  private volatile RedisFlowControl flow;

  /**
   * Puts flow control in front of the task queues handed out from now on, and lets the report
   * inboxes free its slots (docs/flow-control.md): a node's, before {@link #taskQueue()}.
   */
  public synchronized RedisFlowControl flowControl(
      long urgencyStep,
      int admissionScan,
      Duration slotGrace,
      boolean autoOrder,
      Duration autoOrderKeep,
      Duration autoTtl) {
    if (flow == null) {
      flow =
          new RedisFlowControl(
              redis,
              keys,
              urgencyStep,
              admissionScan,
              slotGrace,
              autoOrder,
              autoOrderKeep,
              autoTtl);
    }
    return flow;
  }

  public TaskQueue taskQueue() {
    TaskQueue direct = new RedisTaskQueue(redis, keys, bounds.claimLinger());
    return flow == null ? direct : new FlowControlledTaskQueue(direct, flow);
  }

  public ReportInbox reportInbox(String consumer, Duration reclaimAfter, OutcomeLimits limits) {
    return new RedisReportInbox(redis, keys, consumer, reclaimAfter, limits, bounds, flow);
  }

  /** The task output stream as a node reads it, and the live hand-on between nodes. */
  public TaskOutputChannel taskOutput(String consumer, Duration reclaimAfter, int maxLineBytes) {
    return new RedisTaskOutputChannel(redis, keys, consumer, reclaimAfter, maxLineBytes, bounds);
  }

  public QueueKeeping keeping() {
    return new RedisQueueKeeping(redis, keys, bounds);
  }

  /** The nodes' read of the worker registry. */
  public WorkerRegistry workerRegistry() {
    return new RedisWorkerRegistry(redis, keys);
  }

  public WorkerChannel workerChannel() {
    return new RedisWorkerChannel(redis, keys, bounds);
  }

  /** The server's version (INFO server), for reports such as the benchmark's. */
  public String serverVersion() {
    try {
      return redis
          .getRedisNodes(org.redisson.api.redisnode.RedisNodes.SINGLE)
          .getInstance()
          .info(org.redisson.api.redisnode.RedisNode.InfoSection.SERVER)
          .getOrDefault("redis_version", "unknown");
    } catch (RuntimeException e) {
      return "unknown (" + e.getMessage() + ")";
    }
  }

  /**
   * What this installation's keys take in Redis: the sum of {@code MEMORY USAGE} over the keys
   * under its prefix (exact for this installation, whatever else shares the server), and the key
   * count. For the benchmark and the soak.
   */
  public KeyMemory keyMemory() {
    List<String> names = new ArrayList<>();
    redis
        .getKeys()
        .getKeys(KeysScanOptions.defaults().pattern(keys.prefix() + ":*").chunkSize(1000))
        .forEach(names::add);
    long bytes = 0;
    for (int from = 0; from < names.size(); from += 1000) {
      RBatch batch = redis.createBatch(BatchOptions.defaults());
      List<RFuture<Long>> sizes = new ArrayList<>();
      for (String name : names.subList(from, Math.min(names.size(), from + 1000))) {
        sizes.add(batch.getBucket(name, StringCodec.INSTANCE).sizeInMemoryAsync());
      }
      batch.execute();
      for (RFuture<Long> size : sizes) {
        Long b = size.toCompletableFuture().join();
        bytes += b == null ? 0 : b;
      }
    }
    return new KeyMemory(names.size(), bytes, usedMemory());
  }

  /** Keys under the prefix, their bytes, and the whole server's used_memory (INFO memory). */
  public record KeyMemory(long keys, long bytes, long serverUsedMemory) {}

  private long usedMemory() {
    try {
      String used =
          redis
              .getRedisNodes(org.redisson.api.redisnode.RedisNodes.SINGLE)
              .getInstance()
              .info(org.redisson.api.redisnode.RedisNode.InfoSection.MEMORY)
              .getOrDefault("used_memory", "-1");
      return Long.parseLong(used);
    } catch (RuntimeException e) {
      return -1;
    }
  }

  /** Deletes every key under this installation's prefix (for throw-away installations only). */
  public long deleteEverything() {
    return redis.getKeys().deleteByPattern(keys.prefix() + ":*");
  }

  @Override
  public void close() {
    if (flow != null) {
      flow.close();
    }
    redis.shutdown();
  }
}
