package igor.domain;

import java.util.ArrayList;
import java.util.List;

/**
 * A layer inside a job's state, with the ids of its tasks in the order they were added and a count
 * of its tasks by status. Only {@link JobEvolution} changes it.
 */
public final class Layer {
  final String id;
  final String jobId;
  final String name;
  final int priority;
  final long createdAt;
  Status status = Status.PENDING;
  long pausedAtMillis;
  long updatedAt;
  long revision;
  private List<String> taskIds = new ArrayList<>();
  private boolean taskIdsShared;
  final int[] counts;

  Layer(LayerPlan plan, String jobId, long at) {
    this(plan.layerId(), jobId, plan.name(), plan.priority(), at, new int[Status.values().length]);
    this.pausedAtMillis = plan.pausedAtMillis();
    this.updatedAt = at;
  }

  private Layer(String id, String jobId, String name, int priority, long createdAt, int[] counts) {
    this.id = id;
    this.jobId = jobId;
    this.name = name;
    this.priority = priority;
    this.createdAt = createdAt;
    this.counts = counts;
  }

  /** A copy for a draft; the task id list is shared until one of the two adds to it. */
  Layer copy() {
    Layer l = new Layer(id, jobId, name, priority, createdAt, counts.clone());
    l.status = status;
    l.pausedAtMillis = pausedAtMillis;
    l.updatedAt = updatedAt;
    l.revision = revision;
    l.taskIds = taskIds;
    l.taskIdsShared = true;
    taskIdsShared = true;
    return l;
  }

  void addTask(String taskId) {
    if (taskIdsShared) {
      taskIds = new ArrayList<>(taskIds);
      taskIdsShared = false;
    }
    taskIds.add(taskId);
    counts[Status.PENDING.ordinal()]++;
  }

  void countChange(Status from, Status to) {
    counts[from.ordinal()]--;
    counts[to.ordinal()]++;
  }

  /** Tasks not yet in a final status, paused ones included. */
  int unfinishedTasks() {
    return counts[Status.PENDING.ordinal()]
        + counts[Status.QUEUED.ordinal()]
        + counts[Status.RUNNING.ordinal()];
  }

  public int count(Status status) {
    return counts[status.ordinal()];
  }

  public String id() {
    return id;
  }

  public int priority() {
    return priority;
  }

  public Status status() {
    return status;
  }

  public boolean isPaused() {
    return pausedAtMillis != 0;
  }

  public List<String> taskIds() {
    return java.util.Collections.unmodifiableList(taskIds);
  }

  public LayerSnapshot snapshot() {
    return new LayerSnapshot(
        id, jobId, name, priority, status, pausedAtMillis, createdAt, updatedAt, revision, taskIds);
  }

  static Layer restore(LayerSnapshot s) {
    Layer l =
        new Layer(
            s.id(),
            s.jobId(),
            s.name(),
            s.priority(),
            s.createdAt(),
            new int[Status.values().length]);
    l.status = s.status();
    l.pausedAtMillis = s.pausedAtMillis();
    l.updatedAt = s.updatedAt();
    l.revision = s.revision();
    l.taskIds = new ArrayList<>(s.taskIds());
    return l;
  }
}
