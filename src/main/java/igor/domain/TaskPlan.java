package igor.domain;

/**
 * A task as asked for: at creation of its job or added later. Ids are made by Igor before the plan
 * reaches the job. {@code retries} is the number of automatic retries after a failed first attempt;
 * {@code timeoutSeconds} bounds one attempt's run (0: no limit); {@code flow} how it takes its turn
 * among its type's waiting tasks (never null).
 */
public record TaskPlan(
    String taskId,
    String layerId,
    String type,
    String name,
    byte[] args,
    long pausedAtMillis,
    int retries,
    int timeoutSeconds,
    TaskFlow flow) {

  public TaskPlan {
    name = name == null ? "" : name;
    args = args == null ? new byte[0] : args;
    flow = TaskFlow.of(flow);
  }

  /** A task with the default flow: urgency 3, no concurrency or fairness key. */
  public TaskPlan(
      String taskId,
      String layerId,
      String type,
      String name,
      byte[] args,
      long pausedAtMillis,
      int retries,
      int timeoutSeconds) {
    this(taskId, layerId, type, name, args, pausedAtMillis, retries, timeoutSeconds, TaskFlow.NONE);
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

  /** The same task with this flow. */
  public TaskPlan withFlow(TaskFlow flow) {
    return new TaskPlan(
        taskId, layerId, type, name, args, pausedAtMillis, retries, timeoutSeconds, flow);
  }
}
