package igor.domain;

/** One action a person took on a job, as the audit trail keeps it. Time in unix millis. */
public record AuditEntry(
    Action action, ObjectKind targetKind, String targetId, String by, long at) {}
