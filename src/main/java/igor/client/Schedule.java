package igor.client;

import java.util.List;
import java.util.Optional;

/**
 * A schedule as Igor shows it (GET /api/v1/schedules/{id}): its definition, its state and its
 * latest fires. Times are unix seconds, 0 when there is none.
 *
 * @param id the schedule's id
 * @param name its name ("" when none)
 * @param cron its cron expression
 * @param timeZone the IANA time zone its cron expression is read in
 * @param overlap "skip" or "allow" ({@link ScheduleSpec.Overlap})
 * @param catchUp "none", "last" or "all" ({@link ScheduleSpec.CatchUp})
 * @param catchUpLimit how many missed fires "all" makes up
 * @param paused whether it is paused (it fires nothing but a trigger)
 * @param createdAt when it was created
 * @param updatedAt when it last changed
 * @param nextFireAt its next due time, 0 when paused or none is left
 * @param lastFireAt the due time of its latest fire, 0 when it never fired
 * @param lastJobId the job of its latest fire ("" when none)
 * @param fires how many jobs it has fired
 * @param skips how many times it skipped due times (missed ones, or an overlap)
 * @param recentFires its latest fires, newest first (at most 20)
 */
public record Schedule(
    String id,
    String name,
    String cron,
    String timeZone,
    String overlap,
    String catchUp,
    int catchUpLimit,
    boolean paused,
    long createdAt,
    long updatedAt,
    long nextFireAt,
    long lastFireAt,
    String lastJobId,
    long fires,
    long skips,
    List<Fire> recentFires) {

  /** Never null: absent fields become empty. */
  public Schedule {
    name = name == null ? "" : name;
    lastJobId = lastJobId == null ? "" : lastJobId;
    recentFires = recentFires == null ? List.of() : List.copyOf(recentFires);
  }

  /**
   * One fire of a schedule.
   *
   * @param dueAt the due time it fired for (unix seconds)
   * @param jobId the job it created ({@link Igor#job})
   * @param manual whether a person asked for it ({@link Igor#triggerSchedule})
   * @param firedAt when the job was created (unix seconds)
   * @param outcome "created" once its job exists, "pending" while it is being created, "refused"
   *     when Igor refused the job
   */
  public record Fire(long dueAt, String jobId, boolean manual, long firedAt, String outcome) {
    /** Never null. */
    public Fire {
      jobId = jobId == null ? "" : jobId;
      outcome = outcome == null ? "" : outcome;
    }
  }

  /** Its latest fire, if it ever fired. */
  public Optional<Fire> lastFire() {
    return recentFires.isEmpty() ? Optional.empty() : Optional.of(recentFires.get(0));
  }
}
