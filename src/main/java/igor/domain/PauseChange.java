package igor.domain;

/**
 * A job, layer or task was paused ({@code pausedAtMillis}: when, in unix ms of a whole second) or
 * unpaused ({@code pausedAtMillis} 0). Its status does not change.
 */
public record PauseChange(ObjectKind kind, String id, long pausedAtMillis) {}
