package igor.domain;

import java.util.List;

/** A whole job as submitted: every layer and every task, with ids already assigned. */
public record JobPlan(
    String jobId, String name, long pausedAtMillis, List<LayerPlan> layers, List<TaskPlan> tasks) {

  public JobPlan {
    name = name == null ? "" : name;
    layers = List.copyOf(layers);
    tasks = List.copyOf(tasks);
  }
}
