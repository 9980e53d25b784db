package igor.client;

import java.util.Locale;

/** What can be done to jobs, layers and tasks (the PATCH endpoints of API v1). */
public enum Action {
  /** Nothing new of it is queued until it is unpaused. */
  PAUSE,
  /** Undoes a pause. */
  UNPAUSE,
  /** Marks it skipped (a running attempt is stopped); counts as done. */
  SKIP,
  /** Stops queued and running attempts: ERRORED "killed". */
  KILL,
  /** Runs errored tasks again with a fresh allowance of retries. */
  RETRY,
  /** Starts a job that waits for its start time now ({@link JobSpec#startAt}). */
  START;

  /** The path segment of the action: "pause", "unpause", ... */
  public String path() {
    return name().toLowerCase(Locale.ROOT);
  }
}
