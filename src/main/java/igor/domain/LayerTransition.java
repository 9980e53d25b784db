package igor.domain;

/** What one event does to one layer: the status it moves to. Read by {@link Transitions#of}. */
public record LayerTransition(String layerId, Status to) {}
