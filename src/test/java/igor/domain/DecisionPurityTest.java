package igor.domain;

import static igor.domain.Plans.aJob;
import static igor.domain.Plans.aLayer;
import static igor.domain.Plans.aTask;
import static org.assertj.core.api.Assertions.assertThat;

import igor.domain.Plans.LayerBuilder;
import igor.domain.Plans.TaskBuilder;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Deciding never changes the job: only applying the decided events does. (Every decision made
 * through {@link JobScenario} is checked for this too; these tests look at it directly.)
 */
class DecisionPurityTest {
  private static final long NOW = JobScenario.START;
  private final JobDecider decider = new JobDecider(JobScenario.RETRY_POLICY);

  private final TaskBuilder a = aTask().retries(1);
  private final TaskBuilder b = aTask();
  private final LayerBuilder first = aLayer().priority(0).with(a, b);
  private final LayerBuilder second = aLayer().priority(1).withTasks(2);
  private final LayerBuilder pausedLayer = aLayer().priority(0).paused().withTasks(1);

  private Job aRunningJob() {
    return JobScenario.created(aJob().with(first, second, pausedLayer)).job();
  }

  @Test
  void decidingACreationLeavesTheEmptyJobEmpty() {
    Job job = Job.empty();
    JobSnapshot before = job.snapshot();

    Decision decision = decider.create(job, aJob().with(first, second).build(), NOW);

    assertThat(decision).isInstanceOf(Decision.Accepted.class);
    assertThat(job.exists()).isFalse();
    assertThat(job.layers()).isEmpty();
    assertThat(job.taskCount()).isZero();
    assertThat(job.snapshot()).usingRecursiveComparison().isEqualTo(before);
  }

  @Test
  void decidingToAddTasksLeavesTheJobAsItWas() {
    Job job = aRunningJob();
    JobSnapshot before = job.snapshot();
    List<String> secondTasksBefore = List.copyOf(job.findLayer(second.id()).taskIds());

    Decision decision =
        decider.addTasks(job, List.of(aTask().in(second), aTask().in(pausedLayer)), NOW);

    assertThat(decision).isInstanceOf(Decision.Accepted.class);
    assertThat(job.snapshot()).usingRecursiveComparison().isEqualTo(before);
    assertThat(job.findLayer(second.id()).taskIds()).isEqualTo(secondTasksBefore);
    assertThat(job.findLayer(second.id()).count(Status.PENDING)).isEqualTo(2);
  }

  @Test
  void tasksOfADiscardedDecisionNeverShowUpInTheLayerLater() {
    Job job = aRunningJob();
    TaskBuilder discarded = aTask();
    TaskBuilder kept = aTask();

    decider.addTasks(job, List.of(discarded.in(second)), NOW);
    Decision applied = decider.addTasks(job, List.of(kept.in(second)), NOW);
    ((Decision.Accepted) applied).events().forEach(job::apply);

    assertThat(job.findLayer(second.id()).taskIds())
        .containsExactlyElementsOf(concat(second.taskIds(), List.of(kept.id())));
    assertThat(job.findTask(discarded.id())).isNull();
    assertThat(job.findLayer(second.id()).count(Status.PENDING)).isEqualTo(3);
  }

  @Test
  void decidingOnReportsLeavesTheJobAsItWas() {
    Job job = aRunningJob();
    JobSnapshot before = job.snapshot();

    Decision decision =
        decider.applyReports(
            job,
            List.of(
                report(job, WorkerReport.Kind.COMPLETED, b.id()),
                report(job, WorkerReport.Kind.FAILED, a.id())),
            NOW);

    List<JobEvent> events = ((Decision.Accepted) decision).events();
    assertThat(events)
        .extracting(e -> e.getClass().getSimpleName())
        .containsExactly("AttemptsReported");
    assertThat(Events.types(events))
        .containsExactly(JobEvent.TaskCompleted.class, JobEvent.TaskFailed.class);
    assertThat(job.snapshot()).usingRecursiveComparison().isEqualTo(before);
    assertThat(job.findLayer(first.id()).count(Status.QUEUED)).isEqualTo(2);
  }

  @Test
  void wakingForADueRetryLeavesTheJobAsItWas() {
    JobScenario scenario = JobScenario.created(aJob().with(first, second));
    scenario.fail(a.id(), "transient");
    Job job = scenario.job();
    JobSnapshot before = job.snapshot();

    Decision decision = decider.wake(job, job.nextRetryAt());

    assertThat(((Decision.Accepted) decision).events()).hasSize(1);
    assertThat(job.snapshot()).usingRecursiveComparison().isEqualTo(before);
    assertThat(job.findTask(a.id()).status()).isEqualTo(Status.PENDING);
  }

