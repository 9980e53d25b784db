package igor.domain;

import static igor.domain.Events.only;
import static igor.domain.Events.types;
import static igor.domain.Plans.aJob;
import static igor.domain.Plans.aLayer;
import static igor.domain.Plans.aTask;
import static igor.domain.Refs.jobRef;
import static igor.domain.Refs.layerRef;
import static igor.domain.Refs.taskRef;
import static org.assertj.core.api.Assertions.assertThat;

import igor.domain.JobEvent.ActionTaken;
import igor.domain.JobEvent.JobCreated;
import igor.domain.JobEvent.JobStarted;
import igor.domain.JobEvent.JobStatusChanged;
import igor.domain.JobEvent.LayerSkipped;
import igor.domain.JobEvent.LayersStarted;
import igor.domain.JobEvent.Paused;
import igor.domain.JobEvent.TasksAdded;
import igor.domain.JobEvent.TasksQueued;
import igor.domain.JobEvent.TasksSkipped;
import igor.domain.JobEvent.Unpaused;
import igor.domain.Plans.LayerBuilder;
import igor.domain.Plans.TaskBuilder;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A job created to start later (docs/semantics.md, "Delayed start"): it waits PENDING with its
 * start time, nothing of it starts until then, it can be steered meanwhile, and it starts at its
 * time, however late, or at once when a person starts it.
 */
class DelayedStartTest {
  private static final long START = JobScenario.START;
  private static final long IN_A_MINUTE = START + 60_000;

  private final TaskBuilder a = aTask();
  private final TaskBuilder b = aTask();
  private final LayerBuilder first = aLayer().priority(0).with(a);
  private final LayerBuilder second = aLayer().priority(1).with(b);
  private final Plans.JobBuilder plan = aJob().with(first, second).startingAt(IN_A_MINUTE);

  // ---- creation ----

  @Test
  void aJobCreatedToStartLaterWaitsPendingWithItsStartTimeAndNothingOfItStarted() {
    JobScenario job = JobScenario.created(plan);

    assertThat(types(job.lastEvents())).containsExactly(JobCreated.class, TasksAdded.class);
    assertThat(only(job.lastEvents(), JobCreated.class).startAt()).isEqualTo(IN_A_MINUTE);
    assertThat(job.status()).isEqualTo(Status.PENDING);
    assertThat(job.job().waitingToStart()).isTrue();
    assertThat(job.job().startAt()).isEqualTo(IN_A_MINUTE);
    assertThat(job.statusOfLayer(first.id())).isEqualTo(Status.PENDING);
    assertThat(job.statusOfTask(a.id())).isEqualTo(Status.PENDING);
    assertThat(job.job().snapshot().startAt()).isEqualTo(IN_A_MINUTE);
    assertThat(job.job().snapshot().waitingToStart()).isTrue();
  }

  @Test
  void aWaitingJobWakesAtItsStartTime() {
    JobScenario job = JobScenario.created(plan);

    assertThat(job.job().nextWakeAt()).isEqualTo(IN_A_MINUTE);
  }

  @Test
  void aStartTimeNotAfterTheCreationStartsTheJobAtOnceAndRecordsNoStartTime() {
    JobScenario past = JobScenario.created(aJob().with(aLayer().with(aTask())).startingAt(START));
    JobScenario earlier =
        JobScenario.created(aJob().with(aLayer().with(aTask())).startingAt(START - 5_000));

    for (JobScenario job : List.of(past, earlier)) {
      assertThat(job.status()).isEqualTo(Status.RUNNING);
      assertThat(only(job.history(), JobCreated.class).startAt()).isZero();
      assertThat(job.job().startAt()).isZero();
      assertThat(types(job.history())).contains(LayersStarted.class, TasksQueued.class);
    }
  }

