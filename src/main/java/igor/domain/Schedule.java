package igor.domain;

import igor.domain.ScheduleEvent.FiredJobCreated;
import igor.domain.ScheduleEvent.FiredJobRefused;
import igor.domain.ScheduleEvent.FiresSkipped;
import igor.domain.ScheduleEvent.ScheduleCreated;
import igor.domain.ScheduleEvent.ScheduleDeleted;
import igor.domain.ScheduleEvent.ScheduleFired;
import igor.domain.ScheduleEvent.SchedulePaused;
import igor.domain.ScheduleEvent.ScheduleUnpaused;
import java.util.ArrayList;
import java.util.List;

/**
 * A schedule as its events made it; immutable. It is also the snapshot of a schedule's journal
 * (persisted: docs/adr/0002-persisted-names.md). Times are unix milliseconds; 0 means never.
 *
 * @param cursor due times at or before this were fired or skipped: the next fire is the first due
 *     time after it
 * @param lastJobId the job of the latest fire (manual or not), for the overlap policy
 * @param pending fires journaled whose job is not known to exist yet, oldest first
 * @param recent the latest fires ({@value #RECENT_KEPT} at most), newest first
 */
public record Schedule(
    String id,
    ScheduleSpec spec,
    long createdAt,
    long updatedAt,
    boolean paused,
    boolean deleted,
    long cursor,
    String lastJobId,
    List<Fire> pending,
    List<Fire> recent,
    long fires,
    long skips) {

  /** How many of the latest fires a schedule keeps for its view. */
  public static final int RECENT_KEPT = 20;

  /** One fire: its due time, its job, and whether the job exists yet. */
  public record Fire(long dueAt, String jobId, boolean manual, long firedAt, String outcome) {
    public static final String PENDING = "pending";
    public static final String CREATED = "created";
    public static final String REFUSED = "refused";

    Fire withOutcome(String outcome) {
      return new Fire(dueAt, jobId, manual, firedAt, outcome);
    }
  }

  public Schedule {
    pending = pending == null ? List.of() : List.copyOf(pending);
    recent = recent == null ? List.of() : List.copyOf(recent);
  }

  /** The schedule before its creation. */
  public static Schedule empty() {
    return new Schedule(null, null, 0, 0, false, false, 0, null, List.of(), List.of(), 0, 0);
  }

  /** Whether it was created and not deleted. */
  public boolean exists() {
    return id != null && !deleted;
  }

  public Schedule apply(ScheduleEvent event) {
    if (event instanceof ScheduleCreated e) {
      return new Schedule(
          e.scheduleId(),
          e.spec(),
          e.at(),
          e.at(),
          false,
          false,
          e.at(),
          null,
          List.of(),
          List.of(),
          0,
          0);
    }
    if (event instanceof SchedulePaused e) {
      return with(e.at(), true, deleted, cursor, lastJobId, pending, recent, fires, skips);
    }
    if (event instanceof ScheduleUnpaused e) {
      return with(
          e.at(),
          false,
          deleted,
          Math.max(cursor, e.at()),
          lastJobId,
          pending,
          recent,
          fires,
          skips);
    }
    if (event instanceof ScheduleDeleted e) {
      return with(e.at(), paused, true, cursor, lastJobId, pending, recent, fires, skips);
    }
    if (event instanceof FiresSkipped e) {
      return with(
          e.at(),
          paused,
          deleted,
          Math.max(cursor, e.untilAt()),
          lastJobId,
          pending,
          recent,
          fires,
          skips + 1);
    }
    if (event instanceof ScheduleFired e) {
      Fire fire = new Fire(e.dueAt(), e.jobId(), e.manual(), e.at(), Fire.PENDING);
      List<Fire> newPending = new ArrayList<>(pending);
      newPending.add(fire);
      List<Fire> newRecent = new ArrayList<>(recent.size() + 1);
      newRecent.add(fire);
      newRecent.addAll(recent.subList(0, Math.min(recent.size(), RECENT_KEPT - 1)));
      long newCursor = e.manual() ? cursor : Math.max(cursor, e.dueAt());
      return with(
          e.at(), paused, deleted, newCursor, e.jobId(), newPending, newRecent, fires + 1, skips);
    }
    if (event instanceof FiredJobCreated e) {
      return settled(e.jobId(), Fire.CREATED, e.at());
    }
    if (event instanceof FiredJobRefused e) {
      return settled(e.jobId(), Fire.REFUSED, e.at());
    }
    throw new IllegalArgumentException("unknown schedule event " + event);
  }

  private Schedule settled(String jobId, String outcome, long at) {
    List<Fire> newPending = pending.stream().filter(f -> !f.jobId().equals(jobId)).toList();
    List<Fire> newRecent =
        recent.stream().map(f -> f.jobId().equals(jobId) ? f.withOutcome(outcome) : f).toList();
    return with(at, paused, deleted, cursor, lastJobId, newPending, newRecent, fires, skips);
  }

  private Schedule with(
      long updatedAt,
      boolean paused,
      boolean deleted,
      long cursor,
      String lastJobId,
      List<Fire> pending,
      List<Fire> recent,
      long fires,
      long skips) {
    return new Schedule(
        id, spec, createdAt, updatedAt, paused, deleted, cursor, lastJobId, pending, recent, fires,
        skips);
  }

  /** Whether the job of the latest fire was refused (it will never run). */
  public boolean lastJobRefused() {
    return recent.stream()
        .filter(f -> f.jobId().equals(lastJobId))
        .anyMatch(f -> f.outcome().equals(Fire.REFUSED));
  }
}
