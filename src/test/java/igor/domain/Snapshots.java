package igor.domain;

import java.util.Arrays;
import java.util.List;

/**
 * The content of a snapshot as plain values, byte arrays included, so that two snapshots can be
 * compared with {@code equals}. Cheaper than a recursive comparison on jobs of thousands of tasks.
 */
final class Snapshots {
  private Snapshots() {}

  static List<Object> contentOf(JobSnapshot job) {
    return Arrays.asList(
        job.id(),
        job.name(),
        job.status(),
        job.pausedAtMillis(),
        job.createdAt(),
        job.updatedAt(),
        job.revision(),
        job.layers(),
        job.tasks().stream().map(Snapshots::contentOf).toList(),
        job.audit());
  }

  static List<Object> contentOf(TaskSnapshot task) {
    return Arrays.asList(
        task.id(),
        task.jobId(),
        task.layerId(),
        task.type(),
        task.name(),
        bytes(task.args()),
        task.status(),
        task.pausedAtMillis(),
        task.retries(),
        task.attempts(),
        task.message(),
        bytes(task.result()),
        task.worker(),
        task.createdAt(),
        task.updatedAt(),
        task.retryAt(),
        task.revision(),
        task.allowanceBase());
  }

  private static String bytes(byte[] bytes) {
    return bytes == null ? "null" : "bytes" + Arrays.toString(bytes);
  }
}
