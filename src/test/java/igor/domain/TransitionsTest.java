package igor.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import igor.domain.TaskTransition.Step;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** What each event means: the one reading that the state, the stream and the metrics share. */
class TransitionsTest {
  private static final String JOB = "job-1";
  private static final String LAYER = "layer-1";
  private static final String TASK = "task-1";
  private static final String OTHER = "task-2";
  private static final long AT = 5_000;

  /** One event of every kind. */
  static List<JobEvent> oneOfEachKind() {
    return List.of(
        new JobEvent.JobCreated(JOB, "n", 0, List.of(new LayerPlan(LAYER, "", 0, 0)), AT),
        new JobEvent.TasksAdded(
            JOB, List.of(new TaskPlan(TASK, LAYER, "echo", "", new byte[0], 0, 1)), AT),
        new JobEvent.LayersStarted(JOB, List.of(LAYER), AT),
        new JobEvent.TasksQueued(JOB, List.of(TASK), AT),
        new JobEvent.TaskStarted(JOB, TASK, 1, "w", AT),
        new JobEvent.TaskCompleted(JOB, TASK, 1, new byte[] {1}, "ok", AT),
        new JobEvent.TaskFailed(JOB, TASK, 1, "boom", 0, AT),
        new JobEvent.TaskSkipped(JOB, TASK, 1, "no", AT),
        new JobEvent.LayerFinished(JOB, LAYER, Status.COMPLETED, AT),
        new JobEvent.JobStatusChanged(JOB, Status.COMPLETED, AT),
        new JobEvent.ActionTaken(JOB, Action.KILL, ObjectKind.TASK, TASK, "ops", AT),
        new JobEvent.Paused(JOB, ObjectKind.LAYER, LAYER, 5_000, AT),
        new JobEvent.Unpaused(JOB, ObjectKind.LAYER, LAYER, AT),
        new JobEvent.TasksSkipped(JOB, List.of(TASK), AT),
        new JobEvent.LayerSkipped(JOB, LAYER, AT),
        new JobEvent.TaskKilled(JOB, TASK, 1, AT),
        new JobEvent.TaskReset(JOB, TASK, AT),
        new JobEvent.TaskTimedOut(JOB, TASK, 1, 0, AT),
        new JobEvent.TaskWithdrawn(JOB, TASK, 1, "given back", AT),
        new JobEvent.TasksRedelivered(JOB, List.of(TASK), "Redis lost its data", AT),
        new JobEvent.LayerReopened(JOB, LAYER, AT),
        new JobEvent.TasksKilled(JOB, List.of(new TaskAttempt(TASK, 1)), AT),
        new JobEvent.TasksWithdrawn(
            JOB, List.of(new TaskAttempt(TASK, 1)), "paused while queued", AT),
        new JobEvent.TasksReset(JOB, List.of(TASK), AT),
        new JobEvent.JobStarted(JOB, AT),
        new JobEvent.AttemptsReported(
            JOB,
            List.of(
                new ReportedAttempt(
                    TASK, 1, true, "w1", ReportedAttempt.Outcome.COMPLETED, "ok", null, 0)),
            AT));
  }

