package igor.queue.redis;

import igor.config.IgorSettings;
import igor.domain.OutcomeLimits;
import igor.queue.QueueKeeping;
import igor.queue.ReportInbox;
import igor.queue.TaskQueue;
import igor.queue.WorkerChannel;
import java.time.Duration;
import org.redisson.api.RedissonClient;

/**
 * Igor's queues on one Redis connection pool: the task queues, the report inbox of a node, and the
 * channel of a worker. The only owner of the Redisson client.
 */
public final class RedisQueues implements AutoCloseable {
  private final RedissonClient redis;
  private final RedisKeys keys;
  private final Duration claimTtl;
  private final int deadLetterExcerptChars;

  private RedisQueues(
      RedissonClient redis, RedisKeys keys, Duration claimTtl, int deadLetterExcerptChars) {
    this.redis = redis;
    this.keys = keys;
    this.claimTtl = claimTtl;
    this.deadLetterExcerptChars = deadLetterExcerptChars;
  }

  /** {@code claimTtl}: how long the claim of an attempt, or its withdrawal, is remembered. */
  public static RedisQueues open(IgorSettings.Redis settings, Duration claimTtl) {
    return open(settings, claimTtl, DeadLetters.DEFAULT_EXCERPT_CHARS);
  }

  /** {@code deadLetterExcerptChars}: what a dead letter keeps of the message it sets aside. */
  public static RedisQueues open(
      IgorSettings.Redis settings, Duration claimTtl, int deadLetterExcerptChars) {
    return new RedisQueues(
        RedisConnections.open(settings),
        new RedisKeys(settings.keyPrefix()),
        claimTtl,
        deadLetterExcerptChars);
  }

  public TaskQueue taskQueue() {
    return new RedisTaskQueue(redis, keys, claimTtl);
  }

  public ReportInbox reportInbox(String consumer, Duration reclaimAfter, OutcomeLimits limits) {
    return new RedisReportInbox(
        redis, keys, consumer, reclaimAfter, limits, deadLetterExcerptChars);
  }

  public QueueKeeping keeping() {
    return new RedisQueueKeeping(redis, keys, deadLetterExcerptChars);
  }

  public WorkerChannel workerChannel() {
    return new RedisWorkerChannel(redis, keys, deadLetterExcerptChars);
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

  /** Deletes every key under this installation's prefix (for throw-away installations only). */
  public long deleteEverything() {
    return redis.getKeys().deleteByPattern(keys.prefix() + ":*");
  }

  @Override
  public void close() {
    redis.shutdown();
  }
}
