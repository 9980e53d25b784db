package igor.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class PlanBoundsTest {
  private static final long NOW = 1_700_000_000_000L;
  private final PlanBounds bounds = new PlanBounds(604_800, 1000);
  private final JobDecider decider =
      new JobDecider(new RetryPolicy(1_000, 60_000), Integer.MAX_VALUE, bounds);

  @Test
  void aTimeoutAtTheMaximumIsAcceptedAndOneSecondMoreIsRefusedNamingTheSetting() {
    assertThat(bounds.timeoutProblem(604_800)).isEmpty();
    assertThat(bounds.timeoutProblem(0)).isEmpty();
    assertThat(bounds.timeoutProblem(604_801))
        .hasValueSatisfying(
            p -> assertThat(p).contains("604800").contains("igor.limits.max-task-timeout"));
    assertThat(bounds.timeoutProblem(-1)).isPresent();
  }

  @Test
  void retriesArePositiveAndAtMostTheMaximum() {
    assertThat(bounds.retriesProblem(1000)).isEmpty();
    assertThat(bounds.retriesProblem(1001))
        .hasValueSatisfying(p -> assertThat(p).contains("igor.limits.max-task-retries"));
    assertThat(bounds.retriesProblem(-1)).isPresent();
  }

  @Test
  void pausedAtIsAUnixSecondUpToTheEndOfTheYear9999() {
    assertThat(PlanBounds.pausedAtProblem(0)).isEmpty();
    assertThat(PlanBounds.pausedAtProblem(253_402_300_799L)).isEmpty();
    assertThat(PlanBounds.pausedAtProblem(253_402_300_800L)).isPresent();
    assertThat(PlanBounds.pausedAtProblem(Long.MAX_VALUE / 1000)).isPresent();
    assertThat(PlanBounds.unixSecondsProblem(-1)).isPresent();
  }

  @Test
  void aPauseTimeAJobKeepsIsAWholeSecondInMillisecondsBecauseTheJournalKeepsSeconds() {
    assertThat(PlanBounds.pausedAtMillisProblem(0)).isEmpty();
    assertThat(PlanBounds.pausedAtMillisProblem(PlanBounds.pausedAtMillis(1_790_000_000L)))
        .isEmpty();
    assertThat(PlanBounds.pausedAtMillisProblem(1_790_000_000_001L))
        .hasValueSatisfying(p -> assertThat(p).contains("whole second"));
    assertThat(PlanBounds.pausedAtMillisProblem(253_402_300_800_000L)).isPresent();
    assertThat(PlanBounds.pausedAtMillisProblem(-1000)).isPresent();
    assertThat(PlanBounds.wholeSecond(1_790_000_000_999L)).isEqualTo(1_790_000_000_000L);
    assertThat(PlanBounds.wholeSecond(5)).as("never 0: 0 means not paused").isEqualTo(1000);
  }

  @Test
  void aSettingPastTheTimerCeilingIsRefused() {
    assertThatThrownBy(() -> new PlanBounds(PlanBounds.TIMER_CEILING_SECONDS + 1, 10))
        .hasMessageContaining("igor.limits.max-task-timeout");
    assertThatThrownBy(() -> new PlanBounds(60, PlanBounds.RETRIES_CEILING + 1))
        .hasMessageContaining("igor.limits.max-task-retries");
    assertThat(PlanBounds.TIMER_CEILING_SECONDS).isLessThan(21_474_835);
  }

  @Test
  void theDeciderRefusesAJobWhoseTaskTimeoutIsPastTheMaximum() {
    Rejection r = rejection(job("ok", task("noop", "", 0, 604_801)));

    assertThat(r).isNotNull();
    assertThat(r.kind()).isEqualTo(Rejection.Kind.INVALID);
    assertThat(r.reason()).contains("timeout").contains("igor.limits.max-task-timeout");
  }

  @Test
  void theDeciderRefusesANulInANameOrATypeAndALoneSurrogate() {
    assertThat(rejection(job("a\u0000", task("noop", "", 0, 0)))).isNotNull();
    assertThat(rejection(job("ok", task("no\u0000op", "", 0, 0)))).isNotNull();
    assertThat(rejection(job("ok", task("noop", "\ud800", 0, 0)))).isNotNull();
    assertThat(rejection(job("ok", task("noop", "t\tn\n", 1000, 604_800)))).isNull();
  }

  /** The decider's refusal of the plan, or null when it accepts it. */
  private Rejection rejection(JobPlan plan) {
    Decision d = decider.create(Job.empty(), plan, NOW);
    return d instanceof Decision.Rejected r ? r.rejection() : null;
  }

  private static final String LAYER = Identifiers.newId();

  private static JobPlan job(String name, TaskPlan task) {
    return new JobPlan(
        Identifiers.newId(), name, 0, List.of(new LayerPlan(LAYER, "", 0, 0)), List.of(task));
  }

  private static TaskPlan task(String type, String name, int retries, int timeout) {
    return new TaskPlan(Identifiers.newId(), LAYER, type, name, new byte[0], 0, retries, timeout);
  }

  @Test
  void aStartDelayIsRefusedBeyondItsLimitNamingTheSetting() {
    PlanBounds oneHour = new PlanBounds(60, 10, 3_600);
    long now = 1_700_000_000_500L;

    assertThat(oneHour.startAfterProblem(0)).isEmpty();
    assertThat(oneHour.startAfterProblem(3_600)).isEmpty();
    assertThat(oneHour.startAfterProblem(3_601))
        .hasValueSatisfying(p -> assertThat(p).contains("igor.limits.max-start-delay", "3601"));
    assertThat(oneHour.startAfterProblem(-1)).isPresent();
    assertThat(oneHour.startAtProblem(0, now)).isEmpty();
    assertThat(oneHour.startAtProblem(1_000_000_000, now)).as("in the past: at once").isEmpty();
    assertThat(oneHour.startAtProblem(1_700_003_600, now)).isEmpty();
    assertThat(oneHour.startAtProblem(1_700_003_601, now))
        .hasValueSatisfying(p -> assertThat(p).contains("igor.limits.max-start-delay"));
    assertThat(oneHour.startAtProblem(-5, now)).isPresent();
    assertThat(oneHour.startAtProblem(Long.MAX_VALUE, now)).isPresent();
    assertThat(oneHour.startAtMillisProblem(now + 3_600_000, now)).isEmpty();
    assertThat(oneHour.startAtMillisProblem(now + 3_600_001, now)).isPresent();
    assertThat(oneHour.startAtMillisProblem(Long.MAX_VALUE, now)).isPresent();
  }

  @Test
  void theStartDelaySettingMayNotExceedTheTimerCeiling() {
    assertThatThrownBy(() -> new PlanBounds(60, 10, PlanBounds.TIMER_CEILING_SECONDS + 1))
        .hasMessageContaining("igor.limits.max-start-delay");
    assertThat(new PlanBounds(60, 10).maxStartDelaySeconds())
        .isEqualTo(PlanBounds.DEFAULT_MAX_START_DELAY_SECONDS);
  }
}
