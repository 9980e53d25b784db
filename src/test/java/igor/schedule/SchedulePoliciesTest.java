package igor.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import igor.domain.JobPlan;
import igor.domain.LayerPlan;
import igor.domain.Schedule;
import igor.domain.ScheduleDecider;
import igor.domain.ScheduleEvent;
import igor.domain.ScheduleEvent.FiresSkipped;
import igor.domain.ScheduleEvent.ScheduleFired;
import igor.domain.ScheduleSpec;
import igor.domain.ScheduleSpec.CatchUp;
import igor.domain.ScheduleSpec.Overlap;
import igor.domain.TaskPlan;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The overlap and catch-up policies of docs/semantics.md, "Schedules", decided purely. */
class SchedulePoliciesTest {
  private static final String ID = "00000000-0000-4000-8000-000000000001";
  private static final long T0 = 1_800_000_000_000L; // a multiple of 10 s
  private static final long MISFIRE = 60_000;
  private final ScheduleDecider decider = new ScheduleDecider(MISFIRE);
  private final CronDueTimes everyTenSeconds = CronDueTimes.of("*/10 * * * * *", "UTC");

  private static JobPlan template() {
    return new JobPlan(
        "t",
        "nightly",
        0,
        List.of(new LayerPlan("l", "build", 0, 0)),
        List.of(new TaskPlan("x", "l", "noop", "one", new byte[0], 0, 0)));
  }

  private static Schedule created(Overlap overlap, CatchUp catchUp, int limit) {
    return Schedule.empty()
        .apply(
            new ScheduleEvent.ScheduleCreated(
                ID,
                new ScheduleSpec("s", "*/10 * * * * *", "UTC", template(), overlap, catchUp, limit),
                T0));
  }

  private static Schedule applied(Schedule schedule, List<ScheduleEvent> events) {
    for (ScheduleEvent e : events) {
      schedule = schedule.apply(e);
    }
    return schedule;
  }

  private static List<Long> firedDueTimes(List<ScheduleEvent> events) {
    return events.stream()
        .filter(ScheduleFired.class::isInstance)
        .map(e -> ((ScheduleFired) e).dueAt())
        .toList();
  }

  @Test
  void nothingIsDueBeforeTheFirstDueTimeAfterCreation() {
    Schedule s = created(Overlap.ALLOW, CatchUp.NONE, 0);
    assertThat(decider.due(s, everyTenSeconds, T0 + 9_999, false)).isEmpty();
    assertThat(decider.nextDue(s, everyTenSeconds)).isEqualTo(T0 + 10_000);
  }

  @Test
  void aDueTimeFiresOnceWithAJobIdDerivedFromScheduleAndDueTime() {
    Schedule s = created(Overlap.ALLOW, CatchUp.NONE, 0);
    List<ScheduleEvent> events = decider.due(s, everyTenSeconds, T0 + 10_250, false);
    assertThat(events)
        .containsExactly(
            new ScheduleFired(
                ID, T0 + 10_000, ScheduleDecider.jobIdOf(ID, T0 + 10_000), false, T0 + 10_250));
    Schedule after = applied(s, events);
    assertThat(decider.due(after, everyTenSeconds, T0 + 10_500, false)).isEmpty();
    assertThat(after.pending()).hasSize(1);
    assertThat(ScheduleDecider.jobIdOf(ID, T0 + 10_000))
        .isEqualTo(ScheduleDecider.jobIdOf(ID, T0 + 10_000))
        .isNotEqualTo(ScheduleDecider.jobIdOf(ID, T0 + 20_000));
  }

  @Test
  void dueTimesWithinTheMisfireWindowAllFireLateWhateverTheCatchUpPolicy() {
    Schedule s = created(Overlap.ALLOW, CatchUp.NONE, 0);
    // down for 35 s: three due times passed, all younger than a minute
    List<ScheduleEvent> events = decider.due(s, everyTenSeconds, T0 + 35_000, false);
    assertThat(firedDueTimes(events)).containsExactly(T0 + 10_000, T0 + 20_000, T0 + 30_000);
  }

  @Test
  void catchUpNoneSkipsEveryMissedDueTime() {
    Schedule s = created(Overlap.ALLOW, CatchUp.NONE, 0);
    long now = T0 + 300_000; // five minutes later: due times up to now - 60 s were missed
    List<ScheduleEvent> events = decider.due(s, everyTenSeconds, now, false);
    assertThat(events.get(0)).isEqualTo(new FiresSkipped(ID, T0, now - MISFIRE, "missed", now));
    assertThat(firedDueTimes(events))
        .containsExactly(
            T0 + 250_000, T0 + 260_000, T0 + 270_000, T0 + 280_000, T0 + 290_000, T0 + 300_000);
  }

  @Test
  void catchUpLastFiresOnlyTheLatestMissedDueTime() {
    Schedule s = created(Overlap.ALLOW, CatchUp.LAST, 0);
    long now = T0 + 300_000;
    List<ScheduleEvent> events = decider.due(s, everyTenSeconds, now, false);
    assertThat(firedDueTimes(events)).startsWith(T0 + 240_000, T0 + 250_000);
    assertThat(events.get(0)).isEqualTo(new FiresSkipped(ID, T0, T0 + 240_000 - 1, "missed", now));
  }

