package igor.http;

import igor.domain.AuditEntry;
import igor.domain.JobSnapshot;
import igor.domain.ObjectKind;
import igor.domain.LayerSnapshot;
import igor.domain.Status;
import igor.domain.TaskSnapshot;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The response bodies of API v1: jobs, layers and tasks as the original Igor shows them (times in
 * unix seconds, args and result in base64), built from the entity's snapshots.
 */
final class JobViews {
  private JobViews() {}

  record JobView(
      String id,
      String etag,
      Status status,
      String name,
      long pausedAt,
      long createdAt,
      long updatedAt,
      List<LayerView> layers) {}

  record LayerView(
      String id,
      String etag,
      Status status,
      String name,
      int priority,
      long pausedAt,
      String jobId,
      long createdAt,
      long updatedAt,
      List<TaskView> tasks) {}

  record TaskView(
      String id,
      String etag,
      Status status,
      String name,
      long pausedAt,
      String jobId,
      String layerId,
      String type,
      byte[] args,
      int retries,
      int timeout,
      int attempts,
      String message,
      byte[] result,
      String queueTaskId,
      long createdAt,
      long updatedAt) {}

  record AuditView(String action, String kind, String id, String by, long at) {}

  static List<AuditView> audit(List<AuditEntry> entries) {
    return entries.stream()
        .map(
            e ->
                new AuditView(
                    e.action().name().toLowerCase(java.util.Locale.ROOT),
                    kindName(e.targetKind()),
                    e.targetId(),
                    e.by(),
                    seconds(e.at())))
        .toList();
  }

  private static String kindName(ObjectKind kind) {
    String name = kind.name();
    return name.charAt(0) + name.substring(1).toLowerCase(java.util.Locale.ROOT);
  }

  static JobView job(JobSnapshot job) {
    Map<String, List<TaskView>> tasksByLayer = new HashMap<>();
    for (TaskSnapshot t : job.tasks()) {
      tasksByLayer.computeIfAbsent(t.layerId(), id -> new ArrayList<>()).add(task(t));
    }
    List<LayerView> layers = new ArrayList<>(job.layers().size());
    for (LayerSnapshot l : job.layers()) {
      layers.add(layer(l, tasksByLayer.getOrDefault(l.id(), List.of())));
    }
    return new JobView(
        job.id(),
        job.etag(),
        job.status(),
        job.name(),
        job.pausedAt(),
        seconds(job.createdAt()),
        seconds(job.updatedAt()),
        layers);
  }

  static LayerView layer(LayerSnapshot l, List<TaskView> tasks) {
    return new LayerView(
        l.id(),
        l.etag(),
        l.status(),
        l.name(),
        l.priority(),
        l.pausedAt(),
        l.jobId(),
        seconds(l.createdAt()),
        seconds(l.updatedAt()),
        tasks);
  }

  static TaskView task(TaskSnapshot t) {
    return new TaskView(
        t.id(),
        t.etag(),
        t.status(),
        t.name(),
        t.pausedAt(),
        t.jobId(),
        t.layerId(),
        t.type(),
        t.args(),
        t.retries(),
        t.timeoutSeconds(),
        t.attempts(),
        t.message(),
        t.result(),
        t.queueTaskId(),
        seconds(t.createdAt()),
        seconds(t.updatedAt()));
  }

  static List<TaskView> tasks(List<TaskSnapshot> tasks) {
    return tasks.stream().map(JobViews::task).toList();
  }

  /** Times are kept in unix millis and shown in seconds; paused_at is kept in seconds already. */
  private static long seconds(long millis) {
    return millis / 1000;
  }
}
