package igor.domain;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * The state of one job: its header, layers and tasks. It changes only through {@link
 * #apply(JobEvent)}; decisions about it are made by {@link JobDecider}, which never changes it.
 *
 * <p>It is mutable on purpose: a job may hold 100,000 tasks, and copying them on every event would
 * cost more than the journal write. Decisions work on a {@link JobDraft} that copies only what they
 * touch, and snapshots are taken with {@link #snapshot()}.
 */
public final class Job extends JobState {
  private final JobHeader header = new JobHeader();
  private final Map<String, Layer> layers = new LinkedHashMap<>();
  private final Map<String, Task> tasks = new HashMap<>();
  private final List<String> taskOrder = new ArrayList<>();
  private final NavigableMap<Integer, List<String>> groups = new TreeMap<>();
  private final List<AuditEntry> audit = new ArrayList<>();

  /** Whether any task has a time-out: when none has, no deadline needs looking for. */
  private boolean anyTimeout;

  /**
   * Whether any task was ever given a retry time: when none was, no retry needs looking for, and a
   * decision does not scan every task of a large job (docs/BENCHMARKS.md, "What bounds the
   * figures").
   */
  private boolean anyRetryAt;

  public static Job empty() {
    return new Job();
  }

  public Job apply(JobEvent event) {
    JobEvolution.apply(this, event);
    return this;
  }

  public boolean exists() {
    return header.created;
  }

  public String id() {
    return header.id;
  }

  /** The W3C traceparent the job's spans and attempts join, or empty (no trace). */
  public String traceParent() {
    return header.traceParent;
  }

  public Status status() {
    return header.status;
  }

  public Collection<Layer> layers() {
    return Collections.unmodifiableCollection(layers.values());
  }

  public Task findTask(String taskId) {
    return tasks.get(taskId);
  }

  public Layer findLayer(String layerId) {
    return layers.get(layerId);
  }

  public int taskCount() {
    return tasks.size();
  }

  /** How many tasks are in this status (from the layers' counts: no scan of the tasks). */
  public int count(Status status) {
    int n = 0;
    for (Layer l : layers.values()) {
      n += l.counts[status.ordinal()];
    }
    return n;
  }

  /** Tasks in the hands of the queue or a worker: QUEUED or RUNNING. */
  public List<Task> tasksInFlight() {
    if (count(Status.QUEUED) + count(Status.RUNNING) == 0) {
      return List.of();
    }
    List<Task> inFlight = new ArrayList<>();
    for (Task t : tasks.values()) {
      if (t.status == Status.QUEUED || t.status == Status.RUNNING) {
        inFlight.add(t);
      }
    }
    return inFlight;
  }

  /**
   * The earliest time a failed task waits for before its next attempt, or 0 when none waits. Tasks
   * held by a pause (of the task, its layer or the job) do not count: unpausing queues them.
   */
  public long nextRetryAt() {
    if (!anyRetryAt || header.pausedAtMillis != 0 || count(Status.PENDING) == 0) {
      return 0;
    }
    long next = 0;
    for (Task t : tasks.values()) {
      if (t.status == Status.PENDING
          && t.retryAt > 0
          && t.pausedAtMillis == 0
          && !layers.get(t.layerId).isPaused()
          && (next == 0 || t.retryAt < next)) {
        next = t.retryAt;
      }
    }
    return next;
  }

  /** The earliest deadline of a running attempt with a time-out, or 0 when none has one. */
  public long nextDeadline() {
    if (count(Status.RUNNING) == 0 || !anyTimeout) {
      return 0;
    }
    long next = 0;
    for (Task t : tasks.values()) {
      long deadline = t.deadline();
      if (deadline > 0 && (next == 0 || deadline < next)) {
        next = deadline;
      }
    }
    return next;
  }

  /**
   * When the job was created to start (unix ms), or 0 when it started at once. It keeps that time
   * after it started, early or late; {@link #waitingToStart} says whether it still waits.
   */
  public long startAt() {
    return header.startAt;
  }

  /** Whether the job waits for its start time: PENDING until then, nothing of it started. */
  public boolean waitingToStart() {
    return header.waitingToStart();
  }

  /**
   * When time alone will change the job next (its start time, a retry due, a time-out), or 0 for
   * never.
   */
  public long nextWakeAt() {
    if (header.waitingToStart()) {
      return header.startAt;
    }
    long retry = nextRetryAt();
    long deadline = nextDeadline();
    if (retry == 0 || deadline == 0) {
      return Math.max(retry, deadline);
    }
    return Math.min(retry, deadline);
  }

  /** The job's status and its tasks counted by status: cheap to read for any size of job. */
  public JobSummary summary() {
    int[] counts = new int[Status.values().length];
    for (Layer l : layers.values()) {
      for (int i = 0; i < counts.length; i++) {
        counts[i] += l.counts[i];
      }
    }
    java.util.Map<Status, Integer> byStatus = new java.util.EnumMap<>(Status.class);
    for (Status s : Status.values()) {
      byStatus.put(s, counts[s.ordinal()]);
    }
    return new JobSummary(
        header.id,
        header.status,
        header.pausedAtMillis,
        header.updatedAt,
        header.revision,
        byStatus);
  }

  public JobSnapshot snapshot() {
    List<LayerSnapshot> layerCopies = new ArrayList<>(layers.size());
    for (Layer l : layers.values()) {
      layerCopies.add(l.snapshot());
    }
    List<TaskSnapshot> taskCopies = new ArrayList<>(taskOrder.size());
    for (String id : taskOrder) {
      taskCopies.add(tasks.get(id).snapshot());
    }
    return new JobSnapshot(
        header.id,
        header.name,
        header.status,
        header.pausedAtMillis,
        header.createdAt,
        header.updatedAt,
        header.revision,
        layerCopies,
        taskCopies,
        audit,
        header.startAt,
        header.traceParent);
  }

  public static Job restore(JobSnapshot snapshot) {
    Job job = new Job();
    job.header.id = snapshot.id();
    job.header.name = snapshot.name();
    job.header.status = snapshot.status();
    job.header.pausedAtMillis = snapshot.pausedAtMillis();
    job.header.startAt = snapshot.startAt();
    job.header.createdAt = snapshot.createdAt();
    job.header.updatedAt = snapshot.updatedAt();
    job.header.revision = snapshot.revision();
    job.header.created = true;
    job.header.traceParent = snapshot.traceParent();
    for (LayerSnapshot ls : snapshot.layers()) {
      job.addLayer(Layer.restore(ls));
    }
    for (TaskSnapshot ts : snapshot.tasks()) {
      Task t = Task.restore(ts);
      job.anyTimeout |= t.timeoutSeconds > 0;
      job.anyRetryAt |= t.retryAt > 0;
      job.tasks.put(t.id, t);
      job.taskOrder.add(t.id);
      job.layers.get(t.layerId).counts[t.status.ordinal()]++;
    }
    job.audit.addAll(snapshot.audit());
    return job;
  }

  @Override
  JobHeader header() {
    return header;
  }

  @Override
  JobHeader headerForUpdate() {
    return header;
  }

  @Override
  Layer layer(String id) {
    return layers.get(id);
  }

  @Override
  Layer layerForUpdate(String id) {
    return layers.get(id);
  }

  @Override
  Task task(String id) {
    return tasks.get(id);
  }

  @Override
  Task taskForUpdate(String id) {
    return tasks.get(id);
  }

  @Override
  void addLayer(Layer layer) {
    layers.put(layer.id, layer);
    groups.computeIfAbsent(layer.priority, p -> new ArrayList<>()).add(layer.id);
  }

  @Override
  void retryAtSet(Task task) {
    anyRetryAt |= task.retryAt > 0;
  }

  @Override
  void addTask(Task task) {
    anyTimeout |= task.timeoutSeconds > 0;
    anyRetryAt |= task.retryAt > 0;
    tasks.put(task.id, task);
    taskOrder.add(task.id);
    layers.get(task.layerId).addTask(task.id);
  }

  @Override
  void addAudit(AuditEntry entry) {
    audit.add(entry);
  }

  @Override
  NavigableMap<Integer, List<String>> groups() {
    return groups;
  }
}
