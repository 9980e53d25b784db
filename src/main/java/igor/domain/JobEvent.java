package igor.domain;

import java.util.List;

/**
 * Everything that ever happened to a job, as persisted in the journal. These records are forever:
 * their class names are their manifests in the journal (docs/adr/0002-persisted-names.md), fields
 * are only ever added with a default, and every one is covered by a golden-file serialization test.
 *
 * <p>Times are unix milliseconds: {@code at}, and {@code pausedAtMillis} (0: not paused), which is
 * a whole second because the journal keeps it in seconds, under its first name {@code pausedAt}
 * ({@code igor.entity.PersistedUnits} converts; the golden files show the persisted form).
 */
public sealed interface JobEvent {

  String jobId();

  long at();

  /**
   * The job and all its layers were declared. Tasks follow in {@link TasksAdded} events. With
   * {@code startAt > 0} (unix ms, later than {@code at}) the job waits PENDING until then, or until
   * a person starts it: {@link JobStarted} ends the wait. With 0 (events written before delayed
   * starts existed read so) it is RUNNING at once. {@code traceParent} is the W3C traceparent of
   * the span that created the job, so that its later spans (and its attempts on workers) join the
   * job's trace; empty when tracing was off (and in events from before it existed).
   */
  record JobCreated(
      String jobId,
      String name,
      long pausedAtMillis,
      List<LayerPlan> layers,
      long at,
      long startAt,
      String traceParent)
      implements JobEvent {
    public JobCreated {
      layers = List.copyOf(layers);
      traceParent = traceParent == null ? "" : traceParent;
    }

    /** A job without a trace. */
    public JobCreated(
        String jobId,
        String name,
        long pausedAtMillis,
        List<LayerPlan> layers,
        long at,
        long startAt) {
      this(jobId, name, pausedAtMillis, layers, at, startAt, "");
    }

    /** A job that starts at once, without a trace. */
    public JobCreated(
        String jobId, String name, long pausedAtMillis, List<LayerPlan> layers, long at) {
      this(jobId, name, pausedAtMillis, layers, at, 0);
    }
  }

  /**
   * The job that waited for its start time ({@link JobCreated#startAt}) starts: it is RUNNING from
   * now on, and its first group starts with the events that follow. Its time came, or a person
   * started it early (then an {@link ActionTaken} START comes just before).
   */
  record JobStarted(String jobId, long at) implements JobEvent {}

  /** Tasks joined layers that had not started (at creation, or later by a client). */
  record TasksAdded(String jobId, List<TaskPlan> tasks, long at) implements JobEvent {
    public TasksAdded {
      tasks = List.copyOf(tasks);
    }
  }

  /** The group of these layers started: they are RUNNING from now on. */
  record LayersStarted(String jobId, List<String> layerIds, long at) implements JobEvent {
    public LayersStarted {
      layerIds = List.copyOf(layerIds);
    }
  }

  /** These tasks begin a new attempt each and are handed to the queue. */
  record TasksQueued(String jobId, List<String> taskIds, long at) implements JobEvent {
    public TasksQueued {
      taskIds = List.copyOf(taskIds);
    }
  }

  /** A worker began running this attempt. */
  record TaskStarted(String jobId, String taskId, int attempt, String worker, long at)
      implements JobEvent {}

  /** The attempt succeeded. */
  record TaskCompleted(
      String jobId, String taskId, int attempt, byte[] result, String message, long at)
      implements JobEvent {}

  /**
   * What the workers' reports of one batch said about attempts of this job, in one event (docs/adr/
   * 0019-one-event-per-report-batch.md): each attempt begun or ended in the batch, in the order the
   * reports were applied. It means exactly the events {@link #each} gives, one per report (a {@link
   * TaskStarted}, {@link TaskCompleted}, {@link TaskFailed}, {@link TaskSkipped} or {@link
   * TaskWithdrawn}, each at {@code at}), which is how it is read everywhere; those events are no
   * longer journaled one by one, but journals that hold them still replay. At most
   * igor.jobs.tasks-per-event attempts per event.
   */
  record AttemptsReported(String jobId, List<ReportedAttempt> attempts, long at)
      implements JobEvent {
    public AttemptsReported {
      attempts = List.copyOf(attempts);
    }

    /**
     * The events this one stands for, in order: for each attempt its start (if it began in the
     * batch), then its end (if it ended in it).
     */
    public List<JobEvent> each() {
      List<JobEvent> events = new java.util.ArrayList<>(attempts.size() * 2);
      for (ReportedAttempt a : attempts) {
        if (a.started()) {
          events.add(new TaskStarted(jobId, a.taskId(), a.attempt(), a.worker(), at));
        }
        if (a.outcome() != null) {
          events.add(
              switch (a.outcome()) {
                case COMPLETED ->
                    new TaskCompleted(jobId, a.taskId(), a.attempt(), a.result(), a.message(), at);
                case FAILED ->
                    new TaskFailed(jobId, a.taskId(), a.attempt(), a.message(), a.retryAt(), at);
                case SKIPPED -> new TaskSkipped(jobId, a.taskId(), a.attempt(), a.message(), at);
                case WITHDRAWN ->
                    new TaskWithdrawn(jobId, a.taskId(), a.attempt(), a.message(), at);
              });
        }
      }
      return events;
    }
  }

  /**
   * The attempt failed. With {@code retryAt > 0} the task waits (PENDING) and is queued again at
   * that time; with 0 it is ERRORED.
   */
  record TaskFailed(String jobId, String taskId, int attempt, String message, long retryAt, long at)
      implements JobEvent {}

