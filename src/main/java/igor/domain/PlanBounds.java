package igor.domain;

import java.util.Optional;

/**
 * The bounds on the numbers of a plan, so that every value accepted is valid in every layer behind
 * the edge (SEMANTICS.md section 7, "Durations and numbers"). The edge checks each field with these
 * methods and names it; the decider checks whole plans with them again, for callers that do not go
 * through the HTTP edge (the in-cluster API).
 *
 * <p>{@code maxTimeoutSeconds} ({@code igor.limits.max-task-timeout}) bounds a task's time-out, a
 * timer of Pekko's scheduler, which refuses delays above 21,474,835 s; the setting itself may not
 * exceed {@link #TIMER_CEILING_SECONDS}. {@code maxRetries} ({@code igor.limits.max-task-retries})
 * bounds a task's retries, so its attempts stay far from the end of their 32-bit counter. {@code
 * maxStartDelaySeconds} ({@code igor.limits.max-start-delay}) bounds how far ahead a job may be
 * created to start; at most {@link #TIMER_CEILING_SECONDS} too, though the entity reaches a later
 * time in steps of its longest timer.
 */
public record PlanBounds(int maxTimeoutSeconds, int maxRetries, int maxStartDelaySeconds) {
  /** The longest timer a setting may ask for: 180 days, far below Pekko's 21,474,835 s. */
  public static final int TIMER_CEILING_SECONDS = 180 * 24 * 60 * 60;

  /** The most retries a setting may allow. */
  public static final int RETRIES_CEILING = 1_000_000;

  /**
   * The last second of the year 9999 (UTC): unix seconds up to it are a date every layer can show,
   * and in milliseconds they stay far from the end of a 64-bit integer.
   */
  public static final long MAX_UNIX_SECONDS = 253_402_300_799L;

  /** How far ahead a job may be created to start unless configured (30 days). */
  public static final int DEFAULT_MAX_START_DELAY_SECONDS = 30 * 24 * 60 * 60;

  /** The widest bounds a configuration may set. */
  public static final PlanBounds CEILINGS =
      new PlanBounds(TIMER_CEILING_SECONDS, RETRIES_CEILING, TIMER_CEILING_SECONDS);

  public PlanBounds {
    if (maxTimeoutSeconds < 1 || maxTimeoutSeconds > TIMER_CEILING_SECONDS) {
      throw new IllegalArgumentException(
          "igor.limits.max-task-timeout must be from 1s to "
              + TIMER_CEILING_SECONDS
              + "s (180 days), got "
              + maxTimeoutSeconds
              + "s");
    }
    if (maxRetries < 0 || maxRetries > RETRIES_CEILING) {
      throw new IllegalArgumentException(
          "igor.limits.max-task-retries must be from 0 to "
              + RETRIES_CEILING
              + ", got "
              + maxRetries);
    }
    if (maxStartDelaySeconds < 0 || maxStartDelaySeconds > TIMER_CEILING_SECONDS) {
      throw new IllegalArgumentException(
          "igor.limits.max-start-delay must be from 0s to "
              + TIMER_CEILING_SECONDS
              + "s (180 days), got "
              + maxStartDelaySeconds
              + "s");
    }
  }

  /** Bounds with the default maximum start delay. */
  public PlanBounds(int maxTimeoutSeconds, int maxRetries) {
    this(maxTimeoutSeconds, maxRetries, DEFAULT_MAX_START_DELAY_SECONDS);
  }

  /** Why a {@code start_after} (seconds from now; 0: at once) is refused, or empty. */
  public Optional<String> startAfterProblem(long seconds) {
    if (seconds >= 0 && seconds <= maxStartDelaySeconds) {
      return Optional.empty();
    }
    return Optional.of(
        "must be from 0 (at once) to "
            + maxStartDelaySeconds
            + " seconds (igor.limits.max-start-delay), got "
            + seconds);
  }

  /**
   * Why a {@code start_at} (unix seconds; 0, or a time not after now: at once) is refused at time
   * {@code nowMillis}, or empty: it may be at most igor.limits.max-start-delay ahead.
   */
  public Optional<String> startAtProblem(long seconds, long nowMillis) {
    long latest = nowMillis / 1000 + maxStartDelaySeconds;
    if (seconds >= 0 && seconds <= latest) {
      return Optional.empty();
    }
    return Optional.of(
        "must be 0 (at once) or unix seconds at most "
            + maxStartDelaySeconds
            + " seconds from now (igor.limits.max-start-delay): up to "
            + latest
            + ", got "
            + seconds);
  }

