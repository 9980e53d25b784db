package igor.domain;

/** The job's own fields, apart from its layers and tasks. Only {@link JobEvolution} changes it. */
final class JobHeader {
  String id = "";
  String name = "";
  Status status = Status.PENDING;
  long pausedAtMillis;
  long createdAt;
  long updatedAt;
  long revision;
  boolean created;
  String traceParent = "";

  JobHeader copy() {
    JobHeader h = new JobHeader();
    h.id = id;
    h.name = name;
    h.status = status;
    h.pausedAtMillis = pausedAtMillis;
    h.createdAt = createdAt;
    h.updatedAt = updatedAt;
    h.revision = revision;
    h.created = created;
    h.traceParent = traceParent;
    return h;
  }
}
