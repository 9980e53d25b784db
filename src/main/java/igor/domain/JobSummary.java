package igor.domain;

import java.util.Map;

/** A job's status and how many of its tasks are in each status; times in unix millis. */
public record JobSummary(
    String id,
    Status status,
    long pausedAtMillis,
    long updatedAt,
    long revision,
    Map<Status, Integer> counts) {

  public JobSummary {
    counts = Map.copyOf(counts);
  }

  public String etag() {
    return Identifiers.etag(id, revision);
  }
}