  /**
   * Why a job's start time ({@code startAtMillis}, unix ms; 0 or not after now: at once) is refused
   * at time {@code nowMillis}, or empty.
   */
  public Optional<String> startAtMillisProblem(long startAtMillis, long nowMillis) {
    if (startAtMillis >= 0 && startAtMillis - nowMillis <= maxStartDelaySeconds * 1000L) {
      return Optional.empty();
    }
    return Optional.of(
        "must be 0 (at once) or unix ms at most "
            + maxStartDelaySeconds
            + " seconds from now (igor.limits.max-start-delay), got "
            + startAtMillis
            + " ms at "
            + nowMillis
            + " ms");
  }

  /** Why a task's time-out in seconds (0: none) is refused, or empty. */
  public Optional<String> timeoutProblem(long seconds) {
    if (seconds >= 0 && seconds <= maxTimeoutSeconds) {
      return Optional.empty();
    }
    return Optional.of(
        "must be from 0 (none) to "
            + maxTimeoutSeconds
            + " seconds (igor.limits.max-task-timeout), got "
            + seconds);
  }

  /** Why a task's number of retries is refused, or empty. */
  public Optional<String> retriesProblem(long retries) {
    if (retries >= 0 && retries <= maxRetries) {
      return Optional.empty();
    }
    return Optional.of(
        "must be from 0 to " + maxRetries + " (igor.limits.max-task-retries), got " + retries);
  }

  /** Why a {@code paused_at} (0: not paused, else unix seconds) is refused, or empty. */
  public static Optional<String> pausedAtProblem(long seconds) {
    if (seconds >= 0 && seconds <= MAX_UNIX_SECONDS) {
      return Optional.empty();
    }
    return Optional.of(
        "must be 0 (not paused) or unix seconds up to "
            + MAX_UNIX_SECONDS
            + " (the end of the year 9999), got "
            + seconds);
  }

  /**
   * Why a pause time kept by a job ({@code pausedAtMillis}: 0, not paused, else unix ms) is
   * refused, or empty. It must be a whole second: the journal keeps it in seconds.
   */
  public static Optional<String> pausedAtMillisProblem(long millis) {
    if (millis % 1000 != 0) {
      return Optional.of(
          "must be a whole second (unix ms divisible by 1000), got " + millis + " ms");
    }
    return pausedAtProblem(millis / 1000);
  }

  /** A {@code paused_at} of the API (unix seconds, checked by {@link #pausedAtProblem}) in ms. */
  public static long pausedAtMillis(long seconds) {
    return seconds * 1000;
  }

  /** The whole second of this time (unix ms), at least 1 s: when something is paused now. */
  public static long wholeSecond(long millis) {
    return Math.max(1, millis / 1000) * 1000;
  }

  /** Why a time in unix seconds (a list filter) is refused, or empty. */
  public static Optional<String> unixSecondsProblem(long seconds) {
    if (seconds >= 0 && seconds <= MAX_UNIX_SECONDS) {
      return Optional.empty();
    }
    return Optional.of(
        "must be unix seconds from 0 to "
            + MAX_UNIX_SECONDS
            + " (the end of the year 9999), got "
            + seconds);
  }

  /** Why the job's own fields and its layers are refused, or empty (tasks: {@link #problem}). */
  public Optional<String> problem(JobPlan plan) {
    Optional<String> job =
        first(
            Text.problem(plan.name()).map(p -> "job name " + p),
            pausedAtMillisProblem(plan.pausedAtMillis()).map(p -> "job paused_at " + p));
    if (job.isPresent()) {
      return job;
    }
    for (LayerPlan layer : plan.layers()) {
      String at = "layer " + layer.layerId();
      Optional<String> p =
          first(
              Text.problem(layer.name()).map(q -> at + " name " + q),
              pausedAtMillisProblem(layer.pausedAtMillis()).map(q -> at + " paused_at " + q));
      if (p.isPresent()) {
        return p;
      }
    }
    return Optional.empty();
  }

  /** Why a task's fields are refused, or empty. */
  public Optional<String> problem(TaskPlan task) {
    String at = "task " + task.taskId();
    return first(
        Text.problem(task.type()).map(p -> at + " type " + p),
        Text.problem(task.name()).map(p -> at + " name " + p),
        pausedAtMillisProblem(task.pausedAtMillis()).map(p -> at + " paused_at " + p),
        retriesProblem(task.retries()).map(p -> at + " retries " + p),
        timeoutProblem(task.timeoutSeconds()).map(p -> at + " timeout " + p));
  }

  @SafeVarargs
  private static Optional<String> first(Optional<String>... problems) {
    for (Optional<String> p : problems) {
      if (p.isPresent()) {
        return p;
      }
    }
    return Optional.empty();
  }
}
