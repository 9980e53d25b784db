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

  /** A task's outcome as a page of its layer's results holds it. */
  record ResultRow(
      String taskId, String layerId, String name, Status status, byte[] result, String message) {}

  /**
   * Where a page of results goes on: after this task of this layer (they go by layer, then task).
   */
  record ResultsCursor(String layerId, String taskId) {}

  /**
   * One page of the results of a job's layers of one name: {@code rows} in order, {@code next} the
   * cursor of the next page or null when this is the last. {@code found} says whether the job and a
   * layer of that name were known at all (rows are empty when not).
   */
  record ResultsPage(Found found, List<ResultRow> rows, ResultsCursor next) {
    public enum Found {
      PAGE,
      NO_JOB,
      NO_LAYER
    }

    public ResultsPage {
      rows = List.copyOf(rows);
    }
  }

  /**
   * The tasks of the job's layers named {@code layerName}, after {@code after} (null: from the
   * start), by layer id then task id: at most {@code limit}, and no more once the results and
   * messages read so far pass {@code maxBytes} (one at least).
   */
  CompletionStage<ResultsPage> results(
      String jobId, String layerName, ResultsCursor after, int limit, long maxBytes);

  /** The counts of the known jobs among these; unknown ones are absent. */
  CompletionStage<List<JobCounts>> counts(List<String> jobIds);

  /**
   * The attempts started, ended with an outcome (completed, failed, timed out, or skipped by the
   * handler; a kill is not an outcome) and failed (failed or timed out) in one bucket of {@link
   * Activity#bucketSeconds()} seconds from {@code at}.
   */
  record ActivityBucket(long at, long started, long ended, long failed) {}

  /** The attempts of one task type over the whole window. */
  record TypeActivity(String type, long started, long ended, long failed) {}

  /** The tasks of one type QUEUED now, and when the oldest of their attempts was queued. */
  record Waiting(String type, long queued, long oldestQueuedAt) {}

  /**
   * What the dashboard shows, cluster-wide, from the read model: the buckets from {@code since} on
   * that saw attempts (oldest first; the others saw none), the types' totals over them, the tasks
   * waiting per type, and the jobs and tasks RUNNING now.
   */
  record Activity(
      int bucketSeconds,
      List<ActivityBucket> buckets,
      List<TypeActivity> types,
      List<Waiting> waiting,
      long runningJobs,
      long runningTasks) {
    public Activity {
      buckets = List.copyOf(buckets);
      types = List.copyOf(types);
      waiting = List.copyOf(waiting);
    }
  }

  /** The activity since this time (unix seconds; rounded down to its bucket). */
  CompletionStage<Activity> activity(long since);

  /** The tasks QUEUED now, per type (by type). */
  CompletionStage<List<Waiting>> waiting();
}
