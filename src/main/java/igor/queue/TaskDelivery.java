package igor.queue;

/**
 * One attempt of a task, as handed to workers through the queue. {@code deliveryId} is the same for
 * every delivery of the same attempt, so a worker can recognise a duplicate. {@code traceParent} is
 * the W3C traceparent of the job's span that handed the attempt out, which the worker's span of the
 * attempt continues; empty when the job has no trace.
 */
public record TaskDelivery(
    String jobId,
    String layerId,
    String taskId,
    int attempt,
    String deliveryId,
    String type,
    byte[] args,
    String traceParent) {

  public TaskDelivery {
    args = args == null ? new byte[0] : args;
    traceParent = traceParent == null ? "" : traceParent;
  }

  public TaskDelivery(
      String jobId,
      String layerId,
      String taskId,
      int attempt,
      String deliveryId,
      String type,
      byte[] args) {
    this(jobId, layerId, taskId, attempt, deliveryId, type, args, "");
  }

  /** The same delivery in the trace {@code parent}. */
  public TaskDelivery inTrace(String parent) {
    return new TaskDelivery(jobId, layerId, taskId, attempt, deliveryId, type, args, parent);
  }
}
