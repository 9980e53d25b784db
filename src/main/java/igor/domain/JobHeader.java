package igor.domain;

/** The job's own fields, apart from its layers and tasks. Only {@link JobEvolution} changes it. */
final class JobHeader {
  String id = "";
  String name = "";
  Status status = Status.PENDING;
  long pausedAtMillis;

  /** When the job was created to start (unix ms), 0 when at once: see {@link Job#startAt}. */
  long startAt;

  long createdAt;
  long updatedAt;
  long revision;
  boolean created;
  String traceParent = "";

  /** Whether the job waits for its start time: created to start later, and not started yet. */
  boolean waitingToStart() {
    return status == Status.PENDING && startAt > 0;
  }

  JobHeader copy() {
    JobHeader h = new JobHeader();
    h.id = id;
    h.name = name;
    h.status = status;
    h.pausedAtMillis = pausedAtMillis;
    h.startAt = startAt;
    h.createdAt = createdAt;
    h.updatedAt = updatedAt;
    h.revision = revision;
    h.created = created;
    h.traceParent = traceParent;
    return h;
  }
}
