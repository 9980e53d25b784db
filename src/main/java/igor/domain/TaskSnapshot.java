package igor.domain;

/** An immutable copy of a task: read by the API and stored in snapshots. Times in unix millis. */
public record TaskSnapshot(
    String id,
    String jobId,
    String layerId,
    String type,
    String name,
    byte[] args,
    Status status,
    long pausedAtMillis,
    int retries,
    int attempts,
    String message,
    byte[] result,
    String worker,
    long createdAt,
    long updatedAt,
    long retryAt,
    long revision,
    int allowanceBase,
    int timeoutSeconds,
    long startedAt,
    TaskFlow flow) {

  public TaskSnapshot {
    flow = TaskFlow.of(flow);
  }

  public String etag() {
    return Identifiers.etag(id, revision);
  }

  public String queueTaskId() {
    return status == Status.QUEUED || status == Status.RUNNING
        ? Identifiers.deliveryId(id, attempts)
        : "";
  }
}