  @Test
  void aBatchOfReportsMeansTheEventsItStandsForOneAfterTheOther() {
    byte[] result = {7};
    JobEvent.AttemptsReported batch =
        new JobEvent.AttemptsReported(
            JOB,
            List.of(
                new ReportedAttempt(
                    TASK, 1, true, "w1", ReportedAttempt.Outcome.COMPLETED, "ok", result, 0),
                ReportedAttempt.started("t2", 3, "w2"),
                ReportedAttempt.ended("t3", 2, ReportedAttempt.Outcome.FAILED, "boom", null, 9_000),
                ReportedAttempt.ended("t4", 1, ReportedAttempt.Outcome.SKIPPED, "no", null, 0),
                ReportedAttempt.ended(
                    "t5", 1, ReportedAttempt.Outcome.WITHDRAWN, "given back by w", null, 0)),
            AT);

    assertThat(batch.each())
        .usingRecursiveFieldByFieldElementComparator()
        .containsExactly(
            new JobEvent.TaskStarted(JOB, TASK, 1, "w1", AT),
            new JobEvent.TaskCompleted(JOB, TASK, 1, result, "ok", AT),
            new JobEvent.TaskStarted(JOB, "t2", 3, "w2", AT),
            new JobEvent.TaskFailed(JOB, "t3", 2, "boom", 9_000, AT),
            new JobEvent.TaskSkipped(JOB, "t4", 1, "no", AT),
            new JobEvent.TaskWithdrawn(JOB, "t5", 1, "given back by w", AT));
    List<TaskTransition> expected =
        batch.each().stream().flatMap(e -> Transitions.of(e).tasks().stream()).toList();
    assertThat(Transitions.of(batch).tasks())
        .usingRecursiveFieldByFieldElementComparator()
        .containsExactlyElementsOf(expected);
    assertThat(Transitions.of(batch).tasks())
        .extracting(TaskTransition::step)
        .containsExactly(
            Step.STARTED, Step.COMPLETED, Step.STARTED, Step.FAILED, Step.SKIPPED, Step.WITHDRAWN);
    assertThat(Transitions.of(batch).layers()).isEmpty();
    assertThat(Transitions.of(batch).job()).isEmpty();
  }

