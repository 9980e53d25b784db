package igor.domain;

import igor.domain.ScheduleEvent.FiresSkipped;
import igor.domain.ScheduleEvent.ScheduleCreated;
import igor.domain.ScheduleEvent.ScheduleDeleted;
import igor.domain.ScheduleEvent.ScheduleFired;
import igor.domain.ScheduleEvent.SchedulePaused;
import igor.domain.ScheduleEvent.ScheduleUnpaused;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.UUID;

/**
 * The rules of schedules (docs/semantics.md, "Schedules"), pure: given a schedule, its due times
 * and the time, which events happen. The entity persists them and acts.
 *
 * <p>A due time is <em>late</em> when it passed less than {@code misfireAfterMillis} ago: it fires,
 * however late. Older ones were <em>missed</em> (no node ran the schedule then): the catch-up
 * policy says which of them fire.
 */
public final class ScheduleDecider {
  /** Due times fired by one decision at most: beyond, the next decision goes on. */
  public static final int MAX_FIRES_PER_DECISION = 1000;

  /** The events decided, or why nothing was. */
  public record Decision(List<ScheduleEvent> events, Rejection rejection) {
    public Decision {
      events = List.copyOf(events);
    }

    static Decision of(List<ScheduleEvent> events) {
      return new Decision(events, null);
    }

    static Decision rejected(Rejection rejection) {
      return new Decision(List.of(), rejection);
    }
  }

  private static final Rejection NOT_FOUND = Rejection.notFound("schedule not found");

  private final long misfireAfterMillis;

  public ScheduleDecider(long misfireAfterMillis) {
    this.misfireAfterMillis = misfireAfterMillis;
  }

  /**
   * The id of the job fired for a due time: the UUID v3 of {@code schedule/<schedule id>/<due time
   * in unix milliseconds>}. The same fire always names the same job.
   */
  public static String jobIdOf(String scheduleId, long dueAt) {
    return nameBased("schedule/" + scheduleId + "/" + dueAt);
  }