  @Test
  void decidingToStartAWaitingJobNowOrAtItsTimeLeavesTheJobAsItWas() {
    Job job =
        JobScenario.created(aJob().with(first, second).startingAt(JobScenario.START + 60_000))
            .job();
    JobSnapshot before = job.snapshot();

    Decision startNow =
        decider.act(
            job, Action.START, List.of(new ObjectRef(ObjectKind.JOB, job.id(), "")), "ops", NOW);
    Decision atItsTime = decider.wake(job, JobScenario.START + 60_000);

    assertThat(JobDecider.applied(((Decision.Accepted) startNow).events())).isEqualTo(1);
    assertThat(((Decision.Accepted) atItsTime).events()).isNotEmpty();
    assertThat(job.snapshot()).usingRecursiveComparison().isEqualTo(before);
    assertThat(job.status()).isEqualTo(Status.PENDING);
  }

  @Test
  void decidingOnActionsLeavesTheJobAsItWas() {
    JobScenario scenario = JobScenario.created(aJob().with(first, second, pausedLayer));
    scenario.fail(b.id(), "broken");
    Job job = scenario.job();
    JobSnapshot before = job.snapshot();
    List<ObjectRef> everything =
        List.of(
            new ObjectRef(ObjectKind.TASK, a.id(), ""),
            new ObjectRef(ObjectKind.TASK, b.id(), ""),
            new ObjectRef(ObjectKind.LAYER, first.id(), ""),
            new ObjectRef(ObjectKind.LAYER, pausedLayer.id(), ""),
            new ObjectRef(ObjectKind.LAYER, second.id(), ""),
            new ObjectRef(ObjectKind.JOB, job.id(), ""));

    for (Action action : Action.values()) {
      if (action == Action.START) {
        continue; // applies only to a job that waits for its start time: below
      }
      Decision decision = decider.act(job, action, everything, "someone", NOW);

      assertThat(JobDecider.applied(((Decision.Accepted) decision).events()))
          .as("objects %s would change", action)
          .isPositive();
      assertThat(job.snapshot()).usingRecursiveComparison().isEqualTo(before);
    }
    assertThat(job.snapshot().audit()).isEmpty();
    assertThat(job.findTask(b.id()).status()).isEqualTo(Status.ERRORED);
    assertThat(job.findTask(a.id()).status()).isEqualTo(Status.QUEUED);
  }

  @Test
  void sameStateAndActionGiveTheSameEvents() {
    Job job = aRunningJob();
    List<ObjectRef> refs =
        List.of(
            new ObjectRef(ObjectKind.LAYER, first.id(), ""),
            new ObjectRef(ObjectKind.JOB, job.id(), ""));

    Decision once = decider.act(job, Action.SKIP, refs, "someone", NOW);
    Decision twice = decider.act(job, Action.SKIP, refs, "someone", NOW);

    assertThat(twice).usingRecursiveComparison().isEqualTo(once);
  }

  @Test
  void rejectedDecisionsLeaveTheJobAsItWas() {
    Job job = aRunningJob();
    JobSnapshot before = job.snapshot();

    Decision running = decider.addTasks(job, List.of(aTask().in(second), aTask().in(first)), NOW);
    Decision invalid =
        decider.addTasks(job, List.of(aTask().in(second), aTask().ofType("").in(second)), NOW);
    Decision again = decider.create(job, aJob().build(), NOW);

    assertThat(running).isInstanceOf(Decision.Rejected.class);
    assertThat(invalid).isInstanceOf(Decision.Rejected.class);
    assertThat(again).isInstanceOf(Decision.Rejected.class);
    assertThat(job.snapshot()).usingRecursiveComparison().isEqualTo(before);
  }

  @Test
  void sameStateAndCommandGiveTheSameEvents() {
    Job job = aRunningJob();
    List<WorkerReport> reports =
        List.of(
            report(job, WorkerReport.Kind.FAILED, a.id()),
            report(job, WorkerReport.Kind.COMPLETED, b.id()));

    Decision once = decider.applyReports(job, reports, NOW);
    Decision twice = decider.applyReports(job, reports, NOW);
    Decision byAnother =
        new JobDecider(new RetryPolicy(1_000, 60_000)).applyReports(job, reports, NOW);

    assertThat(twice).usingRecursiveComparison().isEqualTo(once);
    assertThat(byAnother).usingRecursiveComparison().isEqualTo(once);
  }

  @Test
  void decidedEventsAppliedToTheJobGiveTheStateTheDecisionSaw() {
    Job job = aRunningJob();
    Decision decision =
        decider.applyReports(job, List.of(report(job, WorkerReport.Kind.COMPLETED, b.id())), NOW);
    List<JobEvent> events = ((Decision.Accepted) decision).events();

    events.forEach(job::apply);

    assertThat(job.findTask(b.id()).status()).isEqualTo(Status.COMPLETED);
    Decision duplicate =
        decider.applyReports(job, List.of(report(job, WorkerReport.Kind.COMPLETED, b.id())), NOW);
    assertThat(duplicate).isEqualTo(new Decision.Accepted(List.of()));
  }

  private static WorkerReport report(Job job, WorkerReport.Kind kind, String taskId) {
    return new WorkerReport(kind, job.id(), taskId, 1, "w", "m", null, true, NOW);
  }

  private static <T> List<T> concat(List<T> first, List<T> second) {
    List<T> both = new java.util.ArrayList<>(first);
    both.addAll(second);
    return both;
  }
}
