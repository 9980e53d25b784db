package igor.app;

import com.typesafe.config.Config;
import igor.config.IgorSettings;
import igor.config.TracingSettings;
import igor.domain.OutcomeLimits;
import igor.queue.redis.RedisQueues;
import igor.tracing.NodeTracing;
import igor.worker.api.TaskHandler;
import igor.worker.internal.WorkerRuntime;
import igor.worker.internal.WorkerSettings;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.List;

/**
 * A worker on its own (`igor worker`): Redis and handlers, no cluster node. It runs the SDK's
 * runtime ({@code igor.worker.internal}) rather than the public {@code Worker.connect}: it takes
 * everything from the installation's configuration (Redis pool size, dead-letter excerpts, poll
 * wait, lease, claim TTL, outcome limits), which the public builder does not offer to handler
 * authors.
 */
public final class WorkerProcess implements AutoCloseable {
  private final RedisQueues redis;
  private final WorkerRuntime worker;
  private final Duration shutdownGrace;
  private final NodeTracing tracing;

  private WorkerProcess(
      RedisQueues redis, WorkerRuntime worker, Duration shutdownGrace, NodeTracing tracing) {
    this.redis = redis;
    this.worker = worker;
    this.shutdownGrace = shutdownGrace;
    this.tracing = tracing;
  }

  public static WorkerProcess start(Config config, List<TaskHandler> handlers) {
    IgorSettings settings = IgorSettings.from(config);
    NodeTracing tracing =
        NodeTracing.from(
            TracingSettings.from(config), ManagementFactory.getRuntimeMXBean().getName());
    RedisQueues redis = RedisQueues.open(settings.redis(), settings.keyBounds());
    WorkerRuntime worker =
        new WorkerRuntime(
                redis.workerChannel(),
                handlers,
                List.of(),
                workerSettings(
                    settings.worker(), settings.reports().outcomeLimits(), apiUrl(settings)))
            .tracedBy(tracing.openTelemetry())
            .start();
    return new WorkerProcess(redis, worker, settings.worker().shutdownGrace(), tracing);
  }

  static WorkerSettings workerSettings(
      IgorSettings.Worker settings, OutcomeLimits outcomeLimits, String apiUrl) {
    return new WorkerSettings(
        WorkerSettings.defaultName(),
        settings.concurrency(),
        settings.pollWait(),
        settings.claimTtl(),
        settings.lease(),
        settings.shutdownGrace(),
        apiUrl,
        System.getenv().getOrDefault("IGOR_API_TOKEN", ""),
        System.getenv().getOrDefault("IGOR_API_CA_FILE", ""),
        outcomeLimits);
  }

  /** Where the worker's handlers add tasks: IGOR_API_URL, else this machine's node. */
  static String apiUrl(IgorSettings settings) {
    String url = System.getenv("IGOR_API_URL");
    return url != null && !url.isBlank()
        ? url
        : settings.http().scheme() + "://127.0.0.1:" + settings.http().port();
  }

  public String name() {
    return worker.name();
  }

  /**
   * Lets running handlers finish for igor.worker.shutdown-grace, then asks them to stop and gives
   * their attempts back; returns within the grace and 5 s more.
   */
  @Override
  public void close() {
    worker.stop(shutdownGrace);
    redis.close();
    tracing.close();
  }
}
