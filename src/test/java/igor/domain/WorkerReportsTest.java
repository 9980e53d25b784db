package igor.domain;

import static igor.domain.Events.only;
import static igor.domain.Events.types;
import static igor.domain.Plans.aJob;
import static igor.domain.Plans.aLayer;
import static igor.domain.Plans.aTask;
import static org.assertj.core.api.Assertions.assertThat;

import igor.domain.JobEvent.LayerFinished;
import igor.domain.JobEvent.LayersStarted;
import igor.domain.JobEvent.TaskCompleted;
import igor.domain.JobEvent.TaskSkipped;
import igor.domain.JobEvent.TaskStarted;
import igor.domain.JobEvent.TasksQueued;
import igor.domain.Plans.LayerBuilder;
import igor.domain.Plans.TaskBuilder;
import igor.domain.WorkerReport.Kind;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class WorkerReportsTest {
  private final TaskBuilder a = aTask().retries(2);
  private final TaskBuilder b = aTask();
  private final TaskBuilder c = aTask();
  private final LayerBuilder first = aLayer().priority(0).with(a, b);
  private final LayerBuilder second = aLayer().priority(1).with(c);
  private final JobScenario job = JobScenario.created(aJob().with(first, second));

  @Test
  void startedReportMovesAQueuedTaskToRunning() {
    String deliveryBefore = job.task(a.id()).queueTaskId();

    List<JobEvent> events = job.later(100).start(a.id());

    assertThat(types(events)).containsExactly(TaskStarted.class);
    TaskStarted started = only(events, TaskStarted.class);
    assertThat(started.taskId()).isEqualTo(a.id());
    assertThat(started.attempt()).isEqualTo(1);
    assertThat(started.worker()).isEqualTo(JobScenario.WORKER);
    Task task = job.task(a.id());
    assertThat(task.status()).isEqualTo(Status.RUNNING);
    assertThat(task.attempts()).isEqualTo(1);
    assertThat(task.queueTaskId()).isEqualTo(deliveryBefore).isNotEmpty();
    assertThat(task.snapshot().worker()).isEqualTo(JobScenario.WORKER);
    assertThat(task.snapshot().updatedAt()).isEqualTo(JobScenario.START + 100);
    assertThat(job.statusOfLayer(first.id())).isEqualTo(Status.RUNNING);
  }

  @Test
  void completedReportFinishesARunningTask() {
    job.start(a.id());

    List<JobEvent> events = job.complete(a.id());

    assertThat(types(events)).containsExactly(TaskCompleted.class);
    Task task = job.task(a.id());
    assertThat(task.status()).isEqualTo(Status.COMPLETED);
    assertThat(task.attempts()).isEqualTo(1);
    assertThat(task.queueTaskId()).isEmpty();
    assertThat(job.statusOfLayer(first.id())).isEqualTo(Status.RUNNING);
    assertThat(job.layer(first.id()).count(Status.COMPLETED)).isEqualTo(1);
    assertThat(job.layer(first.id()).count(Status.QUEUED)).isEqualTo(1);
  }

  @Test
  void completedReportFinishesAQueuedTaskWhoseStartReportWasLost() {
    List<JobEvent> events = job.complete(a.id());

    assertThat(types(events)).containsExactly(TaskCompleted.class);
    assertThat(job.statusOfTask(a.id())).isEqualTo(Status.COMPLETED);
    assertThat(job.layer(first.id()).count(Status.COMPLETED)).isEqualTo(1);
  }

  @Test
  void resultBytesAndMessageOfACompletedAttemptAreKept() {
    byte[] result = "{\"rows\": 42}".getBytes(StandardCharsets.UTF_8);
    job.start(a.id());

    job.report(job.completed(a.id(), result, "42 rows written"));

    TaskSnapshot task = job.task(a.id()).snapshot();
    assertThat(task.result()).isEqualTo("{\"rows\": 42}".getBytes(StandardCharsets.UTF_8));
    assertThat(task.message()).isEqualTo("42 rows written");
  }

  @Test
  void startAndCompletionInOneBatchAreBothApplied() {
    List<JobEvent> events = job.report(job.started(a.id()), job.completed(a.id()));

    assertThat(types(events)).containsExactly(TaskStarted.class, TaskCompleted.class);
    assertThat(job.statusOfTask(a.id())).isEqualTo(Status.COMPLETED);
  }

  @Test
  void startInOneBatchAndCompletionInTheNextAreBothJournaled() {
    List<JobEvent> started = job.report(job.started(a.id()));
    List<JobEvent> completed = job.report(job.completed(a.id()));

    assertThat(types(started)).containsExactly(TaskStarted.class);
    assertThat(types(completed)).containsExactly(TaskCompleted.class);
  }

  @Test
  void reportsOfSeveralTasksInOneBatchFinishTheLayerOnce() {
    List<JobEvent> events = job.report(job.completed(a.id()), job.completed(b.id()));

    assertThat(types(events))
        .containsExactly(
            TaskCompleted.class,
            TaskCompleted.class,
            LayerFinished.class,
            LayersStarted.class,
            TasksQueued.class);
    assertThat(job.statusOfLayer(first.id())).isEqualTo(Status.COMPLETED);
    assertThat(job.statusOfLayer(second.id())).isEqualTo(Status.RUNNING);
  }

  @Test
  void reportForAStaleAttemptIsIgnored() {
    job.fail(a.id(), "first try failed");
    job.at(job.task(a.id()).retryAt()).wake();
    assertThat(job.task(a.id()).attempts()).isEqualTo(2);

    List<JobEvent> lateStart = job.report(job.reportOf(Kind.STARTED, a.id(), 1, "", null, true));
    List<JobEvent> lateCompletion =
        job.report(job.reportOf(Kind.COMPLETED, a.id(), 1, "done", null, true));
    List<JobEvent> lateFailure =
        job.report(job.reportOf(Kind.FAILED, a.id(), 1, "failed", null, true));

    assertThat(lateStart).isEmpty();
    assertThat(lateCompletion).isEmpty();
    assertThat(lateFailure).isEmpty();
    assertThat(job.statusOfTask(a.id())).isEqualTo(Status.QUEUED);
    assertThat(job.task(a.id()).attempts()).isEqualTo(2);
  }

  @Test
  void reportForAnAttemptNotYetMadeIsIgnored() {
    List<JobEvent> events =
        job.report(job.reportOf(Kind.COMPLETED, a.id(), 2, "from the future", null, true));

    assertThat(events).isEmpty();
    assertThat(job.statusOfTask(a.id())).isEqualTo(Status.QUEUED);
  }

  @Test
  void reportForAnUnknownTaskIsIgnored() {
    String unknown = Identifiers.newId();

    List<JobEvent> events =
        job.report(
            job.reportOf(Kind.STARTED, unknown, 1, "", null, true),
            job.reportOf(Kind.COMPLETED, unknown, 1, "", null, true),
            job.reportOf(Kind.FAILED, unknown, 1, "", null, true));

    assertThat(events).isEmpty();
  }

  @Test
  void reportForATaskThatWasNeverQueuedIsIgnored() {
    for (int attempt : new int[] {0, 1}) {
      List<JobEvent> events =
          job.report(
              job.reportOf(Kind.STARTED, c.id(), attempt, "", null, true),
              job.reportOf(Kind.COMPLETED, c.id(), attempt, "", null, true));

      assertThat(events).as("attempt %d", attempt).isEmpty();
    }
    assertThat(job.statusOfTask(c.id())).isEqualTo(Status.PENDING);
    assertThat(job.task(c.id()).attempts()).isZero();
  }

  @Test
  void reportForATaskAlreadyFinalIsIgnored() {
    job.report(job.completed(a.id(), new byte[] {7}, "first word"));

    List<JobEvent> events =
        job.report(
            job.reportOf(Kind.STARTED, a.id(), 1, "", null, true),
            job.reportOf(Kind.FAILED, a.id(), 1, "second word", null, true),
            job.reportOf(Kind.SKIPPED, a.id(), 1, "third word", null, true),
            job.reportOf(Kind.COMPLETED, a.id(), 1, "fourth word", new byte[] {9}, true));

    assertThat(events).isEmpty();
    TaskSnapshot task = job.task(a.id()).snapshot();
    assertThat(task.status()).isEqualTo(Status.COMPLETED);
    assertThat(task.message()).isEqualTo("first word");
    assertThat(task.result()).containsExactly(7);
  }

  @Test
  void reportForAnErroredTaskIsIgnored() {
    job.report(job.failedForGood(b.id(), "fatal"));

    List<JobEvent> events =
        job.report(job.reportOf(Kind.COMPLETED, b.id(), 1, "too late", null, true));

    assertThat(events).isEmpty();
    assertThat(job.statusOfTask(b.id())).isEqualTo(Status.ERRORED);
    assertThat(job.task(b.id()).snapshot().message()).isEqualTo("fatal");
  }

  @Test
  void duplicateStartOfTheSameAttemptIsIgnored() {
    job.start(a.id());

    List<JobEvent> events =
        job.report(
            new WorkerReport(
                Kind.STARTED, job.jobId(), a.id(), 1, "worker-2", "", null, true, job.now()));

    assertThat(events).isEmpty();
    assertThat(job.statusOfTask(a.id())).isEqualTo(Status.RUNNING);
    assertThat(job.task(a.id()).snapshot().worker()).isEqualTo(JobScenario.WORKER);
  }

  @Test
  void duplicateStartInOneBatchIsIgnored() {
    List<JobEvent> events = job.report(job.started(a.id()), job.started(a.id()));

    assertThat(types(events)).containsExactly(TaskStarted.class);
  }

  @Test
  void duplicateCompletionOfTheSameAttemptIsIgnored() {
    job.report(job.completed(a.id(), new byte[] {1}, "once"));

    List<JobEvent> again = job.report(job.completed(a.id(), new byte[] {2}, "twice"));

    assertThat(again).isEmpty();
    assertThat(job.task(a.id()).snapshot().result()).containsExactly(1);
    assertThat(job.task(a.id()).snapshot().message()).isEqualTo("once");
  }

  @Test
  void duplicateCompletionInOneBatchCountsOnce() {
    List<JobEvent> events = job.report(job.completed(a.id()), job.completed(a.id()));

    assertThat(types(events)).containsExactly(TaskCompleted.class);
    assertThat(job.layer(first.id()).count(Status.COMPLETED)).isEqualTo(1);
  }

  @Test
  void startReportArrivingAfterTheCompletionIsIgnored() {
    job.complete(a.id());

    List<JobEvent> events = job.start(a.id());

    assertThat(events).isEmpty();
    assertThat(job.statusOfTask(a.id())).isEqualTo(Status.COMPLETED);
  }

  @Test
  void skippedReportSkipsTheTaskAndItCountsAsDone() {
    job.complete(b.id());

    List<JobEvent> events = job.report(job.skipped(a.id(), "nothing to do"));

    assertThat(types(events))
        .containsExactly(
            TaskSkipped.class, LayerFinished.class, LayersStarted.class, TasksQueued.class);
    assertThat(only(events, LayerFinished.class).status()).isEqualTo(Status.COMPLETED);
    assertThat(job.statusOfTask(a.id())).isEqualTo(Status.SKIPPED);
    assertThat(job.task(a.id()).snapshot().message()).isEqualTo("nothing to do");
    assertThat(job.task(a.id()).queueTaskId()).isEmpty();
    assertThat(job.statusOfLayer(first.id())).isEqualTo(Status.COMPLETED);
    assertThat(job.statusOfLayer(second.id())).isEqualTo(Status.RUNNING);
  }

  @Test
  void layerWhoseTasksWereAllSkippedCompletes() {
    job.start(a.id());

    job.report(job.skipped(a.id(), "skip"), job.skipped(b.id(), "skip"));

    assertThat(job.statusOfLayer(first.id())).isEqualTo(Status.COMPLETED);
    assertThat(job.layer(first.id()).count(Status.SKIPPED)).isEqualTo(2);
  }

  @Test
  void reportsForAJobThatDoesNotExistAreIgnored() {
    JobScenario none = JobScenario.noJob();

    Decision decision =
        none.decideReports(
            List.of(
                new WorkerReport(
                    Kind.COMPLETED,
                    Identifiers.newId(),
                    Identifiers.newId(),
                    1,
                    "w",
                    "",
                    null,
                    true,
                    JobScenario.START)));

    assertThat(decision).isEqualTo(new Decision.Accepted(List.of()));
    assertThat(none.job().exists()).isFalse();
  }

  @Test
  void emptyBatchOfReportsChangesNothing() {
    List<JobEvent> events = job.report();

    assertThat(events).isEmpty();
  }
}
