package igor.queue;

/**
 * One attempt of a task, as handed to workers through the queue. {@code deliveryId} is the same for
 * every delivery of the same attempt, so a worker can recognise a duplicate. {@code name}, {@code
 * retries} and {@code timeoutSeconds} are the task's own, which never change: a delivery is the
 * same message for as long as its attempt waits (withdrawing it finds it by value).
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
    int timeoutSeconds) {

  public TaskDelivery {
    args = args == null ? new byte[0] : args;
    name = name == null ? "" : name;
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
}
