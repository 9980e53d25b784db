package igor.testing;

import igor.queue.redis.RedisConnections;
import igor.queue.redis.RedisSettings;
import java.util.UUID;
import org.redisson.api.RedissonClient;

/** A key prefix of its own in the test Redis, and its keys deleted at the end. */
public final class TestRedis implements AutoCloseable {
  private final String url;
  private final String prefix;
  private final RedissonClient client;

  private TestRedis(String url, String prefix, RedissonClient client) {
    this.url = url;
    this.prefix = prefix;
    this.client = client;
  }

  public static TestRedis create() {
    return create(TestServers.redisUrl());
  }

  /** A key prefix of its own on the Redis at this URL. */
  public static TestRedis create(String url) {
    String prefix = "igortest-" + UUID.randomUUID().toString().substring(0, 8);
    return new TestRedis(url, prefix, RedisConnections.open(new RedisSettings(url, "", prefix, 4)));
  }

  public String url() {
    return url;
  }

  public String prefix() {
    return prefix;
  }

  public RedissonClient client() {
    return client;
  }

  @Override
  public void close() {
    client.getKeys().deleteByPattern(prefix + ":*");
    client.shutdown();
  }
}
