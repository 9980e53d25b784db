package igor.domain;

/** What a person can do to a job, a layer or a task (SEMANTICS.md section 3). */
public enum Action {
  PAUSE,
  UNPAUSE,
  SKIP,
  KILL,
  RETRY,
  /** Starts a job that waits for its start time now (a delayed start, started early). */
  START
}
