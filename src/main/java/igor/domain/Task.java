package igor.domain;

/**
 * A task inside a job's state. Mutable, but only ever changed by {@link JobEvolution} applying an
 * event; everything else reads it.
 */
public final class Task {
  final String id;
  final String jobId;
  final String layerId;
  final String type;
  final String name;
  final byte[] args;
  final long createdAt;
  Status status = Status.PENDING;
  long pausedAtMillis;
  int retries;
  int attempts;
  String message = "";
  byte[] result;
  String worker = "";
  long updatedAt;
  long retryAt;
  long revision;

  /** Attempts that came before the last retry by a person: the allowance counts from here. */
  int allowanceBase;

  int timeoutSeconds;

  TaskFlow flow = TaskFlow.NONE;

  /** When the current attempt reported its start (unix millis), 0 when it has not. */
  long startedAt;

  Task(TaskPlan plan, String jobId, long at) {
    this(plan.taskId(), jobId, plan.layerId(), plan.type(), plan.name(), plan.args(), at);
    this.pausedAtMillis = plan.pausedAtMillis();
    this.retries = plan.retries();
    this.timeoutSeconds = plan.timeoutSeconds();
    this.flow = plan.flow();
    this.updatedAt = at;
  }

  private Task(
      String id, String jobId, String layerId, String type, String name, byte[] args, long at) {
    this.id = id;
    this.jobId = jobId;
    this.layerId = layerId;
    this.type = type;
    this.name = name;
    this.args = args;
    this.createdAt = at;
  }

  Task copy() {
    Task t = new Task(id, jobId, layerId, type, name, args, createdAt);
    t.status = status;
    t.pausedAtMillis = pausedAtMillis;
    t.retries = retries;
    t.attempts = attempts;
    t.message = message;
    t.result = result;
    t.worker = worker;
    t.updatedAt = updatedAt;
    t.retryAt = retryAt;
    t.revision = revision;
    t.allowanceBase = allowanceBase;
    t.timeoutSeconds = timeoutSeconds;
    t.startedAt = startedAt;
    t.flow = flow;
    return t;
  }

  /** Whether a failed attempt may be followed by another one. */
  boolean hasRetriesLeft() {
    return attempts - allowanceBase <= retries;
  }

  /**
   * How many automatic retries remain after the current attempt if it fails retryably: the attempts
   * {@link #hasRetriesLeft} would still allow after it. Exact as long as no person acts and no
   * attempt is given back meanwhile (those give a fresh or an unused allowance: more).
   */
  public int retriesLeft() {
    return retriesLeft(retries, allowanceBase, attempts);
  }

  /**
   * The retries left that attempt {@code attempt} was handed out with, seen after Igor stopped it
   * with {@code stoppedBy}: a withdrawal gave the attempt's allowance back (one more since). The
   * one case this cannot tell is a task a person retried while the attempt was in flight (the reset
   * forgets the allowance before it); it then answers the allowance after the reset.
   */
  public int retriesLeftWhenHandedOut(int attempt, TaskTransition.Step stoppedBy) {
    int base = stoppedBy == TaskTransition.Step.WITHDRAWN ? allowanceBase - 1 : allowanceBase;
    return retriesLeft(retries, base, attempt);
  }

  /**
   * A failed attempt {@code n} is retried while {@code n - allowanceBase <= retries}, so after
   * attempt {@code attempt} the attempts {@code attempt} to {@code allowanceBase + retries} may
   * each be followed by one more: that many, or none.
   */
  static int retriesLeft(int retries, int allowanceBase, int attempt) {
    long left = (long) allowanceBase + retries + 1 - attempt;
    return (int) Math.max(0, Math.min(Integer.MAX_VALUE, left));
  }

  /** When the running attempt must end by (unix millis), or 0 when it has no time-out. */
  long deadline() {
    return status == Status.RUNNING && timeoutSeconds > 0 && startedAt > 0
        ? startedAt + timeoutSeconds * 1000L
        : 0;
  }

  public long pausedAtMillis() {
    return pausedAtMillis;
  }

  /** The attempt currently in the hands of the queue or a worker, if any. */
  boolean isAttemptActive(int attempt) {
    return attempt == attempts && (status == Status.QUEUED || status == Status.RUNNING);
  }

  public String id() {
    return id;
  }

  public String layerId() {
    return layerId;
  }

  public String type() {
    return type;
  }

  public String name() {
    return name;
  }

  /** The automatic retries it allows after a failed attempt (its own, never changed). */
  public int retries() {
    return retries;
  }

  /** The time-out of one attempt in seconds, 0 for none. */
  public int timeoutSeconds() {
    return timeoutSeconds;
  }

  /** Its urgency and keys (never null). */
  public TaskFlow flow() {
    return flow;
  }

  public byte[] args() {
    return args;
  }

  /** When the task last changed (unix millis): for a QUEUED task, when its attempt was queued. */
  public long updatedAt() {
    return updatedAt;
  }

  /** When the current attempt reported its start (unix millis), 0 when it has not. */
  public long startedAt() {
    return startedAt;
  }

  public Status status() {
    return status;
  }

  public int attempts() {
    return attempts;
  }

  public long retryAt() {
    return retryAt;
  }

  /** The id of the current delivery on the queue, or "" when the task is not queued or running. */
  public String queueTaskId() {
    return status == Status.QUEUED || status == Status.RUNNING
        ? Identifiers.deliveryId(id, attempts)
        : "";
  }

  public TaskSnapshot snapshot() {
    return new TaskSnapshot(
        id,
        jobId,
        layerId,
        type,
        name,
        args,
        status,
        pausedAtMillis,
        retries,
        attempts,
        message,
        result,
        worker,
        createdAt,
        updatedAt,
        retryAt,
        revision,
        allowanceBase,
        timeoutSeconds,
        startedAt,
        flow);
  }

  static Task restore(TaskSnapshot s) {
    Task t = new Task(s.id(), s.jobId(), s.layerId(), s.type(), s.name(), s.args(), s.createdAt());
    t.status = s.status();
    t.pausedAtMillis = s.pausedAtMillis();
    t.retries = s.retries();
    t.attempts = s.attempts();
    t.message = s.message();
    t.result = s.result();
    t.worker = s.worker();
    t.updatedAt = s.updatedAt();
    t.retryAt = s.retryAt();
    t.revision = s.revision();
    t.allowanceBase = s.allowanceBase();
    t.timeoutSeconds = s.timeoutSeconds();
    t.startedAt = s.startedAt();
    t.flow = s.flow();
    return t;
  }
}
