package igor.domain;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * A scratch copy of a job for one decision: it reads through to the job and copies an object the
 * first time an event changes it, so the job itself stays untouched. {@link #emit} applies an event
 * here and records it; the recorded events are the decision.
 */
final class JobDraft extends JobState {
  private final JobState base;
  private final long now;
  private final int tasksPerEvent;
  private JobHeader header;
  private final Map<String, Layer> layers = new HashMap<>();
  private final Map<String, Task> tasks = new HashMap<>();
  private NavigableMap<Integer, List<String>> groups;
  private final List<JobEvent> events = new ArrayList<>();

  /** The attempts reported since the last other event: one {@link JobEvent.AttemptsReported}. */
  private final List<ReportedAttempt> reported = new ArrayList<>();

  /** Where in {@link #reported} each task's latest entry is. */
  private final Map<String, Integer> reportedAt = new HashMap<>();

  /**
   * The results and messages a batch of reports holds before it is cut, in bytes (about: messages
   * counted in chars): one event then holds no more than one largest result
   * (igor.reports.max-result-bytes, 1 MiB by default) would as an event of its own.
   */
  static final long BATCH_BYTES = 1024 * 1024;

  private long reportedBytes;

  JobDraft(JobState base, long now, int tasksPerEvent) {
    this.base = base;
    this.now = now;
    this.tasksPerEvent = tasksPerEvent;
  }

  long now() {
    return now;
  }

  void emit(JobEvent event) {
    flushReported();
    JobEvolution.apply(this, event);
    events.add(event);
  }

  /**
   * Applies what a report said about an attempt here and records it in the {@link
   * JobEvent.AttemptsReported} of this run of reports: the end of an attempt begun in the same run
   * joins its start's entry. The run becomes one event when another event is emitted, when it holds
   * {@code tasksPerEvent} attempts or would pass {@link #BATCH_BYTES} of results and messages, or
   * when the events are read.
   */
  void report(ReportedAttempt attempt) {
    JobEvolution.apply(this, new JobEvent.AttemptsReported(jobId(), List.of(attempt), now));
    long bytes =
        (attempt.result() == null ? 0 : attempt.result().length) + attempt.message().length();
    if (reportedBytes + bytes > BATCH_BYTES) {
      flushReported();
    }
    reportedBytes += bytes;
    Integer at = reportedAt.get(attempt.taskId());
    ReportedAttempt joined = at == null ? null : reported.get(at).endedBy(attempt);
    if (joined != null) {
      reported.set(at, joined);
      return;
    }
    if (reported.size() == tasksPerEvent) {
      flushReported();
    }
    reportedAt.put(attempt.taskId(), reported.size());
    reported.add(attempt);
  }

  private void flushReported() {
    if (!reported.isEmpty()) {
      events.add(new JobEvent.AttemptsReported(jobId(), reported, now));
      reported.clear();
      reportedAt.clear();
    }
    reportedBytes = 0;
  }

  /**
   * Emits the event that {@code chunk} makes of each run of at most {@code tasksPerEvent} items, in
   * order; nothing for no items. Events about many tasks are cut so, to keep journal rows small.
   */
  <T> void emitInChunks(List<T> items, Function<List<T>, JobEvent> chunk) {
    for (int from = 0; from < items.size(); from += tasksPerEvent) {
      emit(chunk.apply(items.subList(from, Math.min(items.size(), from + tasksPerEvent))));
    }
  }

  List<JobEvent> events() {
    flushReported();
    return events;
  }

  String jobId() {
    return header().id;
  }

  @Override
  JobHeader header() {
    return header != null ? header : base.header();
  }

  @Override
  JobHeader headerForUpdate() {
    if (header == null) {
      header = base.header().copy();
    }
    return header;
  }

  @Override
  Layer layer(String id) {
    Layer own = layers.get(id);
    return own != null ? own : base.layer(id);
  }

  @Override
  Layer layerForUpdate(String id) {
    Layer own = layers.get(id);
    if (own == null) {
      Layer original = base.layer(id);
      if (original == null) {
        return null;
      }
      own = original.copy();
      layers.put(id, own);
    }
    return own;
  }

  @Override
  Task task(String id) {
    Task own = tasks.get(id);
    return own != null ? own : base.task(id);
  }

  @Override
  Task taskForUpdate(String id) {
    Task own = tasks.get(id);
    if (own == null) {
      Task original = base.task(id);
      if (original == null) {
        return null;
      }
      own = original.copy();
      tasks.put(id, own);
    }
    return own;
  }

  @Override
  void addLayer(Layer layer) {
    layers.put(layer.id, layer);
    if (groups == null) {
      groups = new TreeMap<>();
      base.groups().forEach((p, ids) -> groups.put(p, new ArrayList<>(ids)));
    }
    groups.computeIfAbsent(layer.priority, p -> new ArrayList<>()).add(layer.id);
  }

  @Override
  void addTask(Task task) {
    tasks.put(task.id, task);
    layerForUpdate(task.layerId).addTask(task.id);
  }

  @Override
  void addAudit(AuditEntry entry) {
    // Decisions do not read the audit trail.
  }

  @Override
  NavigableMap<Integer, List<String>> groups() {
    return groups != null ? groups : base.groups();
  }
}
