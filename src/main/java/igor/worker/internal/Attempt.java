package igor.worker.internal;

import igor.client.LayerResult;
import igor.domain.TaskOutput;
import igor.worker.api.TaskContext;
import igor.worker.api.TaskFailedException;
import igor.worker.api.TaskSpec;
import io.opentelemetry.api.trace.Span;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The worker's side of a {@link TaskContext}: one attempt it claimed, with what its handler set on
 * it (message, result, outcome) and whether Igor withdrew it.
 */
public final class Attempt implements TaskContext {

  /** How a worker carries out what a context asks for. */
  interface Services {
    /** Renews the leases of these attempts now, in one round trip. */
    void heartbeat(List<Attempt> attempts);

    List<String> addTasks(String layerId, List<TaskSpec> tasks) throws TaskFailedException;

    /** Sends a log line of this attempt, later (never blocks, never throws). */
    void log(Attempt attempt, TaskOutput.Level level, String line);

    /** Sends the progress of this attempt, later (never blocks, never throws). */
    void progress(Attempt attempt, double fraction);

    Iterable<LayerResult> results(String jobId, String layerName);
  }

  /** The outcome a handler set on its context; NONE leaves it to returning or throwing. */
  enum Outcome {
    NONE,
    COMPLETED,
    FAILED,
    FAILED_FOR_GOOD,
    SKIPPED
  }

  private static final Services DETACHED =
      new Services() {
        @Override
        public void heartbeat(List<Attempt> attempts) {}

        @Override
        public List<String> addTasks(String layerId, List<TaskSpec> tasks)
            throws TaskFailedException {
          throw new TaskFailedException("no Igor to add tasks to in a test context", false);
        }

        @Override
        public void log(Attempt attempt, TaskOutput.Level level, String line) {
          attempt.detachedOutput.add(level.wireName() + " " + line);
        }

        @Override
        public void progress(Attempt attempt, double fraction) {
          attempt.detachedOutput.add("progress " + fraction);
        }

        @Override
        public Iterable<LayerResult> results(String jobId, String layerName) {
          throw new IllegalStateException(
              "no Igor to read results from in a test context: give the handler a context of"
                  + " your own that answers results(...)");
        }
      };

  /** What a handler logged on a test context ({@link #output}); unused in a worker. */
  private final List<String> detachedOutput = new java.util.concurrent.CopyOnWriteArrayList<>();

  private final String jobId;
  private final String layerId;
  private final String taskId;
  private final int attempt;
  private final String type;
  private final byte[] args;
  private final String deliveryId;
  private final Services services;
  private volatile boolean cancelled;
  private volatile String message = "";
  private volatile byte[] result;
  private volatile Outcome outcome = Outcome.NONE;
  private volatile Span span = Span.getInvalid();
  private String name = "";
  private int retries;
  private int retriesLeft;
  private int timeoutSeconds;
  private long startedAt;

  Attempt(
      String jobId,
      String layerId,
      String taskId,
      int attempt,
      String type,
      byte[] args,
      String deliveryId,
      Services services) {
    this.jobId = jobId;
    this.layerId = layerId;
    this.taskId = taskId;
    this.attempt = attempt;
    this.type = type;
    this.args = args;
    this.deliveryId = deliveryId;
    this.services = services;
  }

  /**
   * What the delivery told of the task (its name, retries, retries left and time-out), and when
   * this worker reported the attempt started (unix ms): the deadline counts from there, as Igor
   * counts it.
   */
  Attempt withTask(String name, int retries, int retriesLeft, int timeoutSeconds, long startedAt) {
    this.name = name;
    this.retries = retries;
    this.retriesLeft = retriesLeft;
    this.timeoutSeconds = timeoutSeconds;
    this.startedAt = startedAt;
    return this;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public int retries() {
    return retries;
  }

  @Override
  public int retriesLeft() {
    return retriesLeft;
  }

  @Override
  public int timeoutSeconds() {
    return timeoutSeconds;
  }

  @Override
  public java.util.Optional<java.time.Instant> deadline() {
    return timeoutSeconds > 0 && startedAt > 0
        ? java.util.Optional.of(java.time.Instant.ofEpochMilli(startedAt + timeoutSeconds * 1000L))
        : java.util.Optional.empty();
  }

  /** An attempt outside any worker ({@link TaskContext#forTest}). */
  public static TaskContext detached(String taskId, int attempt, String type, byte[] args) {
    return new Attempt("", "", taskId, attempt, type, args, "", DETACHED);
  }

  @Override
  public String jobId() {
    return jobId;
  }

  @Override
  public String layerId() {
    return layerId;
  }

  @Override
  public String taskId() {
    return taskId;
  }

  @Override
  public int attempt() {
    return attempt;
  }

  @Override
  public String type() {
    return type;
  }

  @Override
  public byte[] args() {
    return args.clone();
  }

  @Override
  public String argsAsText() {
    return new String(args, StandardCharsets.UTF_8);
  }

  @Override
  public boolean isCancelled() {
    return cancelled || Thread.currentThread().isInterrupted();
  }

  @Override
  public void heartbeat() {
    services.heartbeat(List.of(this));
  }

  @Override
  public void setMessage(String message) {
    this.message = message == null ? "" : message;
  }

  @Override
  public void setResult(byte[] result) {
    this.result = result;
  }

  @Override
  public List<String> addTasks(String layerId, List<TaskSpec> tasks) throws TaskFailedException {
    return services.addTasks(layerId, tasks);
  }

  @Override
  public void log(String line) {
    log("info", line);
  }

  @Override
  public void log(String level, String line) {
    TaskOutput.Level l = TaskOutput.Level.of(level == null ? "" : level);
    services.log(this, l == null ? TaskOutput.Level.INFO : l, line == null ? "" : line);
  }

  @Override
  public void progress(double fraction) {
    if (!Double.isNaN(fraction)) {
      services.progress(this, Math.max(0, Math.min(1, fraction)));
    }
  }

  /**
   * What a handler logged on a test context, each line as "level text" and each progress as
   * "progress fraction", in order; empty for a worker's attempts.
   */
  public List<String> output() {
    return List.copyOf(detachedOutput);
  }

  @Override
  public Iterable<LayerResult> results(String layerName) {
    return services.results(jobId, layerName);
  }

  @Override
  public void complete(byte[] result) {
    this.result = result;
    this.outcome = Outcome.COMPLETED;
  }

  @Override
  public void fail(String message, boolean retryable) {
    setMessage(message);
    this.outcome = retryable ? Outcome.FAILED : Outcome.FAILED_FOR_GOOD;
  }

  @Override
  public void skip(String message) {
    setMessage(message);
    this.outcome = Outcome.SKIPPED;
  }

  String deliveryId() {
    return deliveryId;
  }

  /** The attempt's span (an invalid one outside a worker). */
  Span span() {
    return span;
  }

  void setSpan(Span span) {
    this.span = span;
  }

  String message() {
    return message;
  }

  byte[] result() {
    return result;
  }

  Outcome outcome() {
    return outcome;
  }

  void cancel() {
    cancelled = true;
  }

  /** Whether the worker was told to stop this attempt (whatever thread asks). */
  boolean cancelFlag() {
    return cancelled;
  }
}
