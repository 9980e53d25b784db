package igor.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

/**
 * One job driven as a scenario: decide, apply the accepted events to the {@link Job}, then let the
 * test assert its state. Every decision made through here is also checked to leave the job
 * untouched until its events are applied (the decider is pure).
 */
final class JobScenario {
  /** The clock at the start of every scenario, unix millis. */
  static final long START = 1_700_000_000_000L;

  static final RetryPolicy RETRY_POLICY = new RetryPolicy(1_000, 60_000);

  static final String WORKER = "worker-1";

  /** Who takes the actions of a scenario unless a test names someone else. */
  static final String BY = "operator";

  private final JobDecider decider;
  private Job job = Job.empty();
  private long now = START;
  private final List<JobEvent> history = new ArrayList<>();
  private List<JobEvent> lastEvents = List.of();

  private JobScenario() {
    this(new JobDecider(RETRY_POLICY));
  }

  private JobScenario(JobDecider decider) {
    this.decider = decider;
  }

  /** A scenario whose job does not exist yet. */
  static JobScenario noJob() {
    return new JobScenario();
  }

  /**
   * A scenario whose job was created from the plan at {@link #START} by a decider whose events name
   * at most {@code tasksPerEvent} tasks each.
   */
  static JobScenario created(Plans.JobBuilder plan, int tasksPerEvent) {
    JobScenario scenario =
        new JobScenario(
            new JobDecider(RETRY_POLICY, Integer.MAX_VALUE, PlanBounds.CEILINGS, tasksPerEvent));
    scenario.create(plan.build());
    return scenario;
  }

  /** A scenario whose job was created from the plan at {@link #START}. */
  static JobScenario created(Plans.JobBuilder plan) {
    return created(plan.build());
  }

  static JobScenario created(JobPlan plan) {
    JobScenario scenario = new JobScenario();
    scenario.create(plan);
    return scenario;
  }

  /** A scenario over a job restored from somewhere else, at the given time. */
  static JobScenario over(Job job, long now) {
    JobScenario scenario = new JobScenario();
    scenario.job = job;
    scenario.now = now;
    return scenario;
  }

  // ---- state ----

  Job job() {
    return job;
  }

  String jobId() {
    return job.id();
  }

  Status status() {
    return job.status();
  }

  Task task(String taskId) {
    Task task = job.findTask(taskId);
    assertThat(task).as("task %s", taskId).isNotNull();
    return task;
  }

  Layer layer(String layerId) {
    Layer layer = job.findLayer(layerId);
    assertThat(layer).as("layer %s", layerId).isNotNull();
    return layer;
  }

  Status statusOfTask(String taskId) {
    return task(taskId).status();
  }

  Status statusOfLayer(String layerId) {
    return layer(layerId).status();
  }

  /** Every event applied to the job so far, in order. */
  List<JobEvent> history() {
    return List.copyOf(history);
  }

  long now() {
    return now;
  }

  /** The events of the last decision applied through this scenario. */
  List<JobEvent> lastEvents() {
    return lastEvents;
  }

  /** The job's etag as a client reads it: from the snapshot, {@code etag(id, revision)}. */
  String etagOfJob() {
    JobSnapshot snapshot = job.snapshot();
    return Identifiers.etag(snapshot.id(), snapshot.revision());
  }

  String etagOfLayer(String layerId) {
    LayerSnapshot layer =
        job.snapshot().layers().stream()
            .filter(l -> l.id().equals(layerId))
            .findFirst()
            .orElseThrow();
    return Identifiers.etag(layer.id(), layer.revision());
  }

  String etagOfTask(String taskId) {
    TaskSnapshot task =
        job.snapshot().tasks().stream()
            .filter(t -> t.id().equals(taskId))
            .findFirst()
            .orElseThrow();
    return Identifiers.etag(task.id(), task.revision());
  }

  /** The audit trail of the job, as a snapshot shows it. */
  List<AuditEntry> audit() {
    return job.snapshot().audit();
  }