  private static String nameBased(String name) {
    return UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8)).toString();
  }

  public Decision create(Schedule schedule, String scheduleId, ScheduleSpec spec, long now) {
    if (schedule.id() != null) {
      return Decision.of(List.of()); // created already: the same request again
    }
    return Decision.of(List.of(new ScheduleCreated(scheduleId, spec, now)));
  }

  public Decision pause(Schedule schedule, String by, long now) {
    if (!schedule.exists()) {
      return Decision.rejected(NOT_FOUND);
    }
    return Decision.of(
        schedule.paused() ? List.of() : List.of(new SchedulePaused(schedule.id(), by, now)));
  }

  public Decision unpause(Schedule schedule, String by, long now) {
    if (!schedule.exists()) {
      return Decision.rejected(NOT_FOUND);
    }
    return Decision.of(
        schedule.paused() ? List.of(new ScheduleUnpaused(schedule.id(), by, now)) : List.of());
  }

  public Decision delete(Schedule schedule, String by, long now) {
    if (!schedule.exists()) {
      return Decision.rejected(NOT_FOUND);
    }
    return Decision.of(List.of(new ScheduleDeleted(schedule.id(), by, now)));
  }

  /** A fire now, asked for by a person: whatever the pause and the overlap policy. */
  public Decision trigger(Schedule schedule, long now) {
    if (!schedule.exists()) {
      return Decision.rejected(NOT_FOUND);
    }
    return Decision.of(
        List.of(new ScheduleFired(schedule.id(), now, jobIdOf(schedule.id(), now), true, now)));
  }

  /** Whether a due time of the schedule has come (it fires or is skipped when decided). */
  public boolean isDue(Schedule schedule, DueTimes times, long now) {
    if (!schedule.exists() || schedule.paused()) {
      return false;
    }
    OptionalLong first = times.nextAfter(schedule.cursor());
    return first.isPresent() && first.getAsLong() <= now;
  }

  /**
   * What is due at {@code now}: fires of late due times and of the missed ones the catch-up policy
   * keeps, skips of the others. {@code lastJobUnfinished}: whether the job of the latest fire is
   * unfinished (asked only under the overlap policy SKIP; false otherwise).
   */
  public List<ScheduleEvent> due(
      Schedule schedule, DueTimes times, long now, boolean lastJobUnfinished) {
    if (!isDue(schedule, times, now)) {
      return List.of();
    }
    String id = schedule.id();
    ScheduleSpec spec = schedule.spec();
    long cursor = schedule.cursor();
    long lateFloor = Math.max(cursor, now - misfireAfterMillis);
    List<ScheduleEvent> events = new ArrayList<>();
    List<Long> toFire = new ArrayList<>();
    if (lateFloor > cursor) {
      OptionalLong latestMissed = times.latestAtOrBefore(lateFloor);
      if (latestMissed.isPresent() && latestMissed.getAsLong() > cursor) {
        int keep =
            switch (spec.catchUp()) {
              case NONE -> 0;
              case LAST -> 1;
              case ALL -> Math.max(0, spec.catchUpLimit());
            };
        List<Long> caught = latestBetween(times, cursor, latestMissed.getAsLong(), keep);
        long skipUntil = caught.isEmpty() ? lateFloor : caught.get(0) - 1;
        OptionalLong firstMissed = times.nextAfter(cursor);
        if (firstMissed.isPresent() && firstMissed.getAsLong() <= skipUntil) {
          events.add(new FiresSkipped(id, cursor, skipUntil, "missed", now));
        }
        toFire.addAll(caught);
      }
    }
    long from = toFire.isEmpty() ? lateFloor : toFire.get(toFire.size() - 1);
    for (long t = from; toFire.size() < MAX_FIRES_PER_DECISION; ) {
      OptionalLong next = times.nextAfter(t);
      if (next.isEmpty() || next.getAsLong() > now) {
        break;
      }
      t = next.getAsLong();
      toFire.add(t);
    }
    if (toFire.isEmpty()) {
      return events;
    }
    if (spec.overlap() == ScheduleSpec.Overlap.SKIP) {
      if (lastJobUnfinished) {
        events.add(new FiresSkipped(id, cursor, toFire.get(toFire.size() - 1), "overlap", now));
        return events;
      }
      long due = toFire.get(0);
      events.add(new ScheduleFired(id, due, jobIdOf(id, due), false, now));
      if (toFire.size() > 1) {
        events.add(new FiresSkipped(id, due, toFire.get(toFire.size() - 1), "overlap", now));
      }
      return events;
    }
    for (long due : toFire) {
      events.add(new ScheduleFired(id, due, jobIdOf(id, due), false, now));
    }
    return events;
  }

  /** Up to {@code keep} latest due times in ({@code after}, {@code atOrBefore}], oldest first. */
  private static List<Long> latestBetween(DueTimes times, long after, long atOrBefore, int keep) {
    List<Long> found = new ArrayList<>();
    long t = atOrBefore;
    while (found.size() < keep) {
      OptionalLong latest = times.latestAtOrBefore(t);
      if (latest.isEmpty() || latest.getAsLong() <= after) {
        break;
      }
      found.add(latest.getAsLong());
      t = latest.getAsLong() - 1;
    }
    Collections.reverse(found);
    return found;
  }

  /** When the schedule must look again: its next due time (0: never, paused or gone). */
  public long nextDue(Schedule schedule, DueTimes times) {
    if (!schedule.exists() || schedule.paused()) {
      return 0;
    }
    return times.nextAfter(schedule.cursor()).orElse(0);
  }

  /**
   * The job of a fire: the template with ids derived from the job's id (so that a creation tried
   * again is the same job, layers and tasks alike), named after the template (or the schedule) and
   * the due time, e.g. {@code nightly@2026-12-06T08:00:00Z}.
   */
  public static JobPlan jobOf(Schedule schedule, Schedule.Fire fire) {
    JobPlan template = schedule.spec().template();
    String jobId = fire.jobId();
    Map<String, String> layerIds = new HashMap<>();
    List<LayerPlan> layers = new ArrayList<>(template.layers().size());
    for (int i = 0; i < template.layers().size(); i++) {
      LayerPlan layer = template.layers().get(i);
      String layerId = nameBased("schedule-layer/" + jobId + "/" + i);
      layerIds.put(layer.layerId(), layerId);
      layers.add(new LayerPlan(layerId, layer.name(), layer.priority(), layer.pausedAtMillis()));
    }
    List<TaskPlan> tasks = new ArrayList<>(template.tasks().size());
    for (int i = 0; i < template.tasks().size(); i++) {
      TaskPlan t = template.tasks().get(i);
      tasks.add(
          new TaskPlan(
              nameBased("schedule-task/" + jobId + "/" + i),
              layerIds.get(t.layerId()),
              t.type(),
              t.name(),
              t.args(),
              t.pausedAtMillis(),
              t.retries(),
              t.timeoutSeconds(),
              t.flow()));
    }
    String base = template.name().isEmpty() ? schedule.spec().name() : template.name();
    return new JobPlan(
        jobId, jobName(base, fire.dueAt()), template.pausedAtMillis(), layers, tasks);
  }

  /** The name of a fired job: its template's (or schedule's) name, "@", the due time in UTC. */
  public static String jobName(String base, long dueAt) {
    return base + "@" + Instant.ofEpochMilli(dueAt);
  }
}
