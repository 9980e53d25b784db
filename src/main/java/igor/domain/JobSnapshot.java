package igor.domain;

import java.util.List;

/**
 * An immutable copy of a whole job: what a full read returns and what the snapshot store keeps.
 * Layers are in declaration order, tasks in the order they were added. Times in unix millis.
 */
public record JobSnapshot(
    String id,
    String name,
    Status status,
    long pausedAtMillis,
    long createdAt,
    long updatedAt,
    long revision,
    List<LayerSnapshot> layers,
    List<TaskSnapshot> tasks,
    List<AuditEntry> audit) {

  public JobSnapshot {
    layers = List.copyOf(layers);
    tasks = List.copyOf(tasks);
    audit = audit == null ? List.of() : List.copyOf(audit);
  }

  public String etag() {
    return Identifiers.etag(id, revision);
  }
}
