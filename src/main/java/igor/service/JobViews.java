package igor.service;

import igor.domain.AuditEntry;
import igor.domain.Identifiers;
import igor.domain.JobSnapshot;
import igor.domain.LayerSnapshot;
import igor.domain.ObjectKind;
import igor.domain.Status;
import igor.domain.TaskSnapshot;
import igor.storage.ReadModel;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Jobs, layers and tasks as API v1 shows them (times in unix seconds, args and result in base64),
 * built from the entity's snapshots and from the read model's rows: the one mapping from what Igor
 * keeps to what it shows. The HTTP edge writes these records as the response bodies; {@link
 * ClusterIgor} reads them into the client's records as {@code IgorClient} reads those bodies.
 */
public final class JobViews {
  private JobViews() {}

  public record JobView(
      String id,
      String etag,
      Status status,
      String name,
      long pausedAt,
      long createdAt,
      long updatedAt,
      long startAt,
      Map<Status, Integer> counts,
      List<LayerView> layers,
      String waitingReason) {

    /**
     * This job with the reason why its QUEUED tasks wait, on them and on the job ({@code reasons}:
     * from a task's type and concurrency key (null when none) to why it waits, null when nothing is
     * known against it).
     */
    public JobView explained(java.util.function.BiFunction<String, String, String> reasons) {
      if (layers == null) {
        return this;
      }
      java.util.Set<String> waitingTypes = new java.util.TreeSet<>();
      java.util.Set<String> limitedTypes = new java.util.TreeSet<>();
      int waiting = 0;
      int limited = 0;
      List<LayerView> explained = new ArrayList<>(layers.size());
      for (LayerView l : layers) {
        List<TaskView> tasks = new ArrayList<>(l.tasks().size());
        for (TaskView t : l.tasks()) {
          TaskView e = t.explained(reasons);
          if (e.waitingReason() != null && e.waitingReason().startsWith("waiting for")) {
            limitedTypes.add(limitOf(e.waitingReason()));
            limited++;
          } else if (e.waitingReason() != null) {
            waitingTypes.add(e.type());
            waiting++;
          }
          tasks.add(e);
        }
        explained.add(l.withTasks(tasks));
      }
      String reason =
          waiting == 0
              ? null
              : waiting
                  + (waiting == 1 ? " queued task waits" : " queued tasks wait")
                  + " for a type no live worker takes: "
                  + String.join(", ", waitingTypes);
      if (limited > 0) {
        String flow =
            limited
                + (limited == 1 ? " queued task waits" : " queued tasks wait")
                + " for flow-control limits: "
                + String.join(", ", limitedTypes);
        reason = reason == null ? flow : reason + "; " + flow;
      }
      return new JobView(
          id, etag, status, name, pausedAt, createdAt, updatedAt, startAt, counts, explained,
          reason);
    }
  }

  /** The limit a flow-control reason names: "type:email" of "waiting for ... `type:email` (..)". */
  private static String limitOf(String reason) {
    int from = reason.indexOf('`');
    int to = reason.indexOf('`', from + 1);
    return from < 0 || to < 0 ? reason : reason.substring(from + 1, to);
  }

  public record LayerView(
      String id,
      String etag,
      Status status,
      String name,
      int priority,
      long pausedAt,
      String jobId,
      long createdAt,
      long updatedAt,
      Map<Status, Integer> counts,
      List<TaskView> tasks) {

    LayerView withTasks(List<TaskView> tasks) {
      return new LayerView(
          id, etag, status, name, priority, pausedAt, jobId, createdAt, updatedAt, counts, tasks);
    }
  }

  public record TaskView(
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
      long updatedAt,
      Integer urgency,
      String concurrencyKey,
      String fairnessKey,
      String waitingReason) {

    /**
     * This task with the reason why it waits, when it is QUEUED and {@code reasons} knows one for
     * its type or concurrency key (docs/worker-protocol.md, "Registry"; docs/flow-control.md); else
     * as it is.
     */
    public TaskView explained(java.util.function.BiFunction<String, String, String> reasons) {
      String reason = status == Status.QUEUED ? reasons.apply(type, concurrencyKey) : null;
      if (java.util.Objects.equals(reason, waitingReason)) {
        return this;
      }
      return new TaskView(
          id,
          etag,
          status,
          name,
          pausedAt,
          jobId,
          layerId,
          type,
          args,
          retries,
          timeout,
          attempts,
          message,
          result,
          queueTaskId,
          createdAt,
          updatedAt,
          urgency,
          concurrencyKey,
          fairnessKey,
          reason);
    }
  }

  public record AuditView(String action, String kind, String id, String by, long at) {}

  public static List<AuditView> audit(List<AuditEntry> entries) {
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

  public static String kindName(ObjectKind kind) {
    String name = kind.name();
    return name.charAt(0) + name.substring(1).toLowerCase(java.util.Locale.ROOT);
  }

  public record SummaryView(
      String id,
      String etag,
      Status status,
      long pausedAt,
      long updatedAt,
      Map<Status, Integer> counts) {}

  public static SummaryView summary(igor.domain.JobSummary s) {
    Map<Status, Integer> counts = zeroCounts();
    counts.putAll(s.counts());
    return new SummaryView(
        s.id(), s.etag(), s.status(), seconds(s.pausedAtMillis()), seconds(s.updatedAt()), counts);
  }

  public static JobView job(JobSnapshot job) {
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
        seconds(job.pausedAtMillis()),
        seconds(job.createdAt()),
        seconds(job.updatedAt()),
        seconds(job.startAt()),
        countOf(job.tasks().stream().map(TaskSnapshot::status).toList()),
        layers,
        null);
  }

