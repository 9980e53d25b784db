package igor.domain;

import static igor.domain.Plans.aJob;
import static igor.domain.Plans.aLayer;
import static igor.domain.Plans.aTask;
import static org.assertj.core.api.Assertions.assertThat;

import igor.domain.JobEvent.AttemptsReported;
import igor.domain.JobEvent.JobStatusChanged;
import igor.domain.JobEvent.LayerFinished;
import igor.domain.JobEvent.LayersStarted;
import igor.domain.JobEvent.TasksQueued;
import igor.domain.Plans.LayerBuilder;
import igor.domain.Plans.TaskBuilder;
import igor.domain.ReportedAttempt.Outcome;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * How reports are journaled (ADR 0019): a batch of reports is one {@link AttemptsReported}, in
 * which an attempt begun and ended in the batch is one entry, followed by what the batch settles.
 * What the reports do to the job is checked by WorkerReportsTest and the others.
 */
class ReportBatchesTest {
  private final TaskBuilder a = aTask().retries(2);
  private final TaskBuilder b = aTask();
  private final TaskBuilder c = aTask();
  private final LayerBuilder first = aLayer().priority(0).with(a, b);
  private final LayerBuilder second = aLayer().priority(1).with(c);

  @Test
  void aBatchOfReportsIsOneEventAndAnAttemptBegunAndEndedInItIsOneEntry() {
    JobScenario job = JobScenario.created(aJob().with(first, second));

    List<JobEvent> events =
        job.later(5)
            .report(
                job.started(a.id()),
                job.started(b.id()),
                job.completed(a.id()),
                job.failedForGood(b.id(), "boom"));

    assertThat(events)
        .extracting(e -> (Object) e.getClass())
        .containsExactly(AttemptsReported.class, LayerFinished.class, JobStatusChanged.class);
    AttemptsReported batch = (AttemptsReported) events.get(0);
    assertThat(batch.at()).isEqualTo(job.now());
    assertThat(batch.attempts())
        .usingRecursiveFieldByFieldElementComparator()
        .containsExactly(
            new ReportedAttempt(
                a.id(), 1, true, JobScenario.WORKER, Outcome.COMPLETED, "", null, 0),
            new ReportedAttempt(
                b.id(), 1, true, JobScenario.WORKER, Outcome.FAILED, "boom", null, 0));
    assertThat(job.task(a.id()).snapshot().worker()).isEqualTo(JobScenario.WORKER);
    assertThat(job.statusOfTask(a.id())).isEqualTo(Status.COMPLETED);
    assertThat(job.statusOfTask(b.id())).isEqualTo(Status.ERRORED);
  }

  @Test
  void anAttemptBegunInAnEarlierBatchEndsWithAnEntryOfItsOwn() {
    JobScenario job = JobScenario.created(aJob().with(first, second));
    List<JobEvent> started = job.report(job.started(a.id()));

    List<JobEvent> ended = job.report(job.completed(a.id()), job.completed(b.id()));

    assertThat(started).hasSize(1);
    assertThat(((AttemptsReported) started.get(0)).attempts())
        .usingRecursiveFieldByFieldElementComparator()
        .containsExactly(ReportedAttempt.started(a.id(), 1, JobScenario.WORKER));
    assertThat(ended)
        .extracting(e -> (Object) e.getClass())
        .containsExactly(
            AttemptsReported.class, LayerFinished.class, LayersStarted.class, TasksQueued.class);
    assertThat(((AttemptsReported) ended.get(0)).attempts())
        .extracting(ReportedAttempt::taskId, ReportedAttempt::started, ReportedAttempt::outcome)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(a.id(), false, Outcome.COMPLETED),
            org.assertj.core.groups.Tuple.tuple(b.id(), false, Outcome.COMPLETED));
  }

  @Test
  void reportsThatApplyToNothingJournalNothing() {
    JobScenario job = JobScenario.created(aJob().with(first, second));
    job.report(job.started(a.id()), job.completed(a.id()));

    assertThat(job.report(job.completed(a.id()), job.started(a.id()))).isEmpty();
  }

  @Test
  void aBatchIsCutAtTheAttemptsPerEvent() {
    TaskBuilder d = aTask();
    JobScenario job = JobScenario.created(aJob().with(aLayer().with(a, b, d)), 2);

    List<JobEvent> events =
        job.report(
            job.started(a.id()),
            job.started(b.id()),
            job.completed(a.id()),
            job.started(d.id()),
            job.completed(d.id()));

    assertThat(events)
        .extracting(e -> (Object) e.getClass())
        .containsExactly(AttemptsReported.class, AttemptsReported.class);
    assertThat(((AttemptsReported) events.get(0)).attempts())
        .extracting(ReportedAttempt::taskId)
        .containsExactly(a.id(), b.id());
    assertThat(((AttemptsReported) events.get(1)).attempts())
        .extracting(ReportedAttempt::taskId, ReportedAttempt::started, ReportedAttempt::outcome)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(d.id(), true, Outcome.COMPLETED));
    assertThat(job.statusOfTask(b.id())).isEqualTo(Status.RUNNING);
  }

  @Test
  void aBatchIsCutBeforeItsResultsAndMessagesPassAMebibyte() {
    JobScenario job = JobScenario.created(aJob().with(first, second));
    byte[] big = new byte[(int) JobDraft.BATCH_BYTES - 10];

    List<JobEvent> events =
        job.report(
            job.started(a.id()),
            job.completed(a.id(), big, "a"),
            job.started(b.id()),
            job.completed(b.id(), new byte[20], "b"));

    assertThat(events.subList(0, 2))
        .extracting(e -> (Object) e.getClass())
        .containsExactly(AttemptsReported.class, AttemptsReported.class);
    assertThat(((AttemptsReported) events.get(0)).attempts())
        .extracting(ReportedAttempt::taskId, ReportedAttempt::started, ReportedAttempt::outcome)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(a.id(), true, Outcome.COMPLETED),
            org.assertj.core.groups.Tuple.tuple(b.id(), true, null));
    assertThat(((AttemptsReported) events.get(1)).attempts())
        .extracting(ReportedAttempt::taskId, ReportedAttempt::started, ReportedAttempt::outcome)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(b.id(), false, Outcome.COMPLETED));
    assertThat(job.statusOfTask(b.id())).isEqualTo(Status.COMPLETED);
  }

  @Test
  void anAttemptGivenBackQueuesItsTaskAgainBetweenTwoBatches() {
    JobScenario job = JobScenario.created(aJob().with(first, second));
    job.report(job.started(a.id()));

    List<JobEvent> events = job.report(job.released(a.id()), job.started(b.id()));

    assertThat(events)
        .extracting(e -> (Object) e.getClass())
        .containsExactly(AttemptsReported.class, TasksQueued.class, AttemptsReported.class);
    assertThat(((AttemptsReported) events.get(0)).attempts().get(0).outcome())
        .isEqualTo(Outcome.WITHDRAWN);
    assertThat(job.task(a.id()).attempts()).isEqualTo(2);
    assertThat(job.statusOfTask(a.id())).isEqualTo(Status.QUEUED);
  }
}
