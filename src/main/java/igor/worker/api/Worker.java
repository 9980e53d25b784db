package igor.worker.api;

import igor.domain.OutcomeLimits;
import igor.queue.ProtocolDefaults;
import igor.worker.internal.RedisAddress;
import igor.worker.internal.WorkerRuntime;
import igor.worker.internal.WorkerSettings;
import io.opentelemetry.api.OpenTelemetry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs task handlers in any JVM: takes attempts of its types from Igor's queues (at most {@code
 * concurrency} at once), claims each, holds a lease on it renewed by heartbeat, and reports start
 * and outcome back. Igor can stop a running attempt (kill, skip, time-out): the handler's context
 * is cancelled and its thread interrupted.
 *
 * <pre>{@code
 * Worker worker = Worker.connect("redis://127.0.0.1:6379")
 *     .register(new ResizeImages())
 *     .concurrency(4)
 *     .start();
 * // ... on shutdown:
 * worker.close(); // finishes running attempts, or gives them back after the grace time
 * }</pre>
 */
public final class Worker implements AutoCloseable {
  private final WorkerRuntime runtime;

  private Worker(WorkerRuntime runtime) {
    this.runtime = runtime;
  }

  /** Starts building a worker that reaches Igor's queues at this Redis URL. */
  public static Builder connect(String redisUrl) {
    return new Builder(redisUrl);
  }

  /** This worker's name, as it reports it to Igor. */
  public String name() {
    return runtime.name();
  }

  /**
   * Stops taking work and lets running handlers finish for up to {@code grace}; attempts still
   * running then are stopped and given back to Igor (RELEASED), to run elsewhere. Closes the
   * worker's connection to Redis.
   */
  public void stop(Duration grace) {
    runtime.stop(grace);
  }

  /** {@link #stop} with the builder's shutdown grace (10 s unless told). */
  @Override
  public void close() {
    runtime.close();
  }

  /** Builds a worker that connects to Redis itself. */
  public static final class Builder {
    private final String redisUrl;
    private String password = "";
    private String keyPrefix = "igor";
    private String apiUrl = "http://127.0.0.1:8100";
    private String apiToken = "";
    private String apiCaFile = "";
    private String redisCaFile = "";
    private String name = WorkerSettings.defaultName();
    private int concurrency = 8;
    private Duration lease = ProtocolDefaults.LEASE;
    private Duration shutdownGrace = Duration.ofSeconds(10);
    private OutcomeLimits outcomeLimits = OutcomeLimits.DEFAULTS;
    private OpenTelemetry openTelemetry = OpenTelemetry.noop();
    private final List<TaskHandler> handlers = new ArrayList<>();
    private final List<BatchTaskHandler> batchHandlers = new ArrayList<>();

    private Builder(String redisUrl) {
      this.redisUrl = redisUrl;
    }

    public Builder password(String password) {
      this.password = password;
      return this;
    }

    /** The key prefix of the Igor installation (default "igor"). */
    public Builder keyPrefix(String keyPrefix) {
      this.keyPrefix = keyPrefix;
      return this;
    }

    /** Where handlers add tasks ({@link TaskContext#addTasks}); default http://127.0.0.1:8100. */
    public Builder apiUrl(String apiUrl) {
      this.apiUrl = apiUrl;
      return this;
    }

    /** The bearer token handlers add tasks with, when the API requires one. */
    public Builder apiToken(String apiToken) {
      this.apiToken = apiToken;
      return this;
    }

    /** With an https API URL: trust the CA certificates of this PEM file (default: the JVM's). */
    public Builder apiCaFile(Path caFile) {
      this.apiCaFile = caFile.toString();
      return this;
    }

    /** With a rediss:// URL: trust the CA certificates of this PEM file (default: the JVM's). */
    public Builder redisCaFile(Path caFile) {
      this.redisCaFile = caFile.toString();
      return this;
    }

    /** The name the worker reports (default: process id, host and a random suffix). */
    public Builder name(String name) {
      this.name = name;
      return this;
    }

    public Builder register(TaskHandler handler) {
      handlers.add(handler);
      return this;
    }

    public Builder register(BatchTaskHandler handler) {
      batchHandlers.add(handler);
      return this;
    }

    /** Handlers (single tasks or batches) running at once (default 8). */
    public Builder concurrency(int concurrency) {
      this.concurrency = concurrency;
      return this;
    }

    /**
     * Must match the installation's igor.worker.lease; both default to {@link
     * ProtocolDefaults#LEASE} (docs/worker-protocol.md, "Defaults").
     */
    public Builder lease(Duration lease) {
      this.lease = lease;
      return this;
    }

    /**
     * The largest result (bytes) and message (bytes of UTF-8) the worker reports: must match the
     * installation's igor.reports.max-result-bytes and max-message-bytes (default 1 MiB and 8 KiB).
     * An outcome over either is reported as a failure that names the limit.
     */
    public Builder outcomeLimits(int maxResultBytes, int maxMessageBytes) {
      this.outcomeLimits = new OutcomeLimits(maxResultBytes, maxMessageBytes);
      return this;
    }

    /** How long {@link Worker#close} lets running handlers finish (default 10 s). */
    public Builder shutdownGrace(Duration shutdownGrace) {
      this.shutdownGrace = shutdownGrace;
      return this;
    }

    /**
     * Traces attempts with this OpenTelemetry (for example {@code GlobalOpenTelemetry.get()}, or
     * your SDK): each attempt is a span in its job's trace, child of the job's span that handed it
     * out, and the handler runs inside it ({@code Span.current()}). Without it (the default, the
     * no-op API), reports still carry the job's trace back to Igor, at no cost.
     */
    public Builder openTelemetry(OpenTelemetry openTelemetry) {
      this.openTelemetry = openTelemetry;
      return this;
    }

    /** Connects to Redis and starts taking work. */
    public Worker start() {
      WorkerSettings settings =
          new WorkerSettings(
              name,
              concurrency,
              Duration.ofSeconds(1),
              ProtocolDefaults.CLAIM_TTL,
              lease,
              shutdownGrace,
              apiUrl,
              apiToken,
              apiCaFile,
              outcomeLimits);
      RedisAddress redis = new RedisAddress(redisUrl, password, keyPrefix, redisCaFile);
      WorkerRuntime runtime = WorkerRuntime.connect(redis, handlers, batchHandlers, settings);
      return new Worker(runtime.tracedBy(openTelemetry).start());
    }
  }
}
