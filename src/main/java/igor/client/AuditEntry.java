package igor.client;

/**
 * One action a person (or service) took on a job, as its audit trail keeps it.
 *
 * @param action "pause", "unpause", "skip", "kill" or "retry"
 * @param kind "Job", "Layer" or "Task"
 * @param id the object acted on
 * @param by who asked ("" when the caller did not say)
 * @param at when (unix seconds)
 */
public record AuditEntry(String action, String kind, String id, String by, long at) {}