  @Test
  void aJobWithoutTasksCreatedToStartLaterWaitsRatherThanCompleting() {
    JobScenario job = JobScenario.created(aJob().startingAt(IN_A_MINUTE));

    assertThat(job.status()).isEqualTo(Status.PENDING);
    assertThat(job.at(IN_A_MINUTE).wake())
        .extracting(e -> (Object) e.getClass())
        .containsExactly(JobStarted.class, JobStatusChanged.class);
    assertThat(job.status()).isEqualTo(Status.COMPLETED);
  }

  @Test
  void aStartTimeFurtherAheadThanTheLimitIsRefusedNamingTheSetting() {
    JobDecider decider =
        new JobDecider(JobScenario.RETRY_POLICY, 100, new PlanBounds(60, 10, 3_600));

    Decision tooFar =
        decider.create(Job.empty(), aJob().startingAt(START + 3_600_001).build(), START);
    Decision justWithin =
        decider.create(Job.empty(), aJob().startingAt(START + 3_600_000).build(), START);
    Decision negative = decider.create(Job.empty(), aJob().startingAt(-1).build(), START);

    assertThat(tooFar).isInstanceOf(Decision.Rejected.class);
    Rejection rejection = ((Decision.Rejected) tooFar).rejection();
    assertThat(rejection.kind()).isEqualTo(Rejection.Kind.INVALID);
    assertThat(rejection.reason()).contains("igor.limits.max-start-delay").contains("3600");
    assertThat(justWithin).isInstanceOf(Decision.Accepted.class);
    assertThat(negative).isInstanceOf(Decision.Rejected.class);
  }

  // ---- time ----

  @Test
  void beforeItsTimeAWakeChangesNothing() {
    JobScenario job = JobScenario.created(plan);

    assertThat(job.at(IN_A_MINUTE - 1).wake()).isEmpty();
    assertThat(job.status()).isEqualTo(Status.PENDING);
    assertThat(job.job().nextWakeAt()).isEqualTo(IN_A_MINUTE);
  }

  @Test
  void atItsTimeTheJobStartsAndItsFirstGroupIsQueued() {
    JobScenario job = JobScenario.created(plan);

    List<JobEvent> events = job.at(IN_A_MINUTE).wake();

    assertThat(types(events))
        .containsExactly(JobStarted.class, LayersStarted.class, TasksQueued.class);
    assertThat(only(events, JobStarted.class).at()).isEqualTo(IN_A_MINUTE);
    assertThat(job.status()).isEqualTo(Status.RUNNING);
    assertThat(job.job().waitingToStart()).isFalse();
    assertThat(job.job().startAt()).as("the time it was due, kept").isEqualTo(IN_A_MINUTE);
    assertThat(job.statusOfTask(a.id())).isEqualTo(Status.QUEUED);
    assertThat(job.statusOfTask(b.id())).isEqualTo(Status.PENDING);
  }

  @Test
  void aJobWhoseTimePassedWhileNothingRanStartsAtTheFirstWakeHoweverLate() {
    JobScenario job = JobScenario.created(plan);

    List<JobEvent> events = job.at(IN_A_MINUTE + 86_400_000).wake();

    assertThat(types(events)).startsWith(JobStarted.class);
    assertThat(job.statusOfTask(a.id())).isEqualTo(Status.QUEUED);
  }

  @Test
  void aStartedJobIsNotStartedAgainByALaterWake() {
    JobScenario job = JobScenario.created(plan);
    job.at(IN_A_MINUTE).wake();

    assertThat(job.later(1_000).wake()).isEmpty();
  }

  @Test
  void theJobRestoredFromASnapshotStillWaitsForItsTime() {
    JobScenario job = JobScenario.created(plan);

    JobScenario restored = JobScenario.over(Job.restore(job.job().snapshot()), START + 1_000);

    assertThat(restored.status()).isEqualTo(Status.PENDING);
    assertThat(restored.job().nextWakeAt()).isEqualTo(IN_A_MINUTE);
    assertThat(types(restored.at(IN_A_MINUTE).wake())).startsWith(JobStarted.class);
  }