  @Test
  void catchUpAllFiresUpToItsLimitOfTheLatestMissedDueTimesOldestFirst() {
    Schedule s = created(Overlap.ALLOW, CatchUp.ALL, 3);
    long now = T0 + 300_000;
    List<ScheduleEvent> events = decider.due(s, everyTenSeconds, now, false);
    assertThat(firedDueTimes(events))
        .startsWith(T0 + 220_000, T0 + 230_000, T0 + 240_000, T0 + 250_000);
    assertThat(firedDueTimes(events)).hasSize(3 + 6);
    Schedule after = applied(s, events);
    assertThat(after.cursor()).isEqualTo(now);
    assertThat(decider.due(after, everyTenSeconds, now, false)).isEmpty();
  }

  @Test
  void catchUpAllWithMoreRoomThanMissedTimesSkipsNothing() {
    Schedule s = created(Overlap.ALLOW, CatchUp.ALL, 100);
    long now = T0 + 100_000;
    List<ScheduleEvent> events = decider.due(s, everyTenSeconds, now, false);
    assertThat(events).noneMatch(FiresSkipped.class::isInstance);
    assertThat(firedDueTimes(events)).hasSize(10);
  }

  @Test
  void overlapSkipSkipsEveryDueTimeWhileTheLastJobIsUnfinished() {
    Schedule s = created(Overlap.SKIP, CatchUp.NONE, 0);
    Schedule fired = applied(s, decider.due(s, everyTenSeconds, T0 + 10_000, false));
    List<ScheduleEvent> events = decider.due(fired, everyTenSeconds, T0 + 20_000, true);
    assertThat(events)
        .containsExactly(new FiresSkipped(ID, T0 + 10_000, T0 + 20_000, "overlap", T0 + 20_000));
    Schedule skipped = applied(fired, events);
    assertThat(skipped.cursor()).isEqualTo(T0 + 20_000);
    assertThat(firedDueTimes(decider.due(skipped, everyTenSeconds, T0 + 30_000, false)))
        .containsExactly(T0 + 30_000);
  }

  @Test
  void overlapSkipFiresTheEarliestOfSeveralDueTimesAndSkipsTheRest() {
    Schedule s = created(Overlap.SKIP, CatchUp.NONE, 0);
    List<ScheduleEvent> events = decider.due(s, everyTenSeconds, T0 + 35_000, false);
    assertThat(firedDueTimes(events)).containsExactly(T0 + 10_000);
    assertThat(events.get(1))
        .isEqualTo(new FiresSkipped(ID, T0 + 10_000, T0 + 30_000, "overlap", T0 + 35_000));
  }

  @Test
  void overlapAllowFiresWhileTheLastJobIsUnfinished() {
    Schedule s = created(Overlap.ALLOW, CatchUp.NONE, 0);
    Schedule fired = applied(s, decider.due(s, everyTenSeconds, T0 + 10_000, false));
    assertThat(firedDueTimes(decider.due(fired, everyTenSeconds, T0 + 20_000, true)))
        .containsExactly(T0 + 20_000);
  }

  @Test
  void aPausedScheduleFiresNothingAndSkipsWhatPassedWhilePaused() {
    Schedule s = created(Overlap.ALLOW, CatchUp.ALL, 100);
    Schedule paused = applied(s, decider.pause(s, "ann", T0 + 1_000).events());
    assertThat(decider.due(paused, everyTenSeconds, T0 + 50_000, false)).isEmpty();
    assertThat(decider.nextDue(paused, everyTenSeconds)).isZero();
    Schedule unpaused = applied(paused, decider.unpause(paused, "ann", T0 + 55_000).events());
    assertThat(decider.due(unpaused, everyTenSeconds, T0 + 55_000, false)).isEmpty();
    assertThat(firedDueTimes(decider.due(unpaused, everyTenSeconds, T0 + 60_000, false)))
        .containsExactly(T0 + 60_000);
  }

  @Test
  void aTriggerFiresNowWithoutMovingTheCursorAndADeletedScheduleIsGone() {
    Schedule s = created(Overlap.SKIP, CatchUp.NONE, 0);
    Schedule triggered = applied(s, decider.trigger(s, T0 + 4_321).events());
    assertThat(triggered.lastJobId()).isEqualTo(ScheduleDecider.jobIdOf(ID, T0 + 4_321));
    assertThat(triggered.cursor()).isEqualTo(T0);
    assertThat(triggered.recent().get(0).manual()).isTrue();
    Schedule deleted = applied(triggered, decider.delete(triggered, "ann", T0 + 5_000).events());
    assertThat(deleted.exists()).isFalse();
    assertThat(decider.trigger(deleted, T0 + 6_000).rejection()).isNotNull();
    assertThat(decider.due(deleted, everyTenSeconds, T0 + 100_000, false)).isEmpty();
  }

  @Test
  void theFiredJobHasIdsDerivedFromItsJobAndIsNamedAfterItsDueTime() {
    Schedule s = created(Overlap.ALLOW, CatchUp.NONE, 0);
    Schedule fired = applied(s, decider.due(s, everyTenSeconds, T0 + 10_000, false));
    JobPlan job = ScheduleDecider.jobOf(fired, fired.pending().get(0));
    JobPlan again = ScheduleDecider.jobOf(fired, fired.pending().get(0));
    assertThat(job.jobId()).isEqualTo(ScheduleDecider.jobIdOf(ID, T0 + 10_000));
    assertThat(job.name()).isEqualTo("nightly@2027-01-15T08:00:10Z");
    assertThat(job.layers().get(0).layerId()).isEqualTo(again.layers().get(0).layerId());
    assertThat(job.tasks().get(0).taskId()).isEqualTo(again.tasks().get(0).taskId());
    assertThat(job.tasks().get(0).layerId()).isEqualTo(job.layers().get(0).layerId());
    assertThat(job.tasks().get(0).type()).isEqualTo("noop");
  }
}
