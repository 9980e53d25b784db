package igor.config;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * igor.task-output (docs/adr/0014-task-output.md): how many log lines an attempt keeps, how long a
 * line may be, how nodes read the output stream, and the page size of GET /api/v1/tasks/{id}/logs.
 */
public record TaskOutputSettings(
    int linesPerAttempt,
    int maxLineBytes,
    int batchSize,
    Duration pollWait,
    Duration reclaimAfter,
    int maxPageLines) {
  private static final String P = "igor.task-output.";

  public TaskOutputSettings {
    positive("lines-per-attempt", linesPerAttempt);
    positive("batch-size", batchSize);
    positive("max-page-lines", maxPageLines);
    if (maxLineBytes < 64) {
      throw new IllegalArgumentException(
          P + "max-line-bytes must be at least 64, got " + maxLineBytes);
    }
  }

  public static TaskOutputSettings from(Config config) {
    Config c = config.getConfig("igor.task-output");
    return new TaskOutputSettings(
        c.getInt("lines-per-attempt"),
        c.getInt("max-line-bytes"),
        c.getInt("batch-size"),
        c.getDuration("poll-wait"),
        c.getDuration("reclaim-after"),
        c.getInt("max-page-lines"));
  }

  /** The defaults of igor.conf, for tests and tools. */
  public static final TaskOutputSettings DEFAULTS =
      new TaskOutputSettings(1000, 4096, 1000, Duration.ofSeconds(1), Duration.ofSeconds(30), 1000);

  private static void positive(String key, int value) {
    if (value < 1) {
      throw new IllegalArgumentException(P + key + " must be at least 1, got " + value);
    }
  }
}
