package igor.entity;

import static org.assertj.core.api.Assertions.assertThat;

import igor.domain.Action;
import igor.domain.Decision;
import igor.domain.Identifiers;
import igor.domain.Job;
import igor.domain.JobDecider;
import igor.domain.JobEvent;
import igor.domain.JobPlan;
import igor.domain.LayerPlan;
import igor.domain.ObjectKind;
import igor.domain.ObjectRef;
import igor.domain.RetryPolicy;
import igor.domain.Status;
import igor.domain.TaskPlan;
import igor.domain.WorkerReport;
import igor.queue.AttemptLease;
import igor.queue.TaskDelivery;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What a job entity does outside itself, decided without an actor from the job and its events. */
class JobEffectsTest {
  private static final long NOW = 1_767_225_600_000L;
  private final JobDecider decider = new JobDecider(new RetryPolicy(1_000, 60_000));
  private final String first = Identifiers.newId();
  private final String later = Identifiers.newId();
  private final String a = Identifiers.newId();
  private final String b = Identifiers.newId();
  private final String c = Identifiers.newId();
  private Job job = Job.empty();

  private List<JobEvent> decide(Decision decision) {
    List<JobEvent> events = ((Decision.Accepted) decision).events();
    for (JobEvent event : events) {
      job = job.apply(event);
    }
    return events;
  }

  private List<JobEvent> create() {
    String jobId = Identifiers.newId();
    return decide(
        decider.create(
            job,
            new JobPlan(
                jobId,
                "effects",
                0,
                List.of(new LayerPlan(first, "first", 0, 0), new LayerPlan(later, "later", 1, 0)),
                List.of(
                    new TaskPlan(a, first, "echo", "", null, 0, 1),
                    new TaskPlan(b, first, "echo", "", null, 0, 0),
                    new TaskPlan(c, later, "echo", "", null, 0, 0))),
            NOW));
  }

  private List<JobEvent> report(WorkerReport.Kind kind, String taskId, boolean retryable) {
    return decide(
        decider.applyReports(
            job,
            List.of(new WorkerReport(kind, job.id(), taskId, 1, "w", "", null, retryable, NOW)),
            NOW));
  }

  @Test
  void aCreatedJobHandsOutItsFirstGroupOnly() {
    JobEffects effects = JobEffects.afterPersist(job, create());

    assertThat(effects.deliveries()).extracting(TaskDelivery::taskId).containsExactly(a, b);
    assertThat(effects.deliveries())
        .allSatisfy(
            d -> {
              assertThat(d.attempt()).isEqualTo(1);
              assertThat(d.deliveryId()).isEqualTo(Identifiers.deliveryId(d.taskId(), 1));
              assertThat(d.jobId()).isEqualTo(job.id());
            });
    assertThat(effects.withdrawals()).isEmpty();
    assertThat(effects.atRest()).isFalse();
    assertThat(effects.wakeAt()).isZero();
  }

  @Test
  void aKillTakesBackTheAttemptItEnds() {
    create();
    report(WorkerReport.Kind.STARTED, a, true);

    JobEffects effects =
        JobEffects.afterPersist(
            job,
            decide(
                decider.act(
                    job, Action.KILL, List.of(new ObjectRef(ObjectKind.TASK, a, "")), "me", NOW)));

    assertThat(effects.withdrawals())
        .singleElement()
        .satisfies(
            w -> {
              assertThat(w.taskId()).isEqualTo(a);
              assertThat(w.deliveryId()).isEqualTo(Identifiers.deliveryId(a, 1));
            });
    assertThat(effects.deliveries()).isEmpty();
  }

  /**
   * A withdrawn attempt's delivery is rebuilt as it was handed out, retries left included, so the
   * queue finds it by value: after a pause (which gave its allowance back), a kill and a skip.
   */
  @Test
  void aWithdrawnAttemptIsRebuiltWithTheRetriesLeftItWasHandedOutWith() {
    for (Action action : List.of(Action.PAUSE, Action.KILL, Action.SKIP)) {
      job = Job.empty();
      TaskDelivery handedOut =
          JobEffects.afterPersist(job, create()).deliveries().stream()
              .filter(d -> d.taskId().equals(a))
              .findFirst()
              .orElseThrow();
      assertThat(handedOut.retriesLeft()).isEqualTo(1);

      JobEffects effects =
          JobEffects.afterPersist(
              job,
              decide(
                  decider.act(
                      job, action, List.of(new ObjectRef(ObjectKind.TASK, a, "")), "me", NOW)));

      assertThat(effects.withdrawals())
          .as(action.name())
          .singleElement()
          .satisfies(
              w ->
                  assertThat(igor.queue.WireFormat.delivery(w))
                      .isEqualTo(igor.queue.WireFormat.delivery(handedOut)));
    }
  }

  @Test
  void aFailureWithRetriesLeftWakesTheJobAtItsRetry() {
    create();

    JobEffects effects = JobEffects.afterPersist(job, report(WorkerReport.Kind.FAILED, a, true));

    assertThat(effects.wakeAt()).isEqualTo(job.findTask(a).retryAt()).isGreaterThan(NOW);
    assertThat(effects.deliveries()).isEmpty();
    assertThat(effects.withdrawals()).as("the worker ended it itself").isEmpty();
  }

  @Test
  void theLastCompletionOfAGroupHandsOutTheNextAndTheLastOfAllLetsTheJobRest() {
    create();
    report(WorkerReport.Kind.COMPLETED, a, true);

    JobEffects next = JobEffects.afterPersist(job, report(WorkerReport.Kind.COMPLETED, b, true));
    assertThat(next.deliveries()).extracting(TaskDelivery::taskId).containsExactly(c);

    JobEffects done = JobEffects.afterPersist(job, report(WorkerReport.Kind.COMPLETED, c, true));
    assertThat(done.jobStatus()).contains(Status.COMPLETED);
    assertThat(done.atRest()).isTrue();
    assertThat(done.deliveries()).isEmpty();
  }

  @Test
  void aRecoveredJobHandsOutAgainWhatWaitsInQueuedButNotWhatRuns() {
    create();
    report(WorkerReport.Kind.STARTED, a, true);

    JobEffects effects = JobEffects.afterRecovery(job);

    assertThat(effects.deliveries()).extracting(TaskDelivery::taskId).containsExactly(b);
    assertThat(effects.withdrawals()).isEmpty();
    assertThat(effects.jobStatus()).isEmpty();
  }

  @Test
  void onceTheQueueLostItsDataWhatWaitsIsHandedOutAgainAndWhatRunsIsLeased() {
    create();
    report(WorkerReport.Kind.STARTED, a, true);

    assertThat(JobEffects.queued(job)).extracting(TaskDelivery::taskId).containsExactly(b);
    assertThat(JobEffects.leases(job)).containsExactly(new AttemptLease(job.id(), a, 1));
  }
}