  // ---- the clock ----

  JobScenario at(long time) {
    this.now = time;
    return this;
  }

  JobScenario later(long millis) {
    this.now += millis;
    return this;
  }

  // ---- decisions, not applied ----

  Decision decideCreate(JobPlan plan) {
    return decide(j -> decider.create(j, plan, now));
  }

  Decision decideAddTasks(List<TaskPlan> tasks) {
    return decide(j -> decider.addTasks(j, tasks, now));
  }

  Decision decideReports(List<WorkerReport> reports) {
    return decide(j -> decider.applyReports(j, reports, now));
  }

  Decision decideWake() {
    return decide(j -> decider.wake(j, now));
  }

  Decision decideAct(Action action, List<ObjectRef> refs, String by) {
    return decide(j -> decider.act(j, action, refs, by, now));
  }

  // ---- decisions that must be accepted: their events are applied and returned ----

  List<JobEvent> create(JobPlan plan) {
    return applied(decideCreate(plan));
  }

  List<JobEvent> addTasks(TaskPlan... tasks) {
    return addTasks(Arrays.asList(tasks));
  }

  List<JobEvent> addTasks(List<TaskPlan> tasks) {
    return applied(decideAddTasks(tasks));
  }

  List<JobEvent> report(WorkerReport... reports) {
    return applied(decideReports(Arrays.asList(reports)));
  }

  /** What time brings at {@link #now()}: time-outs and due retries. */
  List<JobEvent> wake() {
    return applied(decideWake());
  }

  /** The queue got these attempts again, having lost them ({@link JobDecider#redelivered}). */
  List<JobEvent> redelivered(List<String> taskIds, List<Integer> attempts, String reason) {
    return applied(decide(j -> decider.redelivered(j, taskIds, attempts, reason, now)));
  }

  /** The events of an accepted decision, applied; nothing for a rejected one. */
  List<JobEvent> appliedIfAccepted(Decision decision) {
    return decision instanceof Decision.Accepted ? applied(decision) : List.of();
  }

  /**
   * Takes the action on the objects as {@link #BY}, applies its events and answers how many objects
   * it changed ({@link JobDecider#applied}); the events are then in {@link #lastEvents()}.
   */
  int act(Action action, ObjectRef... refs) {
    return actAs(BY, action, refs);
  }

  int actAs(String by, Action action, ObjectRef... refs) {
    return JobDecider.applied(applied(decideAct(action, Arrays.asList(refs), by)));
  }

  // ---- decisions that must be rejected, and change nothing ----

  Rejection createRejected(JobPlan plan) {
    return rejected(decideCreate(plan));
  }

  Rejection addTasksRejected(TaskPlan... tasks) {
    return addTasksRejected(Arrays.asList(tasks));
  }

  Rejection addTasksRejected(List<TaskPlan> tasks) {
    return rejected(decideAddTasks(tasks));
  }

  // ---- what workers say about the current attempt of a task ----

  WorkerReport started(String taskId) {
    return reportOf(WorkerReport.Kind.STARTED, taskId, currentAttempt(taskId), "", null, true);
  }

  WorkerReport completed(String taskId) {
    return completed(taskId, null, "");
  }

  WorkerReport completed(String taskId, byte[] result, String message) {
    return reportOf(
        WorkerReport.Kind.COMPLETED, taskId, currentAttempt(taskId), message, result, true);
  }

  WorkerReport failed(String taskId, String message) {
    return reportOf(WorkerReport.Kind.FAILED, taskId, currentAttempt(taskId), message, null, true);
  }

  WorkerReport failedForGood(String taskId, String message) {
    return reportOf(WorkerReport.Kind.FAILED, taskId, currentAttempt(taskId), message, null, false);
  }

  WorkerReport skipped(String taskId, String message) {
    return reportOf(WorkerReport.Kind.SKIPPED, taskId, currentAttempt(taskId), message, null, true);
  }

