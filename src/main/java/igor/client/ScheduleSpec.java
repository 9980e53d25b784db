package igor.client;

import java.util.Locale;
import java.util.Objects;

/**
 * A new schedule for {@link Igor#createSchedule}: a job fired at each due time of a cron expression
 * (docs/semantics.md, "Schedules"). A builder: each method changes this spec and returns it.
 *
 * <pre>{@code
 * ScheduleSpec.of("0 2 * * *", JobSpec.named("nightly")
 *         .layer(LayerSpec.priority(0).task(TaskSpec.of("report", null))))
 *     .named("nightly report")
 *     .inTimeZone("Europe/Paris")
 *     .catchUpLast()
 * }</pre>
 */
public final class ScheduleSpec {
  /** Whether a due time fires while the job of the last fire is unfinished. */
  public enum Overlap {
    /** It does not: the due time is skipped (the default). */
    SKIP,
    /** It does: jobs of one schedule may run at once. */
    ALLOW;

    /** As the API spells it. */
    public String wireName() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** Which due times missed while no node ran the schedule fire late. */
  public enum CatchUp {
    /** None (the default). */
    NONE,
    /** The latest one. */
    LAST,
    /** The latest {@code catchUpLimit} ones, oldest first. */
    ALL;

    /** As the API spells it. */
    public String wireName() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  private final String cron;
  private final JobSpec job;
  private String name = "";
  private String timeZone = "UTC";
  private Overlap overlap = Overlap.SKIP;
  private CatchUp catchUp = CatchUp.NONE;
  private int catchUpLimit;

  private ScheduleSpec(String cron, JobSpec job) {
    this.cron = Objects.requireNonNull(cron, "cron");
    this.job = Objects.requireNonNull(job, "job");
  }

  /**
   * A schedule that fires this job at each due time of this cron expression (five fields, or six
   * with seconds first), read in UTC unless {@link #inTimeZone} says otherwise. Each fired job is
   * named after the job's name (or the schedule's) and its due time.
   */
  public static ScheduleSpec of(String cron, JobSpec job) {
    return new ScheduleSpec(cron, job);
  }

  /** Names the schedule. */
  public ScheduleSpec named(String name) {
    this.name = name == null ? "" : name;
    return this;
  }

  /** Reads the cron expression in this IANA time zone, e.g. "Europe/Paris". */
  public ScheduleSpec inTimeZone(String zone) {
    this.timeZone = Objects.requireNonNull(zone, "zone");
    return this;
  }

  /** Fires due times even while the job of the last fire is unfinished. */
  public ScheduleSpec allowOverlap() {
    this.overlap = Overlap.ALLOW;
    return this;
  }

  /** Fires the latest due time missed while no node ran the schedule. */
  public ScheduleSpec catchUpLast() {
    this.catchUp = CatchUp.LAST;
    this.catchUpLimit = 0;
    return this;
  }

  /**
   * Fires the latest {@code limit} due times missed while no node ran the schedule, oldest first
   * (at most igor.schedules.max-catch-up).
   */
  public ScheduleSpec catchUpAll(int limit) {
    this.catchUp = CatchUp.ALL;
    this.catchUpLimit = limit;
    return this;
  }

  /** Its cron expression. */
  public String cron() {
    return cron;
  }

  /** The job it fires. */
  public JobSpec job() {
    return job;
  }

  /** Its name ("" when none). */
  public String name() {
    return name;
  }

  /** The time zone of its cron expression. */
  public String timeZone() {
    return timeZone;
  }

  /** Whether due times fire over an unfinished job. */
  public Overlap overlap() {
    return overlap;
  }

  /** Which missed due times fire late. */
  public CatchUp catchUp() {
    return catchUp;
  }

  /** How many missed due times {@link CatchUp#ALL} fires (0 otherwise). */
  public int catchUpLimit() {
    return catchUpLimit;
  }
}