  public static LayerView layer(LayerSnapshot l, List<TaskView> tasks) {
    return new LayerView(
        l.id(),
        l.etag(),
        l.status(),
        l.name(),
        l.priority(),
        seconds(l.pausedAtMillis()),
        l.jobId(),
        seconds(l.createdAt()),
        seconds(l.updatedAt()),
        countOf(tasks.stream().map(TaskView::status).toList()),
        tasks);
  }

  /** A job of the read model, without its layers (lists). */
  public static JobView job(ReadModel.JobRow j) {
    return new JobView(
        j.id(),
        Identifiers.etag(j.id(), j.revision()),
        j.status(),
        j.name(),
        j.pausedAt(),
        j.createdAt(),
        j.updatedAt(),
        j.startAt(),
        ordered(j.counts()),
        null,
        null);
  }

  /** A layer of the read model, without its tasks. */
  public static LayerView layer(ReadModel.LayerRow l) {
    return new LayerView(
        l.id(),
        Identifiers.etag(l.id(), l.revision()),
        l.status(),
        l.name(),
        l.priority(),
        l.pausedAt(),
        l.jobId(),
        l.createdAt(),
        l.updatedAt(),
        ordered(l.counts()),
        null);
  }

  public static TaskView task(ReadModel.TaskRow t) {
    return new TaskView(
        t.id(),
        Identifiers.etag(t.id(), t.revision()),
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
        t.createdAt(),
        t.updatedAt(),
        null,
        null,
        null,
        null);
  }

  /** Counts of a job and its layers, for GET /api/v1/counts. */
  public record JobCountsView(
      String jobId, Map<Status, Integer> counts, List<LayerCountsView> layers) {}

  public record LayerCountsView(String layerId, Map<Status, Integer> counts) {}

  public static JobCountsView counts(ReadModel.JobCounts c) {
    return new JobCountsView(
        c.jobId(),
        ordered(c.counts()),
        c.layers().stream()
            .map(l -> new LayerCountsView(l.layerId(), ordered(l.counts())))
            .toList());
  }

  /** Tasks in each status, every status present, in the order of {@link Status}. */
  private static Map<Status, Integer> countOf(List<Status> statuses) {
    Map<Status, Integer> counts = zeroCounts();
    for (Status s : statuses) {
      counts.merge(s, 1, Integer::sum);
    }
    return counts;
  }

  private static Map<Status, Integer> ordered(ReadModel.Counts counts) {
    Map<Status, Integer> ordered = zeroCounts();
    ordered.putAll(counts.byStatus());
    return ordered;
  }

  private static Map<Status, Integer> zeroCounts() {
    Map<Status, Integer> counts = new EnumMap<>(Status.class);
    for (Status s : Status.values()) {
      counts.put(s, 0);
    }
    return counts;
  }

  public static TaskView task(TaskSnapshot t) {
    return new TaskView(
        t.id(),
        t.etag(),
        t.status(),
        t.name(),
        seconds(t.pausedAtMillis()),
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
        seconds(t.updatedAt()),
        igor.domain.TaskFlow.isDefault(t.flow()) ? null : t.flow().urgency(),
        t.flow().concurrencyKey().isEmpty() ? null : t.flow().concurrencyKey(),
        t.flow().fairnessKey().isEmpty() ? null : t.flow().fairnessKey(),
        null);
  }

  public static List<TaskView> tasks(List<TaskSnapshot> tasks) {
    return tasks.stream().map(JobViews::task).toList();
  }

  /** Jobs keep times in unix millis; the API shows them in seconds (the read model keeps those). */
  public static long seconds(long millis) {
    return millis / 1000;
  }

  /**
   * One task in a page of GET /api/v1/jobs/{id}/results: {@code name} and {@code result} are null
   * (not absent) when it has none.
   */
  public record LayerResultView(
      String taskId,
      @com.fasterxml.jackson.annotation.JsonInclude(
              com.fasterxml.jackson.annotation.JsonInclude.Include.ALWAYS)
          String name,
      Status status,
      @com.fasterxml.jackson.annotation.JsonInclude(
              com.fasterxml.jackson.annotation.JsonInclude.Include.ALWAYS)
          byte[] result,
      String message) {}

  /** A page of results; {@code next} is null (not absent) on the last page. */
  public record ResultsView(
      List<LayerResultView> results,
      @com.fasterxml.jackson.annotation.JsonInclude(
              com.fasterxml.jackson.annotation.JsonInclude.Include.ALWAYS)
          String next) {}

  /** The page as the API shows it, with {@code next} the cursor text of its next page or null. */
  public static ResultsView results(ReadModel.ResultsPage page, String next) {
    List<LayerResultView> rows = new ArrayList<>(page.rows().size());
    for (ReadModel.ResultRow r : page.rows()) {
      rows.add(
          new LayerResultView(
              r.taskId(),
              r.name() == null || r.name().isEmpty() ? null : r.name(),
              r.status(),
              r.result(),
              r.message() == null ? "" : r.message()));
    }
    return new ResultsView(rows, next);
  }
}
