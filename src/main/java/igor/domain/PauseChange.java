package igor.domain;

/**
 * A job, layer or task was paused ({@code pausedAt} in unix seconds) or unpaused ({@code pausedAt}
 * 0). Its status does not change.
 */
public record PauseChange(ObjectKind kind, String id, long pausedAt) {}
