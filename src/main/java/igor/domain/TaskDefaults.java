package igor.domain;

/**
 * What a task that names no retries or time-out gets: {@code igor.jobs.default-retries} and {@code
 * igor.jobs.default-timeout} (seconds, 0: none). Every way in (the HTTP edge, the in-cluster API)
 * applies them here; {@link PlanBounds} then bounds what was asked.
 */
public record TaskDefaults(int retries, int timeoutSeconds) {

  /** The retries asked for, or the default when none (null) was named. */
  public int retries(Integer asked) {
    return asked == null ? retries : asked;
  }

  /** The time-out asked for, or the default when none (null or 0) was named. */
  public int timeoutSeconds(Integer asked) {
    return asked == null || asked == 0 ? timeoutSeconds : asked;
  }
}
