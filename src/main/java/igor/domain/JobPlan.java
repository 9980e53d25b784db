package igor.domain;

import java.util.List;

/**
 * A whole job as submitted: every layer and every task, with ids already assigned. {@code
 * startAtMillis} is when its work may start (unix ms): 0, or a time not after its creation, starts
 * it at once; a later time leaves it waiting (PENDING) until then. {@code traceParent}: the W3C
 * traceparent of the request that submitted it, empty for none; the job's entity replaces it with
 * its own span's, which {@link JobEvent.JobCreated} keeps.
 */
public record JobPlan(
    String jobId,
    String name,
    long pausedAtMillis,
    List<LayerPlan> layers,
    List<TaskPlan> tasks,
    long startAtMillis,
    String traceParent) {

  public JobPlan {
    name = name == null ? "" : name;
    layers = List.copyOf(layers);
    tasks = List.copyOf(tasks);
    traceParent = traceParent == null ? "" : traceParent;
  }

  /** A job without a trace. */
  public JobPlan(
      String jobId,
      String name,
      long pausedAtMillis,
      List<LayerPlan> layers,
      List<TaskPlan> tasks,
      long startAtMillis) {
    this(jobId, name, pausedAtMillis, layers, tasks, startAtMillis, "");
  }

  /** A job that starts at once, without a trace. */
  public JobPlan(
      String jobId,
      String name,
      long pausedAtMillis,
      List<LayerPlan> layers,
      List<TaskPlan> tasks) {
    this(jobId, name, pausedAtMillis, layers, tasks, 0);
  }

  /** The same plan in the trace {@code parent}. */
  public JobPlan inTrace(String parent) {
    return new JobPlan(jobId, name, pausedAtMillis, layers, tasks, startAtMillis, parent);
  }

  /** The same job under other ids: everything else (name, pause, start time, trace) kept. */
  public JobPlan withIds(String jobId, List<LayerPlan> layers, List<TaskPlan> tasks) {
    return new JobPlan(jobId, name, pausedAtMillis, layers, tasks, startAtMillis, traceParent);
  }
}
