package igor.domain;

import java.util.List;

/**
 * A whole job as submitted: every layer and every task, with ids already assigned. {@code
 * startAtMillis} is when its work may start (unix ms): 0, or a time not after its creation, starts
 * it at once; a later time leaves it waiting (PENDING) until then.
 */
public record JobPlan(
    String jobId,
    String name,
    long pausedAtMillis,
    List<LayerPlan> layers,
    List<TaskPlan> tasks,
    long startAtMillis) {

  public JobPlan {
    name = name == null ? "" : name;
    layers = List.copyOf(layers);
    tasks = List.copyOf(tasks);
  }

  /** A job that starts at once. */
  public JobPlan(
      String jobId,
      String name,
      long pausedAtMillis,
      List<LayerPlan> layers,
      List<TaskPlan> tasks) {
    this(jobId, name, pausedAtMillis, layers, tasks, 0);
  }

  /** The same job under other ids: everything else (name, pause, start time) kept. */
  public JobPlan withIds(String jobId, List<LayerPlan> layers, List<TaskPlan> tasks) {
    return new JobPlan(jobId, name, pausedAtMillis, layers, tasks, startAtMillis);
  }
}
