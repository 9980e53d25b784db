package igor.service;

import igor.domain.Schedule;
import igor.service.ScheduleService.ScheduleAnswer;
import java.util.List;
import java.util.Locale;

/** Schedules as API v1 shows them (times in unix seconds; 0: none). */
public final class ScheduleViews {
  private ScheduleViews() {}

  /**
   * A schedule: its definition, its state, its next due time and its latest fires (newest first).
   */
  public record ScheduleView(
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
      List<FireView> recentFires) {}

  /** One fire: its due time, its job, whether a person asked for it, and its job's fate. */
  public record FireView(long dueAt, String jobId, boolean manual, long firedAt, String outcome) {}

  public static ScheduleView of(ScheduleAnswer answer) {
    Schedule s = answer.schedule();
    List<FireView> fires =
        s.recent().stream()
            .map(
                f ->
                    new FireView(
                        seconds(f.dueAt()),
                        f.jobId(),
                        f.manual(),
                        seconds(f.firedAt()),
                        f.outcome()))
            .toList();
    Schedule.Fire last = s.recent().isEmpty() ? null : s.recent().get(0);
    return new ScheduleView(
        s.id(),
        s.spec().name(),
        s.spec().cron(),
        s.spec().zone(),
        s.spec().overlap().name().toLowerCase(Locale.ROOT),
        s.spec().catchUp().name().toLowerCase(Locale.ROOT),
        s.spec().catchUpLimit(),
        s.paused(),
        seconds(s.createdAt()),
        seconds(s.updatedAt()),
        seconds(answer.nextDueAt()),
        last == null ? 0 : seconds(last.dueAt()),
        s.lastJobId(),
        s.fires(),
        s.skips(),
        fires);
  }

  private static long seconds(long millis) {
    return millis / 1000;
  }
}
