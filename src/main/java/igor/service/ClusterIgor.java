package igor.service;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.json.JsonMapper;
import igor.client.Action;
import igor.client.AuditEntry;
import igor.client.Igor;
import igor.client.IgorException;
import igor.client.Job;
import igor.client.JobSpec;
import igor.client.LayerSpec;
import igor.client.Ref;
import igor.client.Schedule;
import igor.client.ScheduleSpec;
import igor.client.Task;
import igor.config.Limits;
import igor.config.ScheduleSettings;
import igor.domain.DueTimes;
import igor.domain.Identifiers;
import igor.domain.JobPlan;
import igor.domain.JobSnapshot;
import igor.domain.LayerPlan;
import igor.domain.ObjectKind;
import igor.domain.ObjectRef;
import igor.domain.PlanBounds;
import igor.domain.Rejection;
import igor.domain.TaskDefaults;
import igor.domain.TaskPlan;
import igor.domain.Text;
import igor.schedule.CronDueTimes;
import igor.service.JobService.JobAnswer;
import igor.service.JobService.TasksAnswer;
import igor.service.ScheduleService.ScheduleAnswer;
import igor.worker.api.TaskSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@link Igor} for a JVM service that is itself a member of the Igor cluster: it asks the job
 * entities through {@link JobService} and cluster sharding, with no HTTP in between. Get one from
 * the node the service runs ({@code IgorNode.igor()}).
 *
 * <p>Results and refusals are the same as over HTTP: the same records and the same {@link
 * IgorException} subclasses (with the HTTP status the API would have answered). The job refuses
 * what the HTTP edge refuses in any value: text that is not valid Unicode or holds a NUL or another
 * control character, a time-out or retries over {@code igor.limits.max-task-timeout} and {@code
 * max-task-retries}, a {@code paused_at} past the year 9999 (400, {@link
 * IgorException.BadRequest}). Differences: the request limits of the HTTP edge (body size, tasks
 * per request, args size, name length) are not applied (a job's own limit on its tasks is); actions
 * are recorded in the audit trail as done by the name given to {@link #as}. Lists, single layers
 * and tasks, and counts come from the read model: use {@link IgorClient} for them.
 *
 * <p>Schedules are asked of {@link ScheduleService}, checked as POST /api/v1/schedules checks them
 * (the cron expression and its time zone, igor.schedules.min-interval and max-catch-up, the job's
 * fields and igor.limits.max-tasks-per-job), but for the same request limits as above and
 * igor.schedules.max-template-bytes; their pauses, triggers and deletes are recorded as done by the
 * name given to {@link #as}.
 */
public final class ClusterIgor implements Igor {
  /** Reads the views of the HTTP edge into the client's records, as {@code IgorClient} does. */
  private static final ObjectMapper VIEWS =
      JsonMapper.builder()
          .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .build();

  private final JobService jobs;
  private final ScheduleService schedules;
  private final Limits limits;
  private final ScheduleSettings scheduleSettings;
  private final TaskDefaults defaults;
  private final Duration timeout;
  private final String by;

  /**
   * An in-cluster API over this node's job and schedule services.
   *
   * @param jobs the node's job service
   * @param schedules the node's schedule service
   * @param limits the limits a job's fields are checked against (igor.limits)
   * @param scheduleSettings the limits of a schedule (igor.schedules)
   * @param defaults retries and time-out of a task that names none ({@code
   *     igor.jobs.default-retries}, {@code igor.jobs.default-timeout})
   * @param timeout how long to wait for an answer before {@link IgorException.Unavailable}
   */
  public ClusterIgor(
      JobService jobs,
      ScheduleService schedules,
      Limits limits,
      ScheduleSettings scheduleSettings,
      TaskDefaults defaults,
      Duration timeout) {
    this(jobs, schedules, limits, scheduleSettings, defaults, timeout, "");
  }

  private ClusterIgor(
      JobService jobs,
      ScheduleService schedules,
      Limits limits,
      ScheduleSettings scheduleSettings,
      TaskDefaults defaults,
      Duration timeout,
      String by) {
    this.jobs = Objects.requireNonNull(jobs, "jobs");
    this.schedules = Objects.requireNonNull(schedules, "schedules");
    this.limits = Objects.requireNonNull(limits, "limits");
    this.scheduleSettings = Objects.requireNonNull(scheduleSettings, "scheduleSettings");
    this.defaults = Objects.requireNonNull(defaults, "defaults");
    this.timeout = timeout;
    this.by = by == null ? "" : by;
  }

  /** The same API, with its actions recorded in audit trails as done by this name. */
  public ClusterIgor as(String by) {
    return new ClusterIgor(jobs, schedules, limits, scheduleSettings, defaults, timeout, by);
  }

  @Override
  public Job create(JobSpec spec) {
    JobAnswer result = await(jobs.create(plan(spec)));
    return job(checked(result.rejection(), result).job());
  }

  private JobPlan plan(JobSpec spec) {
    String jobId = Identifiers.newId();
    List<LayerPlan> layers = new ArrayList<>();
    List<TaskPlan> tasks = new ArrayList<>();
    for (LayerSpec layer : spec.layers()) {
      String layerId = Identifiers.newId();
      layers.add(
          new LayerPlan(
              layerId, layer.name(), layer.priority(), pausedAtMillis("layer", layer.pausedAt())));
      layer.tasks().forEach(t -> tasks.add(withFlow(plan(layerId, t), spec)));
    }
    return new JobPlan(
        jobId,
        spec.name(),
        pausedAtMillis("job", spec.pausedAt()),
        layers,
        tasks,
        startAtMillis(spec));
  }

  @Override
  public List<Task> addTasks(String layerId, List<TaskSpec> specs) {
    List<TaskPlan> plans = specs.stream().map(t -> plan(layerId, t)).toList();
    TasksAnswer result = await(jobs.addTasks(plans));
    return checked(result.rejection(), result).tasks().stream()
        .map(t -> VIEWS.convertValue(JobViews.task(t), Task.class))
        .toList();
  }

  @Override
  public Job job(String jobId) {
    JobAnswer result = await(jobs.get(jobId));
    return job(checked(result.rejection(), result).job());
  }

  @Override
  public List<AuditEntry> audit(String jobId) {
    JobAnswer result = await(jobs.get(jobId));
    return JobViews.audit(checked(result.rejection(), result).job().audit()).stream()
        .map(e -> VIEWS.convertValue(e, AuditEntry.class))
        .toList();
  }

  @Override
  public int act(Action action, Collection<Ref> refs) {
    List<ObjectRef> objects = new ArrayList<>(refs.size());
    for (Ref r : refs) {
      if (!Identifiers.isId(r.id())) {
        throw IgorException.of(
            400, r.kind().wireName() + " id must be a lowercase UUID, got '" + r.id() + "'");
      }
      objects.add(new ObjectRef(ObjectKind.valueOf(r.kind().name()), r.id(), r.etag()));
    }
    JobService.Acted result =
        await(jobs.act(igor.domain.Action.valueOf(action.name()), objects, by));
    return checked(result.rejection(), result).updated();
  }

  @Override
  public Schedule createSchedule(ScheduleSpec spec) {
    ScheduleAnswer result = await(schedules.create(checked(spec)));
    return schedule(checked(result.rejection(), result));
  }

  @Override
  public List<Schedule> schedules() {
    return await(schedules.list()).stream().map(ClusterIgor::schedule).toList();
  }

  @Override
  public Schedule schedule(String scheduleId) {
    return answered(schedules.get(scheduleId(scheduleId)));
  }

  @Override
  public Schedule pauseSchedule(String scheduleId) {
    return answered(schedules.pause(scheduleId(scheduleId), by));
  }

  @Override
  public Schedule unpauseSchedule(String scheduleId) {
    return answered(schedules.unpause(scheduleId(scheduleId), by));
  }

  @Override
  public Schedule triggerSchedule(String scheduleId) {
    return answered(schedules.trigger(scheduleId(scheduleId), by));
  }

  @Override
  public Schedule deleteSchedule(String scheduleId) {
    return answered(schedules.delete(scheduleId(scheduleId), by));
  }

  private Schedule answered(CompletionStage<ScheduleAnswer> answer) {
    ScheduleAnswer result = await(answer);
    return schedule(checked(result.rejection(), result));
  }

  private static String scheduleId(String id) {
    if (!Identifiers.isId(id)) {
      throw IgorException.of(400, "schedule id must be a lowercase UUID, got '" + id + "'");
    }
    return id;
  }

  /** The schedule as the domain keeps it, checked as POST /api/v1/schedules checks it. */
  private igor.domain.ScheduleSpec checked(ScheduleSpec spec) {
    if (spec.cron().isBlank()) {
      throw IgorException.of(400, "field 'cron' is required: the schedule's cron expression");
    }
    String zone = spec.timeZone().isBlank() ? "UTC" : spec.timeZone();
    DueTimes times;
    try {
      times = CronDueTimes.of(spec.cron(), zone);
    } catch (IllegalArgumentException e) {
      String field = e.getMessage().startsWith("unknown time zone") ? "time_zone" : "cron";
      throw IgorException.of(400, "field '" + field + "': " + e.getMessage());
    }
    checkInterval(times);
    int catchUpLimit = spec.catchUpLimit();
    if (catchUpLimit < 0 || catchUpLimit > scheduleSettings.maxCatchUp()) {
      throw IgorException.of(
          400,
          "field 'catch_up_limit' must be between 0 and "
              + scheduleSettings.maxCatchUp()
              + " (igor.schedules.max-catch-up), got "
              + catchUpLimit);
    }
    if (spec.catchUp() == ScheduleSpec.CatchUp.ALL && catchUpLimit == 0) {
      throw IgorException.of(
          400,
          "field 'catch_up_limit' is required with catch_up 'all': how many missed fires to make"
              + " up");
    }
    Text.problem(spec.name())
        .ifPresent(
            p -> {
              throw IgorException.of(400, "schedule name " + p);
            });
    JobPlan template = plan(spec.job());
    if (template.tasks().size() > limits.maxTasksPerJob()) {
      throw IgorException.of(
          413,
          "the job has "
              + template.tasks().size()
              + " tasks, over the limit of "
              + limits.maxTasksPerJob()
              + " (igor.limits.max-tasks-per-job)");
    }
    Optional<String> problem = limits.planBounds().problem(template);
    for (TaskPlan task : template.tasks()) {
      problem =
          problem
              .or(
                  () ->
                      task.type() == null || task.type().isEmpty()
                          ? Optional.of("task " + task.taskId() + " has no type")
                          : Optional.empty())
              .or(() -> limits.planBounds().problem(task));
    }
    problem.ifPresent(
        p -> {
          throw IgorException.of(400, "field 'job': " + p);
        });
    return new igor.domain.ScheduleSpec(
        spec.name(),
        spec.cron().trim(),
        zone,
        template,
        igor.domain.ScheduleSpec.Overlap.valueOf(spec.overlap().name()),
        igor.domain.ScheduleSpec.CatchUp.valueOf(spec.catchUp().name()),
        catchUpLimit);
  }

  /** Due times closer than igor.schedules.min-interval, or none at all, are refused. */
  private void checkInterval(DueTimes times) {
    long min = scheduleSettings.minInterval().toMillis();
    OptionalLong previous = times.nextAfter(System.currentTimeMillis());
    if (previous.isEmpty()) {
      throw IgorException.of(400, "field 'cron': the expression has no due time from now on");
    }
    for (int i = 0; i < 500; i++) {
      OptionalLong next = times.nextAfter(previous.getAsLong());
      if (next.isEmpty()) {
        return;
      }
      if (next.getAsLong() - previous.getAsLong() < min) {
        throw IgorException.of(
            400,
            "field 'cron': due times "
                + (next.getAsLong() - previous.getAsLong())
                + " ms apart, under the minimum of "
                + min
                + " ms (igor.schedules.min-interval)");
      }
      previous = next;
    }
  }

  /** The task with its job's urgency and keys (as the API gives a job's to its tasks). */
  private static TaskPlan withFlow(TaskPlan t, JobSpec spec) {
    if (spec.urgency() == 0 && spec.concurrencyKey().isEmpty() && spec.fairnessKey().isEmpty()) {
      return t;
    }
    return t.withFlow(
        new igor.domain.TaskFlow(spec.urgency(), spec.concurrencyKey(), spec.fairnessKey()));
  }

  private TaskPlan plan(String layerId, TaskSpec t) {
    return new TaskPlan(
        Identifiers.newId(),
        layerId,
        t.type(),
        t.name(),
        t.args(),
        t.paused() ? PlanBounds.wholeSecond(System.currentTimeMillis()) : 0,
        defaults.retries(t.retries() < 0 ? null : t.retries()),
        defaults.timeoutSeconds(t.timeoutSeconds()));
  }

  /**
   * When the job may start (unix ms), 0 for at once; a 400 beyond igor.limits.max-start-delay (the
   * job checks that bound, this only keeps the numbers far from overflowing).
   */
  private static long startAtMillis(JobSpec spec) {
    if (spec.startAt() > 0) {
      PlanBounds.unixSecondsProblem(spec.startAt())
          .ifPresent(
              p -> {
                throw IgorException.of(400, "job start_at " + p);
              });
      return spec.startAt() * 1000;
    }
    if (spec.startAfter() > 0) {
      if (spec.startAfter() > PlanBounds.TIMER_CEILING_SECONDS) {
        throw IgorException.of(
            400,
            "job start_after must be at most igor.limits.max-start-delay, got "
                + spec.startAfter()
                + " seconds");
      }
      return System.currentTimeMillis() + spec.startAfter() * 1000;
    }
    return 0;
  }

  /** A paused_at of the API (unix seconds) as the job keeps it (ms); a 400 past the year 9999. */
  private static long pausedAtMillis(String what, long seconds) {
    PlanBounds.pausedAtProblem(seconds)
        .ifPresent(
            p -> {
              throw IgorException.of(400, what + " paused_at " + p);
            });
    return PlanBounds.pausedAtMillis(seconds);
  }

  private <T> T await(CompletionStage<T> answer) {
    try {
      return answer.toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new IgorException.Unavailable(503, "Igor did not answer in time; try again", e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof TimeoutException) {
        throw new IgorException.Unavailable(503, "Igor did not answer in time; try again", cause);
      }
      throw new IgorException.Unavailable(503, "Igor could not serve it: " + cause, cause);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IgorException(0, "interrupted while waiting for Igor", e);
    }
  }

  private static <T> T checked(Rejection rejection, T result) {
    if (rejection == null) {
      return result;
    }
    throw IgorException.of(RejectionStatus.of(rejection.kind()), rejection.reason());
  }

  /** The job as the API shows it (times in seconds, counts by status): the edge's own view. */
  static Job job(JobSnapshot job) {
    return VIEWS.convertValue(JobViews.job(job), Job.class);
  }

  /** The schedule as the API shows it: the edge's own view. */
  static Schedule schedule(ScheduleAnswer answer) {
    return VIEWS.convertValue(ScheduleViews.of(answer), Schedule.class);
  }
}
