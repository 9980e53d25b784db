package igor.queue;

/**
 * One attempt of a task, as handed to workers through the queue. {@code deliveryId} is the same for
 * every delivery of the same attempt, so a worker can recognise a duplicate. {@code name}, {@code
 * retries} and {@code timeoutSeconds} are the task's own, which never change: a delivery is the
 * same message for as long as its attempt waits (withdrawing it finds it by value, else by its
 * delivery id). {@code traceParent} is the W3C traceparent of the job's span that handed the
 * attempt out, which the worker's span of the attempt continues; empty when the job has no trace.
 * {@code retriesLeft} is how many automatic retries remain after this attempt if it fails
 * retryably, as the job knew when it handed the attempt out: set once per attempt, so it does not
 * change while the attempt waits either. {@code flow} (urgency, concurrency and fairness key) is
 * read by the nodes' flow control only and is not part of the wire format.
 */
public record TaskDelivery(
    String jobId,
    String layerId,
    String taskId,
    int attempt,
    String deliveryId,
    String type,
    byte[] args,
    String name,
    int retries,
    int timeoutSeconds,
    String traceParent,
    int retriesLeft,
    igor.domain.TaskFlow flow) {

  public TaskDelivery {
    args = args == null ? new byte[0] : args;
    name = name == null ? "" : name;
    traceParent = traceParent == null ? "" : traceParent;
    flow = igor.domain.TaskFlow.of(flow);
  }

  /** A delivery with the default flow and no retries left. */
  public TaskDelivery(
      String jobId,
      String layerId,
      String taskId,
      int attempt,
      String deliveryId,
      String type,
      byte[] args,
      String name,
      int retries,
      int timeoutSeconds,
      String traceParent) {
    this(
        jobId,
        layerId,
        taskId,
        attempt,
        deliveryId,
        type,
        args,
        name,
        retries,
        timeoutSeconds,
        traceParent,
        0,
        igor.domain.TaskFlow.NONE);
  }

  /** A delivery with the default flow (not on the wire: the nodes' flow control reads it). */
  public TaskDelivery(
      String jobId,
      String layerId,
      String taskId,
      int attempt,
      String deliveryId,
      String type,
      byte[] args,
      String name,
      int retries,
      int timeoutSeconds,
      String traceParent,
      int retriesLeft) {
    this(
        jobId,
        layerId,
        taskId,
        attempt,
        deliveryId,
        type,
        args,
        name,
        retries,
        timeoutSeconds,
        traceParent,
        retriesLeft,
        igor.domain.TaskFlow.NONE);
  }

  /** A delivery without a trace, nor retries left. */
  public TaskDelivery(
      String jobId,
      String layerId,
      String taskId,
      int attempt,
      String deliveryId,
      String type,
      byte[] args,
      String name,
      int retries,
      int timeoutSeconds) {
    this(
        jobId,
        layerId,
        taskId,
        attempt,
        deliveryId,
        type,
        args,
        name,
        retries,
        timeoutSeconds,
        "",
        0);
  }

  /** A delivery without the task's name, retries and time-out (as workers of format 1 read it). */
  public TaskDelivery(
      String jobId,
      String layerId,
      String taskId,
      int attempt,
      String deliveryId,
      String type,
      byte[] args) {
    this(jobId, layerId, taskId, attempt, deliveryId, type, args, "", 0, 0);
  }

  /** The same delivery in the trace {@code parent}. */
  public TaskDelivery inTrace(String parent) {
    return new TaskDelivery(
        jobId,
        layerId,
        taskId,
        attempt,
        deliveryId,
        type,
        args,
        name,
        retries,
        timeoutSeconds,
        parent,
        retriesLeft,
        flow);
  }
}
