package igor.domain;

import java.util.List;

/**
 * An immutable copy of a whole job: what a full read returns and what the snapshot store keeps.
 * Layers are in declaration order, tasks in the order they were added. Times in unix millis; {@code
 * startAt} is when the job was created to start, 0 when at once (and in snapshots taken before
 * delayed starts existed). {@code traceParent} is the job's trace ({@link JobEvent.JobCreated}),
 * empty if it has none.
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
    List<AuditEntry> audit,
    long startAt,
    String traceParent) {

  public JobSnapshot {
    layers = List.copyOf(layers);
    tasks = List.copyOf(tasks);
    audit = audit == null ? List.of() : List.copyOf(audit);
    traceParent = traceParent == null ? "" : traceParent;
  }

  /** A snapshot of a job without a trace (tracing off, or a job from before it). */
  public JobSnapshot(
      String id,
      String name,
      Status status,
      long pausedAtMillis,
      long createdAt,
      long updatedAt,
      long revision,
      List<LayerSnapshot> layers,
      List<TaskSnapshot> tasks,
      List<AuditEntry> audit,
      long startAt) {
    this(
        id,
        name,
        status,
        pausedAtMillis,
        createdAt,
        updatedAt,
        revision,
        layers,
        tasks,
        audit,
        startAt,
        "");
  }

  /** A job that started at once, without a trace. */
  public JobSnapshot(
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
    this(id, name, status, pausedAtMillis, createdAt, updatedAt, revision, layers, tasks, audit, 0);
  }

  /** Whether the job waits for its start time (PENDING, created to start later). */
  public boolean waitingToStart() {
    return status == Status.PENDING && startAt > 0;
  }

  public String etag() {
    return Identifiers.etag(id, revision);
  }
}
