package igor.domain;

/** The kinds of object an action can name; spelled "Job", "Layer", "Task" on the wire. */
public enum ObjectKind {
  JOB,
  LAYER,
  TASK
}
