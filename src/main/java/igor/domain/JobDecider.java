package igor.domain;

import igor.domain.JobEvent.JobCreated;
import igor.domain.JobEvent.JobStarted;
import igor.domain.JobEvent.JobStatusChanged;
import igor.domain.JobEvent.LayerFinished;
import igor.domain.JobEvent.LayersStarted;
import igor.domain.JobEvent.TasksAdded;
import igor.domain.JobEvent.TasksQueued;
import igor.domain.ReportedAttempt.Outcome;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Decides what happens to a job: given its state and a command, the events that follow, or why the
 * command is refused. Pure: it reads the job and returns events; the job changes only when those
 * events are applied. Reports, time and actions are never refused (what does not apply is passed
 * over), so their decisions are typed {@link Decision.Accepted}.
 *
 * <p>Every decision ends by letting the job {@linkplain #settle settle}: layers whose tasks are all
 * final finish, the next priority group starts when the current one is done, and the job's status
 * follows (SEMANTICS.md section 2). A job that waits for its start time does not settle: nothing of
 * it starts until {@link JobStarted}.
 */
public final class JobDecider {
  /**
   * By default, events that carry task lists hold at most this many tasks each, to keep journal
   * rows small (igor.jobs.tasks-per-event).
   */
  public static final int TASKS_PER_EVENT = 1000;

  private final RetryPolicy retryPolicy;
  private final int maxTasksPerJob;
  private final PlanBounds bounds;
  private final int tasksPerEvent;

  /**
   * A decider whose jobs may hold at most {@code maxTasksPerJob} tasks, each within {@code bounds},
   * and whose events name at most {@code tasksPerEvent} tasks each.
   */
  public JobDecider(
      RetryPolicy retryPolicy, int maxTasksPerJob, PlanBounds bounds, int tasksPerEvent) {
    if (tasksPerEvent < 1) {
      throw new IllegalArgumentException("tasksPerEvent must be 1 or more, got " + tasksPerEvent);
    }
    this.retryPolicy = retryPolicy;
    this.maxTasksPerJob = maxTasksPerJob;
    this.bounds = bounds;
    this.tasksPerEvent = tasksPerEvent;
  }

  public JobDecider(RetryPolicy retryPolicy, int maxTasksPerJob, PlanBounds bounds) {
    this(retryPolicy, maxTasksPerJob, bounds, TASKS_PER_EVENT);
  }

  public JobDecider(RetryPolicy retryPolicy) {
    this(retryPolicy, Integer.MAX_VALUE, PlanBounds.CEILINGS);
  }

  /**
   * Creates the job of the plan, and starts its first group; or, when the plan names a start time
   * after {@code now}, leaves it waiting (PENDING) until then: {@link #wake} starts it at that
   * time, the action START earlier. The plan's trace ({@link JobPlan#traceParent}) becomes the
   * job's ({@link JobCreated}).
   */
  public Decision create(Job job, JobPlan plan, long now) {
    if (job.exists()) {
      return Decision.reject(Rejection.conflict("job " + plan.jobId() + " exists already"));
    }
    Optional<String> outOfBounds =
        bounds
            .problem(plan)
            .or(
                () ->
                    bounds
                        .startAtMillisProblem(plan.startAtMillis(), now)
                        .map(p -> "job start time " + p));
    if (outOfBounds.isPresent()) {
      return Decision.reject(Rejection.invalid(outOfBounds.get()));
    }
    Set<String> layerIds = new HashSet<>();
    for (LayerPlan layer : plan.layers()) {
      if (!layerIds.add(layer.layerId())) {
        return Decision.reject(Rejection.invalid("layer id " + layer.layerId() + " is repeated"));
      }
    }
    JobDraft draft = draft(job, now);
    long startAt = plan.startAtMillis() > now ? plan.startAtMillis() : 0;
    draft.emit(
        new JobCreated(
            plan.jobId(),
            plan.name(),
            plan.pausedAtMillis(),
            plan.layers(),
            now,
            startAt,
            plan.traceParent()));
    Rejection invalid = addTasks(draft, plan.tasks());
    if (invalid != null) {
      return Decision.reject(invalid);
    }
    settle(draft);
    return Decision.accept(draft.events());
  }

  /**
   * Adds tasks to layers that have not started, or that run but are paused (SEMANTICS.md section
   * 1). All or nothing: one task that may not be added refuses the whole command.
   */
  public Decision addTasks(Job job, List<TaskPlan> tasks, long now) {
    if (!job.exists()) {
      return Decision.reject(Rejection.notFound("job not found"));
    }
    JobDraft draft = draft(job, now);
    for (TaskPlan task : tasks) {
      Layer layer = draft.layer(task.layerId());
      if (layer == null) {
        return Decision.reject(
            Rejection.notFound("layer " + task.layerId() + " is not part of job " + job.id()));
      }
      if (!acceptsTasks(layer)) {
        return Decision.reject(
            Rejection.conflict(
                "layer "
                    + layer.id
                    + " is "
                    + layer.status
                    + (layer.status == Status.RUNNING ? " and not paused" : "")
                    + ": tasks can be added to a layer until it starts, or while it is paused"));
      }
    }
    if ((long) job.taskCount() + tasks.size() > maxTasksPerJob) {
      return Decision.reject(
          Rejection.tooLarge(
              "job "
                  + job.id()
                  + " would hold "
                  + ((long) job.taskCount() + tasks.size())
                  + " tasks, over the limit of "
                  + maxTasksPerJob
                  + " (igor.limits.max-tasks-per-job)"));
    }
    Rejection invalid = addTasks(draft, tasks);
    if (invalid != null) {
      return Decision.reject(invalid);
    }
    settle(draft);
    return Decision.accept(draft.events());
  }

  /**
   * Applies what workers reported. A report for an attempt that is not current (superseded, killed,
   * skipped, or already finished) changes nothing: the first final word on an attempt wins. Events
   * carry Igor's time ({@code now}), not the worker's: durations and time-outs never depend on a
   * worker's clock. The reports of the batch become one {@link JobEvent.AttemptsReported} (more
   * only when a given-back attempt queues tasks between them, or past igor.jobs.tasks-per-event
   * attempts), followed by what they settle (layers finished, the next group started, the job's
   * status), all journaled in one write.
   */
  public Decision.Accepted applyReports(Job job, List<WorkerReport> reports, long now) {
    if (!job.exists()) {
      return Decision.accept(List.of());
    }
    JobDraft draft = draft(job, now);
    for (WorkerReport report : reports) {
      Task task = draft.task(report.taskId());
      if (task == null
          || !task.isAttemptActive(report.attempt())
          || !draft.jobId().equals(report.jobId())) {
        continue;
      }
      switch (report.kind()) {
        case STARTED -> {
          if (task.status == Status.QUEUED) {
            draft.report(ReportedAttempt.started(task.id, report.attempt(), report.worker()));
          }
        }
        case COMPLETED ->
            draft.report(
                ReportedAttempt.ended(
                    task.id,
                    report.attempt(),
                    Outcome.COMPLETED,
                    report.message(),
                    report.result(),
                    0));
        case FAILED -> {
          boolean retriesLeft = report.retryable() && task.hasRetriesLeft();
          long retryAt =
              retriesLeft
                  ? Math.max(1, now + retryPolicy.delayAfter(task.id, report.attempt()))
                  : 0;
          draft.report(
              ReportedAttempt.ended(
                  task.id, report.attempt(), Outcome.FAILED, report.message(), null, retryAt));
        }
        case SKIPPED ->
            draft.report(
                ReportedAttempt.ended(
                    task.id, report.attempt(), Outcome.SKIPPED, report.message(), null, 0));
        case RELEASED -> {
          draft.report(
              ReportedAttempt.ended(
                  task.id,
                  report.attempt(),
                  Outcome.WITHDRAWN,
                  "given back by " + report.worker(),
                  null,
                  0));
          queueEligible(draft, draft.layer(task.layerId));
        }
      }
    }
    settle(draft);
    return Decision.accept(draft.events());
  }

  /**
   * What time brings: a job waiting for its start time starts once it has come (however late: the
   * time may have passed while no node ran it), attempts that outlived their task's time-out fail
   * (and are retried while retries are left), and failed tasks whose back-off has run out are
   * queued again.
   */
  public Decision.Accepted wake(Job job, long now) {
    if (!job.exists()) {
      return Decision.accept(List.of());
    }
    JobDraft draft = draft(job, now);
    if (job.waitingToStart()) {
      if (job.startAt() <= now) {
        draft.emit(new JobStarted(job.id(), now));
        settle(draft);
      }
      return Decision.accept(draft.events());
    }
    for (Task task : job.tasksInFlight()) {
      long deadline = task.deadline();
      if (deadline > 0 && deadline <= now) {
        long retryAt =
            task.hasRetriesLeft()
                ? Math.max(1, now + retryPolicy.delayAfter(task.id, task.attempts))
                : 0;
        draft.emit(new JobEvent.TaskTimedOut(job.id(), task.id, task.attempts, retryAt, now));
      }
    }
    for (Layer layer : job.layers()) {
      if (layer.status == Status.RUNNING) {
        queueEligible(draft, draft.layer(layer.id));
      }
    }
    settle(draft);
    return Decision.accept(draft.events());
  }

  /**
   * Takes a person's action on objects of this job. Each object the action applies to counts once;
   * the others (stale etag, state that does not allow it, unknown id) are passed over. The number
   * applied is the number of {@link JobEvent.ActionTaken} events.
   */
  public Decision.Accepted act(Job job, Action action, List<ObjectRef> refs, String by, long now) {
    if (!job.exists()) {
      return Decision.accept(List.of());
    }
    JobDraft draft = draft(job, now);
    JobActions actions = new JobActions(draft, by == null ? "" : by);
    for (ObjectRef ref : refs) {
      actions.apply(action, ref);
    }
    if (draft.events().isEmpty()) {
      return Decision.accept(List.of());
    }
    settle(draft);
    return Decision.accept(draft.events());
  }

  /**
   * The queue got these attempts again ({@code taskIds} with their {@code attempts}, as they were
   * handed out) because it had lost them, noticed as {@code reason}: {@link
   * JobEvent.TasksRedelivered} for those still QUEUED in that attempt, in chunks of
   * igor.jobs.tasks-per-event. The attempt count stays: it is the same attempt.
   */
  public Decision.Accepted redelivered(
      Job job, List<String> taskIds, List<Integer> attempts, String reason, long now) {
    if (!job.exists()) {
      return Decision.accept(List.of());
    }
    List<String> still = new ArrayList<>();
    for (int i = 0; i < taskIds.size(); i++) {
      Task task = job.findTask(taskIds.get(i));
      if (task != null && task.status == Status.QUEUED && task.attempts == attempts.get(i)) {
        still.add(task.id);
      }
    }
    JobDraft draft = draft(job, now);
    draft.emitInChunks(still, chunk -> new JobEvent.TasksRedelivered(job.id(), chunk, reason, now));
    return Decision.accept(draft.events());
  }

  /** How many objects the events of an {@link #act} decision changed. */
  public static int applied(List<JobEvent> events) {
    int n = 0;
    for (JobEvent event : events) {
      if (event instanceof JobEvent.ActionTaken) {
        n++;
      }
    }
    return n;
  }

  private JobDraft draft(Job job, long now) {
    return new JobDraft(job, now, tasksPerEvent);
  }

  private static boolean acceptsTasks(Layer layer) {
    return layer.status == Status.PENDING || (layer.status == Status.RUNNING && layer.isPaused());
  }

  private Rejection addTasks(JobDraft draft, List<TaskPlan> tasks) {
    Set<String> seen = new HashSet<>();
    for (TaskPlan task : tasks) {
      if (draft.layer(task.layerId()) == null) {
        return Rejection.invalid(
            "task " + task.taskId() + " names unknown layer " + task.layerId());
      }
      if (task.type() == null || task.type().isBlank()) {
        return Rejection.invalid("task " + task.taskId() + " has no type");
      }
      Optional<String> outOfBounds = bounds.problem(task);
      if (outOfBounds.isPresent()) {
        return Rejection.invalid(outOfBounds.get());
      }
      if (!seen.add(task.taskId()) || draft.task(task.taskId()) != null) {
        return Rejection.invalid("task id " + task.taskId() + " is repeated");
      }
    }
    draft.emitInChunks(tasks, chunk -> new TasksAdded(draft.jobId(), chunk, draft.now()));
    return null;
  }

  /**
   * Moves the job forward as far as its state allows: finishes layers whose tasks are all final,
   * starts the next group once every layer of the current one is done, and sets the job's status.
   */
  static void settle(JobDraft draft) {
    Status jobStatus = draft.header().status;
    if (jobStatus == Status.SKIPPED || draft.header().waitingToStart()) {
      return;
    }
    while (true) {
      Map.Entry<Integer, List<String>> group = currentGroup(draft);
      if (group == null) {
        changeJobStatus(draft, Status.COMPLETED);
        return;
      }
      if (finishLayers(draft, group.getValue())) {
        continue;
      }
      List<String> pending = new ArrayList<>();
      boolean anyRunning = false;
      boolean anyErrored = false;
      for (String layerId : group.getValue()) {
        Status status = draft.layer(layerId).status;
        if (status == Status.PENDING) {
          pending.add(layerId);
        }
        anyRunning |= status == Status.RUNNING;
        anyErrored |= status == Status.ERRORED;
      }
      if (!pending.isEmpty()) {
        draft.emit(new LayersStarted(draft.jobId(), pending, draft.now()));
        for (String layerId : pending) {
          queueEligible(draft, draft.layer(layerId));
        }
        continue;
      }
      changeJobStatus(draft, anyErrored && !anyRunning ? Status.ERRORED : Status.RUNNING);
      return;
    }
  }

  /** The lowest group with a layer that is neither COMPLETED nor SKIPPED, or null when none. */
  private static Map.Entry<Integer, List<String>> currentGroup(JobDraft draft) {
    for (Map.Entry<Integer, List<String>> group : draft.groups().entrySet()) {
      for (String layerId : group.getValue()) {
        if (!draft.layer(layerId).status.isDone()) {
          return group;
        }
      }
    }
    return null;
  }

  private static boolean finishLayers(JobDraft draft, List<String> layerIds) {
    boolean finished = false;
    for (String layerId : layerIds) {
      Layer layer = draft.layer(layerId);
      boolean started = layer.status == Status.RUNNING || layer.status == Status.ERRORED;
      if (started && layer.unfinishedTasks() == 0) {
        // An ERRORED layer whose failed tasks were all skipped is COMPLETED after all.
        Status status = layer.count(Status.ERRORED) > 0 ? Status.ERRORED : Status.COMPLETED;
        if (status != layer.status) {
          draft.emit(new LayerFinished(draft.jobId(), layerId, status, draft.now()));
          finished = true;
        }
      }
    }
    return finished;
  }

  private static void changeJobStatus(JobDraft draft, Status status) {
    if (draft.header().status != status) {
      draft.emit(new JobStatusChanged(draft.jobId(), status, draft.now()));
    }
  }

  /**
   * Queues the layer's tasks that may run now: PENDING, not paused (nor their layer or job), and
   * past any retry back-off.
   */
  static void queueEligible(JobDraft draft, Layer layer) {
    if (layer.isPaused()
        || draft.header().pausedAtMillis != 0
        || layer.count(Status.PENDING) == 0) {
      return;
    }
    List<String> due = new ArrayList<>();
    for (String taskId : layer.taskIds()) {
      Task task = draft.task(taskId);
      if (task.status == Status.PENDING
          && task.pausedAtMillis == 0
          && task.retryAt <= draft.now()) {
        due.add(taskId);
      }
    }
    draft.emitInChunks(due, chunk -> new TasksQueued(draft.jobId(), chunk, draft.now()));
  }
}
