package igor.queue;

/** The lease on one attempt of a task, held by the worker running it and renewed by heartbeat. */
public record AttemptLease(String jobId, String taskId, int attempt) {}
