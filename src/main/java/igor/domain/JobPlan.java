package igor.domain;

import java.util.List;

/**
 * A whole job as submitted: every layer and every task, with ids already assigned. {@code
 * traceParent}: the W3C traceparent of the request that submitted it, empty for none; the job's
 * entity replaces it with its own span's, which {@link JobEvent.JobCreated} keeps.
 */
public record JobPlan(
    String jobId,
    String name,
    long pausedAtMillis,
    List<LayerPlan> layers,
    List<TaskPlan> tasks,
    String traceParent) {

  public JobPlan {
    name = name == null ? "" : name;
    layers = List.copyOf(layers);
    tasks = List.copyOf(tasks);
    traceParent = traceParent == null ? "" : traceParent;
  }

  public JobPlan(
      String jobId,
      String name,
      long pausedAtMillis,
      List<LayerPlan> layers,
      List<TaskPlan> tasks) {
    this(jobId, name, pausedAtMillis, layers, tasks, "");
  }

  /** The same plan in the trace {@code parent}. */
  public JobPlan inTrace(String parent) {
    return new JobPlan(jobId, name, pausedAtMillis, layers, tasks, parent);
  }
}
