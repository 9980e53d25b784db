package igor.domain;

import static igor.domain.Status.COMPLETED;
import static igor.domain.Status.ERRORED;
import static igor.domain.Status.KILLED;
import static igor.domain.Status.PENDING;
import static igor.domain.Status.QUEUED;
import static igor.domain.Status.RUNNING;
import static igor.domain.Status.SKIPPED;
import static java.util.Map.entry;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every pair of statuses, for tasks, layers and the job: allowed or refused, and why (the numbers
 * are sections of SEMANTICS.md). DecisionInvariantsTest drives the decider through random
 * histories, so a decision that makes a change refused here fails there too.
 */
class AllowedStatusChangesTest {
  private static final Map<String, String> ALLOWED =
      Map.ofEntries(
          entry("TASK PENDING>QUEUED", "its layer runs and nothing above it is paused (2)"),
          entry("TASK PENDING>SKIPPED", "a person skips a task that waits (3)"),
          entry("TASK QUEUED>RUNNING", "a worker reported the start of the attempt (2)"),
          entry("TASK QUEUED>COMPLETED", "the attempt succeeded before its start was seen (2)"),
          entry(
              "TASK QUEUED>PENDING", "failed with retries left, or taken back from the queue (2)"),
          entry("TASK QUEUED>ERRORED", "failed with no retries left, or killed (2, 3)"),
          entry("TASK QUEUED>SKIPPED", "skipped by its handler or a person (2, 3)"),
          entry("TASK RUNNING>COMPLETED", "the attempt succeeded (2)"),
          entry("TASK RUNNING>PENDING", "failed or lost with retries left; or given back (2)"),
          entry("TASK RUNNING>ERRORED", "failed or lost with no retries left, or killed (2, 3)"),
          entry("TASK RUNNING>SKIPPED", "skipped by its handler, or by a person: stopped (2, 3)"),
          entry("TASK ERRORED>PENDING", "a person retries it, with a fresh allowance (3)"),
          entry("TASK ERRORED>SKIPPED", "a person skips it: it counts as done (3)"),
          entry("LAYER PENDING>RUNNING", "its group starts (2)"),
          entry("LAYER PENDING>SKIPPED", "a person skips a layer not started yet (3)"),
          entry("LAYER RUNNING>COMPLETED", "all its tasks are final and none is ERRORED (2)"),
          entry("LAYER RUNNING>ERRORED", "all its tasks are final and one is ERRORED (2)"),
          entry("LAYER RUNNING>SKIPPED", "a person skips it with its unfinished tasks (3)"),
          entry("LAYER ERRORED>RUNNING", "a retry of its ERRORED tasks reopens it (3)"),
          entry(
              "LAYER ERRORED>COMPLETED", "its ERRORED tasks were skipped: they count as done (2)"),
          entry("LAYER ERRORED>SKIPPED", "a person skips it (3)"),
          entry(
              "JOB PENDING>RUNNING", "its start time came, or a person started it (delayed start)"),
          entry("JOB PENDING>SKIPPED", "a person skips a job that waits for its start time (3)"),
          entry("JOB RUNNING>COMPLETED", "every layer is COMPLETED or SKIPPED (2)"),
          entry(
              "JOB RUNNING>ERRORED",
              "its current group has an ERRORED layer and nothing else to do (2)"),
          entry("JOB RUNNING>SKIPPED", "a person skips the job (3)"),
          entry("JOB ERRORED>RUNNING", "a retry or skip reopens work (2)"),
          entry("JOB ERRORED>COMPLETED", "the ERRORED tasks were skipped and nothing is left (2)"),
          entry("JOB ERRORED>SKIPPED", "a person skips the job (3)"),
          entry("JOB COMPLETED>RUNNING", "it may go from COMPLETED back to RUNNING (2)"));

