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
import igor.client.Task;
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
import igor.service.JobService.JobAnswer;
import igor.service.JobService.TasksAnswer;
import igor.worker.api.TaskSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
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
 */
public final class ClusterIgor implements Igor {
  /** Reads the views of the HTTP edge into the client's records, as {@code IgorClient} does. */
  private static final ObjectMapper VIEWS =
      JsonMapper.builder()
          .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .build();

  private final JobService jobs;
  private final TaskDefaults defaults;
  private final Duration timeout;
  private final String by;

  /**
   * An in-cluster API over this node's job service.
   *
   * @param jobs the node's job service
   * @param defaults retries and time-out of a task that names none ({@code
   *     igor.jobs.default-retries}, {@code igor.jobs.default-timeout})
   * @param timeout how long to wait for a job's answer before {@link IgorException.Unavailable}
   */
  public ClusterIgor(JobService jobs, TaskDefaults defaults, Duration timeout) {
    this(jobs, defaults, timeout, "");
  }

  private ClusterIgor(JobService jobs, TaskDefaults defaults, Duration timeout, String by) {
    this.jobs = Objects.requireNonNull(jobs, "jobs");
    this.defaults = Objects.requireNonNull(defaults, "defaults");
    this.timeout = timeout;
    this.by = by == null ? "" : by;
  }

  /** The same API, with its actions recorded in audit trails as done by this name. */
  public ClusterIgor as(String by) {
    return new ClusterIgor(jobs, defaults, timeout, by);
  }

  @Override
  public Job create(JobSpec spec) {
    String jobId = Identifiers.newId();
    List<LayerPlan> layers = new ArrayList<>();
    List<TaskPlan> tasks = new ArrayList<>();
    for (LayerSpec layer : spec.layers()) {
      String layerId = Identifiers.newId();
      layers.add(
          new LayerPlan(
              layerId, layer.name(), layer.priority(), pausedAtMillis("layer", layer.pausedAt())));
      layer.tasks().forEach(t -> tasks.add(plan(layerId, t)));
    }
    JobAnswer result =
        await(
            jobs.create(
                new JobPlan(
                    jobId,
                    spec.name(),
                    pausedAtMillis("job", spec.pausedAt()),
                    layers,
                    tasks,
                    startAtMillis(spec))));
    return job(checked(result.rejection(), result).job());
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
      throw new IgorException.Unavailable(503, "the job did not answer in time; try again", e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof TimeoutException) {
        throw new IgorException.Unavailable(
            503, "the job did not answer in time; try again", cause);
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
}
