package igor.domain;

/**
 * What happened to a schedule, as journaled (persistence id {@code Schedule|<schedule id>}). Names
 * and fields are persisted forever (docs/adr/0002-persisted-names.md, "Schedules"). Every time is
 * unix milliseconds.
 */
public sealed interface ScheduleEvent {
  String scheduleId();

  long at();

  /** The schedule was made; it fires at due times after {@code at}. */
  record ScheduleCreated(String scheduleId, ScheduleSpec spec, long at) implements ScheduleEvent {}

  /** No due time fires until it is unpaused. */
  record SchedulePaused(String scheduleId, String by, long at) implements ScheduleEvent {}

  /** Due times after {@code at} fire again; those that passed while paused never do. */
  record ScheduleUnpaused(String scheduleId, String by, long at) implements ScheduleEvent {}

  /**
   * The schedule fired for {@code dueAt}: journaled before its job is created, so that it fires
   * once whatever happens next. {@code jobId} derives from the schedule and the due time ({@link
   * ScheduleDecider#jobIdOf}), so a creation tried again is the same job. {@code manual}: asked for
   * by a person ("trigger"), not a due time of the cron expression.
   */
  record ScheduleFired(String scheduleId, long dueAt, String jobId, boolean manual, long at)
      implements ScheduleEvent {}

  /** The job of a fire exists (created now, or found created already). */
  record FiredJobCreated(String scheduleId, long dueAt, String jobId, long at)
      implements ScheduleEvent {}

  /** The job of a fire was refused for good (its template no longer fits the limits). */
  record FiredJobRefused(String scheduleId, long dueAt, String jobId, String reason, long at)
      implements ScheduleEvent {}

  /**
   * The due times in ({@code afterAt}, {@code untilAt}] did not fire, and never will: missed while
   * no node ran the schedule and beyond its catch-up policy ({@code reason} "missed"), or due while
   * the job of its last fire was unfinished under the overlap policy "skip" ("overlap").
   */
  record FiresSkipped(String scheduleId, long afterAt, long untilAt, String reason, long at)
      implements ScheduleEvent {}

  /** The schedule is gone: it fires no more and answers as unknown. */
  record ScheduleDeleted(String scheduleId, String by, long at) implements ScheduleEvent {}
}
