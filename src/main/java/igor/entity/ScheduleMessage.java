package igor.entity;

/**
 * Marker of every message to and from a schedule entity: they may cross nodes, so they are
 * serialized (Jackson JSON, bound in pekko-serialization.conf).
 */
public interface ScheduleMessage {}
