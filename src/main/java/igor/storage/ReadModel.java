package igor.storage;

import igor.domain.Status;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * The read model: every job, layer and task as the API lists them, kept by the projection of the
 * journal. It trails the journal by the projection's lag (docs/architecture.md, "The read side").
 * Times are unix seconds; {@code revision} gives the etag.
 */
public interface ReadModel {

  /**
   * What to list. Empty lists and null bounds do not filter. Times are unix seconds and strict:
   * {@code createdAfter = t} lists what was created after second t, not in it. Ids of children keep
   * their parents: jobs holding one of {@code layerIds} or {@code taskIds}, layers holding one of
   * {@code taskIds}.
   */
  record Filter(
      List<String> jobIds,
      List<String> layerIds,
      List<String> taskIds,
      List<Status> statuses,
      List<String> types,
      String name,
      Long createdAfter,
      Long createdBefore,
      Long updatedAfter,
      Long updatedBefore,
      int limit,
      int offset) {
    public Filter {
      jobIds = List.copyOf(jobIds);
      layerIds = List.copyOf(layerIds);
      taskIds = List.copyOf(taskIds);
      statuses = List.copyOf(statuses);
      types = List.copyOf(types);
    }
  }

  /** Tasks in each status, every status present. */
  record Counts(Map<Status, Integer> byStatus) {
    public Counts {
      byStatus = Map.copyOf(byStatus);
    }
  }

  record JobRow(
      String id,
      long revision,
      Status status,
      String name,
      long pausedAt,
      long createdAt,
      long updatedAt,
      Counts counts,
      long startAt) {}

  record LayerRow(
      String id,
      String jobId,
      long revision,
      Status status,
      String name,
      int priority,
      long pausedAt,
      long createdAt,
      long updatedAt,
      Counts counts) {}

  record TaskRow(
      String id,
      String jobId,
      String layerId,
      long revision,
      Status status,
      String name,
      String type,
      byte[] args,
      long pausedAt,
      int retries,
      int timeoutSeconds,
      int attempts,
      String message,
      byte[] result,
      String queueTaskId,
      long createdAt,
      long updatedAt) {}

  /** The counts of a job and of each of its layers (by priority, then id). */
  record JobCounts(String jobId, Counts counts, List<LayerCounts> layers) {
    public JobCounts {
      layers = List.copyOf(layers);
    }
  }

  record LayerCounts(String layerId, Counts counts) {}

  /** Newest first (created_at, then id, both descending). */
  CompletionStage<List<JobRow>> jobs(Filter filter);

  CompletionStage<List<LayerRow>> layers(Filter filter);

  CompletionStage<List<TaskRow>> tasks(Filter filter);

  CompletionStage<Optional<LayerRow>> layer(String layerId);

  CompletionStage<Optional<TaskRow>> task(String taskId);

  /** The counts of the known jobs among these; unknown ones are absent. */
  CompletionStage<List<JobCounts>> counts(List<String> jobIds);
}