  @Test
  void anAttemptInABatchEitherStartsOrEndsThere() {
    assertThatThrownBy(() -> new ReportedAttempt(TASK, 1, false, "", null, "", null, 0))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void everyKindOfEventHasAMeaning() {
    Set<Class<?>> kinds =
        oneOfEachKind().stream().map(Object::getClass).collect(Collectors.toSet());

    assertThat(kinds).containsExactlyInAnyOrder(JobEvent.class.getPermittedSubclasses());
    for (JobEvent event : oneOfEachKind()) {
      assertThat(Transitions.of(event)).as(event.getClass().getSimpleName()).isNotNull();
    }
  }

  @Test
  void aMissingEventIsAnErrorNotAnEventWithoutMeaning() {
    assertThatThrownBy(() -> Transitions.of(null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("unknown event null");
  }

  @Test
  void aCreatedJobRunsAndItsLayersWait() {
    Transitions t = Transitions.of(oneOfEachKind().get(0));

    assertThat(t.job()).contains(Status.RUNNING);
    assertThat(t.layers()).containsExactly(new LayerTransition(LAYER, Status.PENDING));
    assertThat(t.tasks()).isEmpty();
  }

  @Test
  void aJobCreatedToStartLaterWaitsAndItsStartMakesItRun() {
    Transitions created =
        Transitions.of(
            new JobEvent.JobCreated(
                JOB, "n", 0, List.of(new LayerPlan(LAYER, "", 0, 0)), AT, AT + 1));
    Transitions started = Transitions.of(new JobEvent.JobStarted(JOB, AT + 1));

    assertThat(created.job()).contains(Status.PENDING);
    assertThat(created.layers()).containsExactly(new LayerTransition(LAYER, Status.PENDING));
    assertThat(started.job()).contains(Status.RUNNING);
    assertThat(started.tasks()).isEmpty();
    assertThat(started.layers()).isEmpty();
  }

  @Test
  void anAddedTaskWaits() {
    TaskTransition t = Transitions.of(oneOfEachKind().get(1)).onlyTask();

    assertThat(t.step()).isEqualTo(Step.ADDED);
    assertThat(t.to()).isEqualTo(Status.PENDING);
    assertThat(t.endsAttempt()).isFalse();
  }

  @Test
  void queuedTasksBeginANewAttemptWithoutAWorkerAndKeepTheirMessage() {
    Transitions t = Transitions.of(new JobEvent.TasksQueued(JOB, List.of(TASK, OTHER), AT));

    assertThat(t.tasks()).extracting(TaskTransition::taskId).containsExactly(TASK, OTHER);
    TaskTransition first = t.tasks().get(0);
    assertThat(first.step()).isEqualTo(Step.QUEUED);
    assertThat(first.to()).isEqualTo(Status.QUEUED);
    assertThat(first.message()).isNull();
    assertThat(first.worker()).isEmpty();
    assertThat(first.retryAt()).isZero();
  }

  @Test
  void aStartedAttemptRunsWithItsWorker() {
    TaskTransition t = Transitions.of(new JobEvent.TaskStarted(JOB, TASK, 2, "w-9", AT)).onlyTask();

    assertThat(t.to()).isEqualTo(Status.RUNNING);
    assertThat(t.attempt()).isEqualTo(2);
    assertThat(t.worker()).isEqualTo("w-9");
    assertThat(t.endsAttempt()).isFalse();
  }

  @Test
  void aCompletedAttemptSetsTheResultAndMessageAndEndsWithoutBeingStopped() {
    byte[] result = {7};
    TaskTransition t =
        Transitions.of(new JobEvent.TaskCompleted(JOB, TASK, 1, result, "ok", AT)).onlyTask();

    assertThat(t.to()).isEqualTo(Status.COMPLETED);
    assertThat(t.message()).isEqualTo("ok");
    assertThat(t.changesResult()).isTrue();
    assertThat(t.result()).isSameAs(result);
    assertThat(t.endsAttempt()).isTrue();
    assertThat(t.stopsAttempt()).isFalse();
  }

  @Test
  void aFailureWithARetryTimeWaitsInPendingAndOneWithoutIsErrored() {
    TaskTransition retried =
        Transitions.of(new JobEvent.TaskFailed(JOB, TASK, 1, "boom", 9_000, AT)).onlyTask();
    TaskTransition final_ =
        Transitions.of(new JobEvent.TaskFailed(JOB, TASK, 1, "boom", 0, AT)).onlyTask();

    assertThat(retried.to()).isEqualTo(Status.PENDING);
    assertThat(retried.retryAt()).isEqualTo(9_000);
    assertThat(final_.to()).isEqualTo(Status.ERRORED);
    assertThat(List.of(retried, final_))
        .allSatisfy(
            t -> {
              assertThat(t.message()).isEqualTo("boom");
              assertThat(t.endsAttempt()).isTrue();
              assertThat(t.stopsAttempt()).isFalse();
            });
  }

  @Test
  void aTimeOutIsAFailureThatSaysTimedOutAndStopsTheAttempt() {
    TaskTransition retried =
        Transitions.of(new JobEvent.TaskTimedOut(JOB, TASK, 3, 9_000, AT)).onlyTask();
    TaskTransition final_ =
        Transitions.of(new JobEvent.TaskTimedOut(JOB, TASK, 3, 0, AT)).onlyTask();

    assertThat(retried.to()).isEqualTo(Status.PENDING);
    assertThat(retried.retryAt()).isEqualTo(9_000);
    assertThat(final_.to()).isEqualTo(Status.ERRORED);
    assertThat(final_.message()).isEqualTo("timed out").isEqualTo(TaskTransition.TIMED_OUT);
    assertThat(final_.stopsAttempt()).isTrue();
  }

  @Test
  void aKilledAttemptIsErroredKilledAndStopped() {
    TaskTransition t = Transitions.of(new JobEvent.TaskKilled(JOB, TASK, 2, AT)).onlyTask();

    assertThat(t.to()).isEqualTo(Status.ERRORED);
    assertThat(t.message()).isEqualTo("killed").isEqualTo(TaskTransition.KILLED);
    assertThat(t.attempt()).isEqualTo(2);
    assertThat(t.endsAttempt()).isTrue();
    assertThat(t.stopsAttempt()).isTrue();
  }

  @Test
  void aSkipStopsTheAttemptInFlightAndOnlyThatOne() {
    TaskTransition inFlight =
        Transitions.of(new JobEvent.TaskSkipped(JOB, TASK, 2, "no", AT)).onlyTask();
    TaskTransition waiting =
        Transitions.of(new JobEvent.TaskSkipped(JOB, TASK, 0, "skipped", AT)).onlyTask();

    assertThat(inFlight.to()).isEqualTo(Status.SKIPPED);
    assertThat(inFlight.message()).isEqualTo("no");
    assertThat(inFlight.stopsAttempt()).isTrue();
    assertThat(inFlight.endsAttempt()).isTrue();
    assertThat(waiting.stopsAttempt()).isFalse();
    assertThat(waiting.endsAttempt()).isFalse();
  }

  @Test
  void tasksSkippedInFlightInBulkStopTheirAttempts() {
    Transitions t =
        Transitions.of(
            new JobEvent.TasksSkipped(JOB, List.of(OTHER), AT, List.of(new TaskAttempt(TASK, 3))));

    assertThat(t.tasks()).extracting(TaskTransition::taskId).containsExactly(OTHER, TASK);
    TaskTransition inFlight = t.tasks().get(1);
    assertThat(inFlight.to()).isEqualTo(Status.SKIPPED);
    assertThat(inFlight.message()).isEqualTo(TaskTransition.SKIPPED);
    assertThat(inFlight.attempt()).isEqualTo(3);
    assertThat(inFlight.endsAttempt()).isTrue();
    assertThat(inFlight.stopsAttempt()).isTrue();
    assertThat(t.tasks().get(0).endsAttempt()).isFalse();
  }

  @Test
  void tasksSkippedInBulkAreSkippedWithTheMessageSkippedAndNoAttempt() {
    Transitions t = Transitions.of(new JobEvent.TasksSkipped(JOB, List.of(TASK, OTHER), AT));

    assertThat(t.tasks())
        .hasSize(2)
        .allSatisfy(
            task -> {
              assertThat(task.to()).isEqualTo(Status.SKIPPED);
              assertThat(task.message()).isEqualTo("skipped").isEqualTo(TaskTransition.SKIPPED);
              assertThat(task.attempt()).isZero();
              assertThat(task.endsAttempt()).isFalse();
            });
  }

  @Test
  void tasksKilledInBulkMeanForEachTaskWhatTaskKilledMeansForOne() {
    Transitions bulk =
        Transitions.of(
            new JobEvent.TasksKilled(
                JOB, List.of(new TaskAttempt(TASK, 2), new TaskAttempt(OTHER, 1)), AT));

    assertThat(bulk.tasks())
        .usingRecursiveFieldByFieldElementComparator()
        .containsExactly(
            Transitions.of(new JobEvent.TaskKilled(JOB, TASK, 2, AT)).onlyTask(),
            Transitions.of(new JobEvent.TaskKilled(JOB, OTHER, 1, AT)).onlyTask());
    assertThat(bulk.tasks()).allMatch(t -> t.stopsAttempt() && t.endsAttempt());
    assertThat(bulk.layers()).isEmpty();
    assertThat(bulk.job()).isEmpty();
  }

  @Test
  void tasksWithdrawnInBulkMeanForEachTaskWhatTaskWithdrawnMeansForOne() {
    Transitions bulk =
        Transitions.of(
            new JobEvent.TasksWithdrawn(
                JOB,
                List.of(new TaskAttempt(TASK, 3), new TaskAttempt(OTHER, 1)),
                "paused while queued",
                AT));

    assertThat(bulk.tasks())
        .usingRecursiveFieldByFieldElementComparator()
        .containsExactly(
            Transitions.of(new JobEvent.TaskWithdrawn(JOB, TASK, 3, "paused while queued", AT))
                .onlyTask(),
            Transitions.of(new JobEvent.TaskWithdrawn(JOB, OTHER, 1, "paused while queued", AT))
                .onlyTask());
    assertThat(bulk.tasks()).allMatch(t -> t.stopsAttempt() && t.endsAttempt());
  }

  @Test
  void tasksResetInBulkMeanForEachTaskWhatTaskResetMeansForOne() {
    Transitions bulk = Transitions.of(new JobEvent.TasksReset(JOB, List.of(TASK, OTHER), AT));

    assertThat(bulk.tasks())
        .usingRecursiveFieldByFieldElementComparator()
        .containsExactly(
            Transitions.of(new JobEvent.TaskReset(JOB, TASK, AT)).onlyTask(),
            Transitions.of(new JobEvent.TaskReset(JOB, OTHER, AT)).onlyTask());
  }

  @Test
  void aResetTaskWaitsAgainWithNoMessageResultOrWorker() {
    TaskTransition t = Transitions.of(new JobEvent.TaskReset(JOB, TASK, AT)).onlyTask();

    assertThat(t.step()).isEqualTo(Step.RESET);
    assertThat(t.to()).isEqualTo(Status.PENDING);
    assertThat(t.message()).isEmpty();
    assertThat(t.worker()).isEmpty();
    assertThat(t.changesResult()).isTrue();
    assertThat(t.result()).isNull();
  }

  @Test
  void aWithdrawnAttemptWaitsAgainWithItsReasonAndIsStopped() {
    TaskTransition t =
        Transitions.of(new JobEvent.TaskWithdrawn(JOB, TASK, 1, "paused while queued", AT))
            .onlyTask();

    assertThat(t.to()).isEqualTo(Status.PENDING);
    assertThat(t.message()).isEqualTo("paused while queued");
    assertThat(t.worker()).isEmpty();
    assertThat(t.endsAttempt()).isTrue();
    assertThat(t.stopsAttempt()).isTrue();
  }

  @Test
  void layerEventsNameTheLayersNewStatus() {
    assertThat(Transitions.of(new JobEvent.LayersStarted(JOB, List.of(LAYER, "l2"), AT)).layers())
        .containsExactly(
            new LayerTransition(LAYER, Status.RUNNING), new LayerTransition("l2", Status.RUNNING));
    assertThat(
            Transitions.of(new JobEvent.LayerFinished(JOB, LAYER, Status.ERRORED, AT)).onlyLayer())
        .isEqualTo(new LayerTransition(LAYER, Status.ERRORED));
    assertThat(Transitions.of(new JobEvent.LayerSkipped(JOB, LAYER, AT)).onlyLayer().to())
        .isEqualTo(Status.SKIPPED);
    assertThat(Transitions.of(new JobEvent.LayerReopened(JOB, LAYER, AT)).onlyLayer().to())
        .isEqualTo(Status.RUNNING);
  }

  @Test
  void theJobsStatusChangeIsTheStatusItNames() {
    Transitions t = Transitions.of(new JobEvent.JobStatusChanged(JOB, Status.ERRORED, AT));

    assertThat(t.job()).contains(Status.ERRORED);
    assertThat(t.tasks()).isEmpty();
    assertThat(t.layers()).isEmpty();
  }

  @Test
  void pausesChangeNoStatus() {
    Transitions paused =
        Transitions.of(new JobEvent.Paused(JOB, ObjectKind.TASK, TASK, 77_000, AT));
    Transitions unpaused = Transitions.of(new JobEvent.Unpaused(JOB, ObjectKind.TASK, TASK, AT));

    assertThat(paused.pause()).contains(new PauseChange(ObjectKind.TASK, TASK, 77_000));
    assertThat(unpaused.pause()).contains(new PauseChange(ObjectKind.TASK, TASK, 0));
    assertThat(List.of(paused, unpaused))
        .allSatisfy(
            t -> {
              assertThat(t.tasks()).isEmpty();
              assertThat(t.job()).isEmpty();
            });
  }

  @Test
  void anActionTakenIsTheAuditTrailOnly() {
    Transitions t =
        Transitions.of(
            new JobEvent.ActionTaken(JOB, Action.RETRY, ObjectKind.LAYER, LAYER, "ops", AT));

    assertThat(t.audit())
        .contains(new AuditEntry(Action.RETRY, ObjectKind.LAYER, LAYER, "ops", AT));
    assertThat(t.tasks()).isEmpty();
    assertThat(t.layers()).isEmpty();
    assertThat(t.job()).isEqualTo(Optional.empty());
    assertThat(t.pause()).isEmpty();
  }
}
