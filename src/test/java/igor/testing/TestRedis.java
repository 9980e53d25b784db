package igor.testing;

import igor.config.IgorSettings;
import igor.queue.redis.RedisConnections;
import java.util.UUID;
import org.redisson.api.RedissonClient;

/** A key prefix of its own in the test Redis, and its keys deleted at the end. */
public final class TestRedis implements AutoCloseable {
  private final String prefix;
  private final RedissonClient client;

  private TestRedis(String prefix, RedissonClient client) {
    this.prefix = prefix;
    this.client = client;
  }

  public static TestRedis create() {
    String prefix = "igortest-" + UUID.randomUUID().toString().substring(0, 8);
    return new TestRedis(
        prefix,
        RedisConnections.open(new IgorSettings.Redis(TestServers.redisUrl(), "", prefix, 4)));
  }

  public String url() {
    return TestServers.redisUrl();
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
