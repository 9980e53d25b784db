package igor.domain;

import java.util.List;

/** An immutable copy of a layer: read by the API and stored in snapshots. Times in unix millis. */
public record LayerSnapshot(
    String id,
    String jobId,
    String name,
    int priority,
    Status status,
    long pausedAtMillis,
    long createdAt,
    long updatedAt,
    long revision,
    List<String> taskIds) {

  public LayerSnapshot {
    taskIds = List.copyOf(taskIds);
  }

  public String etag() {
    return Identifiers.etag(id, revision);
  }
}
