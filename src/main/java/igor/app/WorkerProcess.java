package igor.app;

import com.typesafe.config.Config;
import igor.config.IgorSettings;
import igor.queue.redis.RedisConnections;
import igor.queue.redis.RedisKeys;
import igor.queue.redis.RedisWorkerChannel;
import igor.worker.TaskHandler;
import igor.worker.Worker;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.redisson.api.RedissonClient;

/** A worker on its own (`igor worker`): Redis and handlers, no cluster node. */
public final class WorkerProcess implements AutoCloseable {
  private final RedissonClient redis;
  private final Worker worker;

  private WorkerProcess(RedissonClient redis, Worker worker) {
    this.redis = redis;
    this.worker = worker;
  }

  public static WorkerProcess start(Config config, List<TaskHandler> handlers) {
    IgorSettings settings = IgorSettings.from(config);
    RedissonClient redis = RedisConnections.open(settings.redis());
    Worker worker =
        new Worker(
                new RedisWorkerChannel(redis, new RedisKeys(settings.redis().keyPrefix())),
                handlers,
                workerSettings(settings.worker()))
            .start();
    return new WorkerProcess(redis, worker);
  }

  static Worker.Settings workerSettings(IgorSettings.Worker settings) {
    String name =
        ManagementFactory.getRuntimeMXBean().getName()
            + "/"
            + UUID.randomUUID().toString().substring(0, 8);
    return new Worker.Settings(
        name, settings.concurrency(), settings.pollWait(), settings.claimTtl());
  }

  public String name() {
    return worker.name();
  }

  @Override
  public void close() {
    worker.stop(Duration.ofSeconds(10));
    redis.shutdown();
  }
}
