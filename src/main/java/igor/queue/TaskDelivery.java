package igor.queue;

/**
 * One attempt of a task, as handed to workers through the queue. {@code deliveryId} is the same for
 * every delivery of the same attempt, so a worker can recognise a duplicate.
 */
public record TaskDelivery(
    String jobId,
    String layerId,
    String taskId,
    int attempt,
    String deliveryId,
    String type,
    byte[] args) {

  public TaskDelivery {
    args = args == null ? new byte[0] : args;
  }
}
