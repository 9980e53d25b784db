package igor.app;

import com.typesafe.config.Config;
import igor.config.IgorSettings;
import igor.queue.redis.RedisQueues;
import igor.worker.TaskHandler;
import igor.worker.Worker;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

/** A worker on its own (`igor worker`): Redis and handlers, no cluster node. */
public final class WorkerProcess implements AutoCloseable {
  private final RedisQueues redis;
  private final Worker worker;

  private WorkerProcess(RedisQueues redis, Worker worker) {
    this.redis = redis;
    this.worker = worker;
  }

  public static WorkerProcess start(Config config, List<TaskHandler> handlers) {
    IgorSettings settings = IgorSettings.from(config);
    RedisQueues redis = RedisQueues.open(settings.redis(), settings.worker().claimTtl());
    Worker worker =
        new Worker(
                redis.workerChannel(),
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
    redis.close();
  }
}
