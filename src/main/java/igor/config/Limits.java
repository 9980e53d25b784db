package igor.config;

import com.typesafe.config.Config;
import igor.domain.PlanBounds;

/**
 * The limits on what a request may ask for. Each is configurable under {@code igor.limits} and
 * named, with its setting, in the error a request over it gets.
 */
public record Limits(
    long maxBodyBytes,
    int maxLayersPerJob,
    int maxTasksPerJob,
    int maxTasksPerRequest,
    int maxRefsPerRequest,
    int maxArgsBytes,
    int maxNameLength,
    int maxTypeLength,
    int defaultListLimit,
    int maxListLimit,
    int maxTaskTimeoutSeconds,
    int maxTaskRetries,
    int maxTimelineAttempts,
    int maxStartDelaySeconds,
    int maxResultsPage,
    long maxResultsPageBytes) {

  /** The results in one page of GET /api/v1/jobs/{id}/results when no limit is asked. */
  public static final int DEFAULT_RESULTS_PAGE = 100;

  public Limits {
    new PlanBounds(maxTaskTimeoutSeconds, maxTaskRetries, maxStartDelaySeconds);
    if (maxTimelineAttempts < 1) {
      throw new IllegalArgumentException(
          "igor.limits.max-timeline-attempts must be at least 1, got " + maxTimelineAttempts);
    }
    if (maxResultsPage < 1 || maxResultsPage > 100_000) {
      throw new IllegalArgumentException(
          "igor.limits.max-results-page must be from 1 to 100000, got " + maxResultsPage);
    }
    if (maxResultsPageBytes < 1) {
      throw new IllegalArgumentException(
          "igor.limits.max-results-page-bytes must be at least 1 byte, got " + maxResultsPageBytes);
    }
  }

  /** The bounds on a task's time-out and retries, and on a job's start delay. */
  public PlanBounds planBounds() {
    return new PlanBounds(maxTaskTimeoutSeconds, maxTaskRetries, maxStartDelaySeconds);
  }

  public static Limits from(Config c) {
    return new Limits(
        c.getBytes("max-body-bytes"),
        c.getInt("max-layers-per-job"),
        c.getInt("max-tasks-per-job"),
        c.getInt("max-tasks-per-request"),
        c.getInt("max-refs-per-request"),
        c.getInt("max-args-bytes"),
        c.getInt("max-name-length"),
        c.getInt("max-type-length"),
        c.getInt("default-list-limit"),
        c.getInt("max-list-limit"),
        seconds(c, "max-task-timeout"),
        c.getInt("max-task-retries"),
        c.getInt("max-timeline-attempts"),
        seconds(c, "max-start-delay"),
        c.getInt("max-results-page"),
        c.getBytes("max-results-page-bytes"));
  }

  /** A duration setting in whole seconds, refused at start when it is not one. */
  private static int seconds(Config c, String path) {
    java.time.Duration d = c.getDuration(path);
    boolean whole = d.toNanosPart() == 0;
    if (d.isNegative() || d.toSeconds() > PlanBounds.TIMER_CEILING_SECONDS || !whole) {
      throw new IllegalArgumentException(
          "igor.limits."
              + path
              + " must be whole seconds from 0s to "
              + PlanBounds.TIMER_CEILING_SECONDS
              + "s (180 days), got "
              + c.getString(path));
    }
    return (int) d.toSeconds();
  }
}
