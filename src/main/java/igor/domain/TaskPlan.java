package igor.domain;

/**
 * A task as asked for: at creation of its job or added later. Ids are made by Igor before the plan
 * reaches the job. {@code retries} is the number of automatic retries after a failed first attempt.
 */
public record TaskPlan(
    String taskId, String layerId, String type, String name, byte[] args, long pausedAt, int retries) {

  public TaskPlan {
    name = name == null ? "" : name;
    args = args == null ? new byte[0] : args;
  }
}
