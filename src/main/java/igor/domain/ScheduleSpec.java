package igor.domain;

/**
 * What a schedule is asked to do: fire a job made from {@code template} at each due time of the
 * cron expression {@code cron} (with or without a seconds field) in the time zone {@code zone} (an
 * IANA name such as "Europe/Paris").
 *
 * <p>{@code overlap}: whether a due time fires while the job of the last fire is unfinished. {@code
 * catchUp} and {@code catchUpLimit}: which of the due times missed while no node ran the schedule
 * fire late (docs/semantics.md, "Schedules").
 */
public record ScheduleSpec(
    String name,
    String cron,
    String zone,
    JobPlan template,
    Overlap overlap,
    CatchUp catchUp,
    int catchUpLimit) {

  /** Whether a due time fires while the last fired job is unfinished. */
  public enum Overlap {
    /** It does not: the due time is skipped. */
    SKIP,
    /** It does: jobs of one schedule may run at once. */
    ALLOW
  }

  /** Which missed due times fire once a node runs the schedule again. */
  public enum CatchUp {
    /** None: only due times from then on fire. */
    NONE,
    /** The latest missed one. */
    LAST,
    /** The latest {@code catchUpLimit} missed ones, oldest first. */
    ALL
  }

  public ScheduleSpec {
    name = name == null ? "" : name;
    overlap = overlap == null ? Overlap.SKIP : overlap;
    catchUp = catchUp == null ? CatchUp.NONE : catchUp;
  }
}
