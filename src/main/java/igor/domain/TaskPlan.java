package igor.domain;

/**
 * A task as asked for: at creation of its job or added later. Ids are made by Igor before the plan
 * reaches the job. {@code retries} is the number of automatic retries after a failed first attempt;
 * {@code timeoutSeconds} bounds one attempt's run (0: no limit).
 */
public record TaskPlan(
    String taskId,
    String layerId,
    String type,
    String name,
    byte[] args,
    long pausedAtMillis,
    int retries,
    int timeoutSeconds) {

  public TaskPlan {
    name = name == null ? "" : name;
    args = args == null ? new byte[0] : args;
  }

  /** A task without a time-out. */
  public TaskPlan(
      String taskId,
      String layerId,
      String type,
      String name,
      byte[] args,
      long pausedAtMillis,
      int retries) {
    this(taskId, layerId, type, name, args, pausedAtMillis, retries, 0);
  }
}
