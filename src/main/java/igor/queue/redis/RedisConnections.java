package igor.queue.redis;

import igor.tls.PemFiles;
import java.nio.file.Path;
import org.redisson.Redisson;
import org.redisson.api.RedissonClient;
import org.redisson.config.Config;

/** Opens the Redisson client of a node or worker from its settings. */
public final class RedisConnections {
  private RedisConnections() {}

  public static RedissonClient open(RedisSettings settings) {
    Config config = new Config();
    var server =
        config
            .useSingleServer()
            .setAddress(settings.url())
            .setConnectionPoolSize(settings.connectionPoolSize())
            .setConnectionMinimumIdleSize(1)
            .setSubscriptionConnectionPoolSize(2)
            .setSubscriptionConnectionMinimumIdleSize(1)
            .setRetryAttempts(3);
    if (!settings.password().isEmpty()) {
      server.setPassword(settings.password());
    }
    if (!settings.tlsCaFile().isBlank()) {
      server.setSslTrustManagerFactory(PemFiles.trusting(Path.of(settings.tlsCaFile())));
    }
    return Redisson.create(config);
  }
}
