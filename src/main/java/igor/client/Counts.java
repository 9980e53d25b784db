package igor.client;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.EnumMap;
import java.util.Map;

/**
 * How many tasks of a job or layer are in each status. Every status is present (0 when none).
 *
 * @param byStatus tasks per status
 */
public record Counts(Map<Status, Integer> byStatus) {

  /** Copies the map, filling in 0 for every missing status. */
  @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
  public Counts {
    Map<Status, Integer> all = new EnumMap<>(Status.class);
    for (Status s : Status.values()) {
      all.put(s, 0);
    }
    if (byStatus != null) {
      byStatus.forEach((status, n) -> all.put(status, n == null ? 0 : n));
    }
    byStatus = java.util.Collections.unmodifiableMap(all);
  }

  /** No tasks at all. */
  public static Counts none() {
    return new Counts(Map.of());
  }

  /** The map as the API writes it: {@code {"PENDING": 1, ...}}. */
  @JsonValue
  @Override
  public Map<Status, Integer> byStatus() {
    return byStatus;
  }

  /** Tasks in this status. */
  public int of(Status status) {
    return byStatus.get(status);
  }

  /** All tasks. */
  public int total() {
    return byStatus.values().stream().mapToInt(Integer::intValue).sum();
  }

  /** Tasks that are completed or skipped. */
  public int done() {
    return of(Status.COMPLETED) + of(Status.SKIPPED);
  }

  /** Tasks in a final status (completed, skipped, errored or killed). */
  public int finished() {
    return done() + of(Status.ERRORED) + of(Status.KILLED);
  }
}