  /**
   * The task was skipped, by its handler or a person; it counts as done. {@code attempt} is the
   * attempt that was in flight (and is stopped), 0 when none was.
   */
  record TaskSkipped(String jobId, String taskId, int attempt, String message, long at)
      implements JobEvent {}

  /** Every task of this running layer is final: it is COMPLETED or ERRORED. */
  record LayerFinished(String jobId, String layerId, Status status, long at) implements JobEvent {}

  /** The job as a whole moved to this status. */
  record JobStatusChanged(String jobId, Status status, long at) implements JobEvent {}

  /**
   * A person (or client) asked for an action on an object of this job, and it applied: the audit
   * trail. Its effects follow as their own events. {@code by} names who asked ("" when unknown).
   */
  record ActionTaken(
      String jobId, Action action, ObjectKind targetKind, String targetId, String by, long at)
      implements JobEvent {}

  /** The job, a layer or a task was paused ({@code pausedAtMillis}: when, a whole second). */
  record Paused(String jobId, ObjectKind targetKind, String targetId, long pausedAtMillis, long at)
      implements JobEvent {}

  /** The job, a layer or a task was unpaused. */
  record Unpaused(String jobId, ObjectKind targetKind, String targetId, long at)
      implements JobEvent {}

  /**
   * Tasks were skipped by a person, all at once (a layer or job skip): SKIPPED, message "skipped".
   * {@code taskIds} were not in flight; {@code inFlight} were QUEUED or RUNNING, and each names the
   * attempt that is stopped (as {@link TaskSkipped} with that attempt). At most
   * igor.jobs.tasks-per-event tasks per event (1,000 by default) in the two together. Events
   * written before {@code inFlight} existed (in-flight tasks then had a {@link TaskSkipped} each)
   * read it as empty.
   */
  record TasksSkipped(String jobId, List<String> taskIds, long at, List<TaskAttempt> inFlight)
      implements JobEvent {
    public TasksSkipped {
      taskIds = List.copyOf(taskIds);
      inFlight = inFlight == null ? List.of() : List.copyOf(inFlight);
    }

    /** Tasks that were not in flight. */
    public TasksSkipped(String jobId, List<String> taskIds, long at) {
      this(jobId, taskIds, at, List.of());
    }
  }

  /** The layer was skipped: SKIPPED for good; its unfinished tasks were skipped just before. */
  record LayerSkipped(String jobId, String layerId, long at) implements JobEvent {}

  /** The attempt was stopped by Igor: the task is ERRORED with message "killed". */
  record TaskKilled(String jobId, String taskId, int attempt, long at) implements JobEvent {}

  /** The task goes back to PENDING with a fresh allowance of retries (a retry by a person). */
  record TaskReset(String jobId, String taskId, long at) implements JobEvent {}

  /**
   * The attempt outlived its task's time-out: it fails (retried while retries are left, as {@link
   * TaskFailed}) and its handler is told to stop.
   */
  record TaskTimedOut(String jobId, String taskId, int attempt, long retryAt, long at)
      implements JobEvent {}

  /**
   * The attempt was taken back before it ran to the end (the task was paused while it waited in a
   * queue, or its worker gave it back): the task is PENDING again, to be queued anew, and the
   * attempt does not use up a retry.
   */
  record TaskWithdrawn(String jobId, String taskId, int attempt, String reason, long at)
      implements JobEvent {}

  /**
   * The current attempts of these QUEUED tasks were handed to the queue again, as the same attempts
   * with the same delivery ids, because the queue had lost them: {@code reason} says how it was
   * noticed (not claimed within igor.jobs.unclaimed-redelivery-after, or Redis lost its data). It
   * changes no status and no attempt count. At most 1,000 tasks per event.
   */
  record TasksRedelivered(String jobId, List<String> taskIds, String reason, long at)
      implements JobEvent {
    public TasksRedelivered {
      taskIds = List.copyOf(taskIds);
    }
  }

  /** The finished layer runs again, because tasks of it were retried. */
  record LayerReopened(String jobId, String layerId, long at) implements JobEvent {}

  /**
   * Igor stopped these attempts all at once (a layer or job killed by a person): each task is
   * ERRORED with message "killed", as by {@link TaskKilled}. At most igor.jobs.tasks-per-event
   * attempts per event (1,000 by default).
   */
  record TasksKilled(String jobId, List<TaskAttempt> attempts, long at) implements JobEvent {
    public TasksKilled {
      attempts = List.copyOf(attempts);
    }
  }

  /**
   * These attempts were taken back all at once before they ran (a layer or job paused while they
   * waited in a queue): each task is PENDING again, as by {@link TaskWithdrawn} with this reason.
   * At most igor.jobs.tasks-per-event attempts per event (1,000 by default).
   */
  record TasksWithdrawn(String jobId, List<TaskAttempt> attempts, String reason, long at)
      implements JobEvent {
    public TasksWithdrawn {
      attempts = List.copyOf(attempts);
    }
  }

  /**
   * These tasks go back to PENDING with a fresh allowance of retries, all at once (a layer or job
   * retried by a person), as by {@link TaskReset}. At most igor.jobs.tasks-per-event tasks per
   * event (1,000 by default).
   */
  record TasksReset(String jobId, List<String> taskIds, long at) implements JobEvent {
    public TasksReset {
      taskIds = List.copyOf(taskIds);
    }
  }
}