  /** Why a change that is not in {@link #ALLOWED} is refused. */
  private static String refusal(ObjectKind kind, Status from, Status to) {
    if (from == to) {
      return "an event that names a status changes it: nothing changes to its own status";
    }
    if (from == KILLED || to == KILLED) {
      return "Igor never sets KILLED: a killed attempt is ERRORED \"killed\" (3)";
    }
    if (kind != ObjectKind.TASK && (from == QUEUED || to == QUEUED)) {
      return "only tasks are queued (2)";
    }
    if (kind == ObjectKind.JOB && (from == PENDING || to == PENDING)) {
      return "a job is RUNNING from its creation, or PENDING only while it waits for its start"
          + " time, which it never goes back to (2, delayed start)";
    }
    if (from == SKIPPED) {
      return "SKIPPED counts as done and sticks: retry takes ERRORED tasks only (2, 3)";
    }
    return switch (kind) {
      case TASK ->
          switch (from) {
            case PENDING ->
                "a waiting task has no attempt: it is queued before it runs or ends (2)";
            case RUNNING -> "a running attempt ends before the task is queued again (2)";
            case ERRORED -> "an ERRORED task waits for a person: retry makes it PENDING first (3)";
            case COMPLETED ->
                "COMPLETED is final: retry takes ERRORED tasks, skip unfinished ones (3)";
            default -> throw new AssertionError(from + " > " + to);
          };
      case LAYER ->
          switch (from) {
            case PENDING -> "a layer finishes only after its group started it, empty or not (2)";
            case RUNNING, ERRORED ->
                "a started layer never waits again: a retry makes it RUNNING (2)";
            case COMPLETED -> "a COMPLETED layer has no ERRORED task to retry, and is done (2, 3)";
            default -> throw new AssertionError(from + " > " + to);
          };
      case JOB ->
          switch (from) {
            case COMPLETED ->
                "a COMPLETED job is done: only work reopened by a retry changes it (2, 3)";
            default -> throw new AssertionError(from + " > " + to);
          };
    };
  }

  static Stream<Arguments> everyPairOfStatuses() {
    List<Arguments> pairs = new ArrayList<>();
    for (ObjectKind kind : ObjectKind.values()) {
      for (Status from : Status.values()) {
        for (Status to : Status.values()) {
          String key = kind + " " + from + ">" + to;
          boolean allowed = ALLOWED.containsKey(key);
          String why = allowed ? ALLOWED.get(key) : refusal(kind, from, to);
          pairs.add(Arguments.of(kind, from, to, allowed, why));
        }
      }
    }
    return pairs.stream();
  }

  @ParameterizedTest(name = "{0} {1} -> {2}: allowed {3}, {4}")
  @MethodSource("everyPairOfStatuses")
  void eachChangeOfStatusIsAllowedOrRefusedAsTheSemanticsSay(
      ObjectKind kind, Status from, Status to, boolean allowed, String why) {
    assertThat(AllowedStatusChanges.isAllowed(kind, from, to)).as(why).isEqualTo(allowed);
  }

  @Test
  void everyPairOfEveryKindIsJudged() {
    assertThat(everyPairOfStatuses().count())
        .isEqualTo(
            (long) ObjectKind.values().length * Status.values().length * Status.values().length);
  }

  @Test
  void aJobIsDeclaredRunningAndItsLayersAndTasksPending() {
    assertThat(AllowedStatusChanges.initial(ObjectKind.JOB)).isEqualTo(RUNNING);
    assertThat(AllowedStatusChanges.initial(ObjectKind.LAYER)).isEqualTo(PENDING);
    assertThat(AllowedStatusChanges.initial(ObjectKind.TASK)).isEqualTo(PENDING);
  }

  @Test
  void aRefusedChangeFailsNamingTheObjectTheStatusesAndTheEvent() {
    JobEvent event = new JobEvent.TaskCompleted("job-1", "task-1", 1, null, "", 0);

    assertThatThrownBy(
            () ->
                AllowedStatusChanges.check(ObjectKind.TASK, "task-1", COMPLETED, COMPLETED, event))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage(
            "task task-1 may not change from COMPLETED to COMPLETED"
                + " (event TaskCompleted of job job-1)");
  }

  @Test
  void applyingAnEventThatMakesARefusedChangeFailsBeforeTheObjectChanges() {
    JobScenario scenario =
        JobScenario.created(Plans.aJob().with(Plans.aLayer().with(Plans.aTask())));
    Task task = scenario.job().tasksInFlight().get(0);
    JobEvent startedTwice =
        new JobEvent.TaskStarted(scenario.jobId(), task.id(), 1, "w", JobScenario.START);
    scenario.job().apply(startedTwice);
    long revision = task.snapshot().revision();

    assertThatThrownBy(() -> scenario.job().apply(startedTwice))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("may not change from RUNNING to RUNNING (event TaskStarted");
    assertThat(task.status()).isEqualTo(RUNNING);
    assertThat(task.snapshot().revision()).isEqualTo(revision);
  }
}