  @Test
  void replayingTheJournalGivesTheSameWaitingJob() {
    JobScenario job = JobScenario.created(plan);

    Job replayed = Job.empty();
    job.history().forEach(replayed::apply);

    assertThat(replayed.snapshot()).usingRecursiveComparison().isEqualTo(job.job().snapshot());
  }

  // ---- start now ----

  @Test
  void startNowStartsAWaitingJobAtOnceAndIsRecorded() {
    JobScenario job = JobScenario.created(plan);

    int updated = job.later(5_000).act(Action.START, jobRef(job.jobId()));

    assertThat(updated).isEqualTo(1);
    assertThat(types(job.lastEvents()))
        .containsExactly(
            ActionTaken.class, JobStarted.class, LayersStarted.class, TasksQueued.class);
    assertThat(only(job.lastEvents(), ActionTaken.class).action()).isEqualTo(Action.START);
    assertThat(job.status()).isEqualTo(Status.RUNNING);
    assertThat(job.statusOfTask(a.id())).isEqualTo(Status.QUEUED);
    assertThat(job.at(IN_A_MINUTE).wake()).as("its time comes later: nothing more").isEmpty();
    assertThat(job.audit()).extracting(AuditEntry::action).containsExactly(Action.START);
  }

  @Test
  void startNowWithACurrentEtagApplies_withAStaleOneIsPassedOver() {
    JobScenario job = JobScenario.created(plan);
    String etag = job.etagOfJob();
    job.act(Action.PAUSE, jobRef(job.jobId()));

    assertThat(job.act(Action.START, jobRef(job.jobId(), etag))).isZero();
    assertThat(job.act(Action.START, jobRef(job.jobId(), job.etagOfJob()))).isEqualTo(1);
  }

  @Test
  void startNowAppliesOnlyToAJobThatWaits() {
    JobScenario waiting = JobScenario.created(plan);
    JobScenario running = JobScenario.created(aJob().with(aLayer().with(aTask())));

    assertThat(waiting.act(Action.START, layerRef(first.id()), taskRef(a.id()))).isZero();
    assertThat(running.act(Action.START, jobRef(running.jobId()))).isZero();
    waiting.act(Action.START, jobRef(waiting.jobId()));
    assertThat(waiting.act(Action.START, jobRef(waiting.jobId()))).as("already started").isZero();
  }

  // ---- steering while it waits ----

  @Test
  void aWaitingJobCanBePausedAndStartsAtItsTimeWithNothingQueuedUntilUnpaused() {
    JobScenario job = JobScenario.created(plan);

    assertThat(job.act(Action.PAUSE, jobRef(job.jobId()))).isEqualTo(1);
    assertThat(job.status()).isEqualTo(Status.PENDING);
    List<JobEvent> atItsTime = job.at(IN_A_MINUTE).wake();

    assertThat(types(atItsTime)).contains(JobStarted.class).doesNotContain(TasksQueued.class);
    assertThat(job.status()).isEqualTo(Status.RUNNING);
    assertThat(job.statusOfTask(a.id())).isEqualTo(Status.PENDING);
    assertThat(job.act(Action.UNPAUSE, jobRef(job.jobId()))).isEqualTo(1);
    assertThat(types(job.lastEvents())).contains(Unpaused.class, TasksQueued.class);
    assertThat(job.statusOfTask(a.id())).isEqualTo(Status.QUEUED);
  }

  @Test
  void pausingAndUnpausingAWaitingJobKeepsItWaiting() {
    JobScenario job = JobScenario.created(plan);

    job.act(Action.PAUSE, jobRef(job.jobId()));
    assertThat(types(job.lastEvents())).containsExactly(ActionTaken.class, Paused.class);
    job.act(Action.UNPAUSE, jobRef(job.jobId()));

    assertThat(types(job.lastEvents())).containsExactly(ActionTaken.class, Unpaused.class);
    assertThat(job.status()).isEqualTo(Status.PENDING);
    assertThat(job.job().nextWakeAt()).isEqualTo(IN_A_MINUTE);
  }

