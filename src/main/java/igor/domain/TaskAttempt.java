package igor.domain;

/**
 * One attempt of one task, as the bulk events name the attempts they end ({@link
 * JobEvent.TasksKilled}, {@link JobEvent.TasksWithdrawn}). Persisted inside those events as {@code
 * {"taskId": ..., "attempt": ...}}: its field names are forever, its class name is not stored.
 */
public record TaskAttempt(String taskId, int attempt) {}
