package igor.domain;

import java.util.Locale;
import java.util.Optional;

/**
 * The status of a job, layer or task (SEMANTICS.md section 2). Names are part of the wire format.
 */
public enum Status {
  PENDING,
  QUEUED,
  RUNNING,
  KILLED,
  COMPLETED,
  ERRORED,
  SKIPPED;

  /** A final status needs a person (retry) to change it again. */
  public boolean isFinal() {
    return this == COMPLETED || this == ERRORED || this == SKIPPED || this == KILLED;
  }

  /** Completed or skipped: counts as done for the next group to start. */
  public boolean isDone() {
    return this == COMPLETED || this == SKIPPED;
  }

  /** Case-insensitive parse, as filters accept it. */
  public static Optional<Status> parse(String text) {
    if (text == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(valueOf(text.trim().toUpperCase(Locale.ROOT)));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }
}