  @Test
  void skippingAWaitingJobSkipsEverythingAndItNeverStarts() {
    JobScenario job = JobScenario.created(plan);

    assertThat(job.act(Action.SKIP, jobRef(job.jobId()))).isEqualTo(1);

    assertThat(types(job.lastEvents()))
        .containsExactly(
            ActionTaken.class,
            TasksSkipped.class,
            LayerSkipped.class,
            TasksSkipped.class,
            LayerSkipped.class,
            JobStatusChanged.class);
    assertThat(job.status()).isEqualTo(Status.SKIPPED);
    assertThat(job.job().waitingToStart()).isFalse();
    assertThat(job.job().nextWakeAt()).isZero();
    assertThat(job.at(IN_A_MINUTE).wake()).isEmpty();
    assertThat(job.act(Action.START, jobRef(job.jobId()))).isZero();
  }

  @Test
  void skippingALayerOfAWaitingJobLeavesTheJobWaitingAndTheNextLayerRunsFirstAtItsTime() {
    JobScenario job = JobScenario.created(plan);

    assertThat(job.act(Action.SKIP, layerRef(first.id()))).isEqualTo(1);
    assertThat(job.status()).isEqualTo(Status.PENDING);
    assertThat(job.statusOfLayer(second.id())).isEqualTo(Status.PENDING);
    job.at(IN_A_MINUTE).wake();

    assertThat(job.statusOfLayer(second.id())).isEqualTo(Status.RUNNING);
    assertThat(job.statusOfTask(b.id())).isEqualTo(Status.QUEUED);
  }

  @Test
  void killAndRetryFindNothingToActOnInAWaitingJob() {
    JobScenario job = JobScenario.created(plan);

    assertThat(job.act(Action.KILL, jobRef(job.jobId()), taskRef(a.id()))).isZero();
    assertThat(job.act(Action.RETRY, jobRef(job.jobId()), layerRef(first.id()))).isZero();
    assertThat(job.status()).isEqualTo(Status.PENDING);
    assertThat(job.job().nextWakeAt()).isEqualTo(IN_A_MINUTE);
  }

  @Test
  void tasksCanBeAddedToAWaitingJobAndWaitWithIt() {
    JobScenario job = JobScenario.created(plan);
    TaskPlan added = aTask().in(second.id());

    List<JobEvent> events = job.addTasks(added);

    assertThat(types(events)).containsExactly(TasksAdded.class);
    assertThat(job.statusOfTask(added.taskId())).isEqualTo(Status.PENDING);
    assertThat(job.status()).isEqualTo(Status.PENDING);
  }

  @Test
  void reportsForAWaitingJobChangeNothing() {
    JobScenario job = JobScenario.created(plan);

    assertThat(job.report(job.reportOf(WorkerReport.Kind.STARTED, a.id(), 1, "", null, true)))
        .isEmpty();
    assertThat(job.status()).isEqualTo(Status.PENDING);
  }

  // ---- the status table ----

  @Test
  void aWaitingJobMayOnlyStartOrBeSkipped() {
    for (Status to : Status.values()) {
      boolean allowed = AllowedStatusChanges.isAllowed(ObjectKind.JOB, Status.PENDING, to);
      assertThat(allowed)
          .as("PENDING -> %s", to)
          .isEqualTo(to == Status.RUNNING || to == Status.SKIPPED);
    }
    assertThat(AllowedStatusChanges.initialJob(0)).isEqualTo(Status.RUNNING);
    assertThat(AllowedStatusChanges.initialJob(IN_A_MINUTE)).isEqualTo(Status.PENDING);
  }
}