  /** The worker gives the current attempt back unfinished (it is stopping). */
  WorkerReport released(String taskId) {
    return reportOf(WorkerReport.Kind.RELEASED, taskId, currentAttempt(taskId), "", null, true);
  }

  WorkerReport reportOf(
      WorkerReport.Kind kind,
      String taskId,
      int attempt,
      String message,
      byte[] result,
      boolean retryable) {
    return new WorkerReport(
        kind, jobId(), taskId, attempt, WORKER, message, result, retryable, now);
  }

  // ---- shorthands ----

  List<JobEvent> start(String taskId) {
    return report(started(taskId));
  }

  List<JobEvent> complete(String taskId) {
    return report(completed(taskId));
  }

  List<JobEvent> fail(String taskId, String message) {
    return report(failed(taskId, message));
  }

  List<JobEvent> release(String taskId) {
    return report(released(taskId));
  }

  /** A failure that is not retried, whatever retries the task has left. */
  List<JobEvent> failForGood(String taskId, String message) {
    return report(failedForGood(taskId, message));
  }

  /** Fails the task's current attempt and every retry of it until it is ERRORED. */
  void failUntilErrored(String taskId, String message) {
    fail(taskId, message);
    while (statusOfTask(taskId) == Status.PENDING && task(taskId).retryAt() > 0) {
      at(Math.max(now, task(taskId).retryAt())).wake();
      fail(taskId, message);
    }
    assertThat(statusOfTask(taskId)).as("task %s after failing", taskId).isEqualTo(Status.ERRORED);
  }

  /** Starts, in one batch of reports, every task of the layer that is queued. */
  List<JobEvent> startLayer(String layerId) {
    List<WorkerReport> reports = new ArrayList<>();
    for (String taskId : layer(layerId).taskIds()) {
      if (statusOfTask(taskId) == Status.QUEUED) {
        reports.add(started(taskId));
      }
    }
    return report(reports.toArray(WorkerReport[]::new));
  }

  /** Completes, in one batch of reports, every task of the layer that is queued or running. */
  List<JobEvent> completeLayer(String layerId) {
    List<WorkerReport> reports = new ArrayList<>();
    for (String taskId : layer(layerId).taskIds()) {
      Status status = statusOfTask(taskId);
      if (status == Status.QUEUED || status == Status.RUNNING) {
        reports.add(completed(taskId));
      }
    }
    return report(reports.toArray(WorkerReport[]::new));
  }

  /** Completes, in one batch of reports, every task in flight. */
  List<JobEvent> completeAllInFlight() {
    return report(
        job.tasksInFlight().stream().map(t -> completed(t.id())).toArray(WorkerReport[]::new));
  }

  /** Completes whatever is in flight, again and again, until nothing is; answers the rounds. */
  int completeEverything() {
    int rounds = 0;
    while (!job.tasksInFlight().isEmpty()) {
      completeAllInFlight();
      rounds++;
    }
    return rounds;
  }

  int currentAttempt(String taskId) {
    Task task = job.findTask(taskId);
    return task == null ? 1 : task.attempts();
  }

  // ---- machinery ----

  private Decision decide(Function<Job, Decision> decision) {
    JobSnapshot before = job.snapshot();
    boolean existed = job.exists();
    Decision decided = decision.apply(job);
    assertThat(job.exists()).as("the job exists after deciding").isEqualTo(existed);
    assertThat(Snapshots.contentOf(job.snapshot()))
        .as("the job after deciding, before applying anything")
        .isEqualTo(Snapshots.contentOf(before));
    return decided;
  }

  private List<JobEvent> applied(Decision decision) {
    assertThat(decision).isInstanceOf(Decision.Accepted.class);
    List<JobEvent> events = ((Decision.Accepted) decision).events();
    for (JobEvent event : events) {
      job.apply(event);
      history.add(event);
    }
    lastEvents = events;
    return events;
  }

  private Rejection rejected(Decision decision) {
    assertThat(decision).isInstanceOf(Decision.Rejected.class);
    return ((Decision.Rejected) decision).rejection();
  }
}
