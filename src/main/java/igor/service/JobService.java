package igor.service;

import igor.domain.Action;
import igor.domain.Identifiers;
import igor.domain.JobPlan;
import igor.domain.JobSnapshot;
import igor.domain.JobSummary;
import igor.domain.LayerPlan;
import igor.domain.ObjectKind;
import igor.domain.ObjectRef;
import igor.domain.Rejection;
import igor.domain.TaskPlan;
import igor.domain.TaskSnapshot;
import igor.entity.JobEntity;
import igor.entity.JobEntity.ActResult;
import igor.entity.JobEntity.JobResult;
import igor.entity.JobEntity.SummaryResult;
import igor.entity.JobEntity.TasksResult;
import igor.storage.ObjectDirectory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * What clients can ask of Igor's jobs, whatever the transport: the HTTP routes and the in-cluster
 * API call this. It finds the job entity for a request and asks it, through the {@link JobGateway}
 * (an unknown id is answered without asking any entity); it decides nothing.
 */
public final class JobService {
  /** The answer to {@link #create} and {@link #get}: the whole job, or why not. */
  public record JobAnswer(JobSnapshot job, Rejection rejection) {}

  /** The answer to {@link #addTasks}: the tasks added, or why none was. */
  public record TasksAnswer(List<TaskSnapshot> tasks, Rejection rejection) {}

  /** The answer to {@link #summary}: the job without its tasks, or why not. */
  public record SummaryAnswer(JobSummary summary, Rejection rejection) {}

  /** The answer to {@link #act}: how many objects changed, or why nothing was done. */
  public record Acted(int updated, Rejection rejection) {}

  private static final String JOB_NOT_FOUND = "job not found";

  private final JobGateway gateway;
  private final ObjectDirectory directory;
  private final Duration askTimeout;
  private final Executor executor;

  public JobService(
      ActorSystem<?> system, JobGateway gateway, ObjectDirectory directory, Duration askTimeout) {
    this.gateway = gateway;
    this.directory = directory;
    this.askTimeout = askTimeout;
    this.executor = system.executionContext();
  }

  /** The gateway to the job entities, for what else asks jobs by an id it was given. */
  public JobGateway gateway() {
    return gateway;
  }

  /**
   * Creates the job: it is recorded in the directory with its layers and tasks first, so that a job
   * answered as created is always found.
   */
  public CompletionStage<JobAnswer> create(JobPlan plan) {
    List<String> layerIds = plan.layers().stream().map(LayerPlan::layerId).toList();
    List<String> taskIds = plan.tasks().stream().map(TaskPlan::taskId).toList();
    return gateway
        .register(plan.jobId(), layerIds, taskIds)
        .thenComposeAsync(
            registered ->
                gateway.<JobResult>ask(
                    plan.jobId(),
                    replyTo -> new JobEntity.Create(plan, replyTo),
                    askTimeout,
                    () -> JobResult.rejected(Rejection.notFound(JOB_NOT_FOUND))),
            executor)
        .thenApply(JobService::answer);
  }

  /** Adds tasks to layers, all of which must belong to one job. */
  public CompletionStage<TasksAnswer> addTasks(List<TaskPlan> tasks) {
    if (tasks.isEmpty()) {
      return CompletableFuture.completedFuture(new TasksAnswer(List.of(), null));
    }
    Set<String> layerIds = new LinkedHashSet<>();
    tasks.forEach(t -> layerIds.add(t.layerId()));
    return directory
        .jobsOfLayers(wellFormed(layerIds))
        .thenComposeAsync(
            jobsByLayer -> {
              for (String layerId : layerIds) {
                if (!jobsByLayer.containsKey(layerId)) {
                  return rejected(Rejection.notFound("layer " + layerId + " not found"));
                }
              }
              Set<String> jobIds = new LinkedHashSet<>(jobsByLayer.values());
              if (jobIds.size() > 1) {
                return rejected(
                    Rejection.invalid(
                        "tasks of one request must go into layers of one job; these layers"
                            + " belong to "
                            + jobIds.size()
                            + " jobs"));
              }
              String jobId = jobIds.iterator().next();
              List<String> taskIds = tasks.stream().map(TaskPlan::taskId).toList();
              return gateway
                  .register(jobId, List.of(), taskIds)
                  .thenComposeAsync(
                      registered ->
                          gateway
                              .<TasksResult>ask(
                                  jobId,
                                  replyTo -> new JobEntity.AddTasks(tasks, replyTo),
                                  askTimeout,
                                  () -> new TasksResult(null, Rejection.notFound(JOB_NOT_FOUND)))
                              .thenApply(r -> new TasksAnswer(r.tasks(), r.rejection())),
                      executor);
            },
            executor);
  }

  /** The whole job, from its entity; an unknown job is answered without asking any entity. */
  public CompletionStage<JobAnswer> get(String jobId) {
    return gateway
        .<JobResult>askResending(
            jobId,
            JobEntity.Get::new,
            askTimeout,
            () -> JobResult.rejected(Rejection.notFound(JOB_NOT_FOUND)))
        .thenApply(result -> forgetIfGone(jobId, result.rejection(), answer(result)));
  }

  /** The job's status and task counts, from its entity (exact), without its tasks. */
  public CompletionStage<SummaryAnswer> summary(String jobId) {
    return gateway
        .<SummaryResult>askResending(
            jobId,
            JobEntity.GetSummary::new,
            askTimeout,
            () -> new SummaryResult(null, Rejection.notFound(JOB_NOT_FOUND)))
        .thenApply(
            result ->
                forgetIfGone(
                    jobId,
                    result.rejection(),
                    new SummaryAnswer(result.summary(), result.rejection())));
  }

  private static JobAnswer answer(JobResult result) {
    return new JobAnswer(result.job(), result.rejection());
  }

  /** A job the directory knew but whose entity does not (removed meanwhile) is looked up again. */
  private <T> T forgetIfGone(String jobId, Rejection rejection, T result) {
    if (rejection != null && rejection.kind() == Rejection.Kind.NOT_FOUND) {
      gateway.forget(List.of(jobId));
    }
    return result;
  }

  /**
   * Applies an action to objects of any number of jobs: each job's part is decided by its own
   * entity, all at once. An id that names nothing rejects the whole request (not found) before any
   * job is asked. Answers how many objects changed; a stale etag counts as not changed.
   */
  public CompletionStage<Acted> act(Action action, List<ObjectRef> refs, String by) {
    return act(action, refs, by, "");
  }

  /**
   * As {@link #act(Action, List, String)}, asked in the trace {@code traceParent} (a W3C
   * traceparent, empty for none): each job's span of the action links to it.
   */
  public CompletionStage<Acted> act(
      Action action, List<ObjectRef> refs, String by, String traceParent) {
    Set<String> jobs = new LinkedHashSet<>();
    Set<String> layers = new LinkedHashSet<>();
    Set<String> tasks = new LinkedHashSet<>();
    for (ObjectRef ref : refs) {
      switch (ref.kind()) {
        case JOB -> jobs.add(ref.id());
        case LAYER -> layers.add(ref.id());
        case TASK -> tasks.add(ref.id());
      }
    }
    CompletableFuture<Set<String>> knownJobs = gateway.existing(jobs).toCompletableFuture();
    CompletableFuture<Map<String, String>> layerJobs =
        directory.jobsOfLayers(wellFormed(layers)).toCompletableFuture();
    CompletableFuture<Map<String, String>> taskJobs =
        directory.jobsOfTasks(wellFormed(tasks)).toCompletableFuture();
    return CompletableFuture.allOf(knownJobs, layerJobs, taskJobs)
        .thenComposeAsync(
            all -> {
              Map<String, List<ObjectRef>> byJob = new LinkedHashMap<>();
              for (ObjectRef ref : refs) {
                String jobId =
                    switch (ref.kind()) {
                      case JOB -> knownJobs.join().contains(ref.id()) ? ref.id() : null;
                      case LAYER -> layerJobs.join().get(ref.id());
                      case TASK -> taskJobs.join().get(ref.id());
                    };
                if (jobId == null) {
                  return CompletableFuture.completedFuture(
                      new Acted(
                          0,
                          Rejection.notFound(
                              kindName(ref.kind())
                                  + " "
                                  + ref.id()
                                  + " not found: nothing was"
                                  + " changed")));
                }
                byJob.computeIfAbsent(jobId, id -> new ArrayList<>()).add(ref);
              }
              return actOn(action, byJob, by, traceParent);
            },
            executor);
  }

  private CompletionStage<Acted> actOn(
      Action action, Map<String, List<ObjectRef>> byJob, String by, String traceParent) {
    List<CompletableFuture<ActResult>> answers = new ArrayList<>();
    byJob.forEach(
        (jobId, jobRefs) ->
            answers.add(
                gateway
                    .<ActResult>ask(
                        jobId,
                        replyTo -> new JobEntity.Act(action, jobRefs, by, traceParent, replyTo),
                        askTimeout,
                        () -> new ActResult(0))
                    .toCompletableFuture()));
    return CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new))
        .thenApply(
            all -> new Acted(answers.stream().mapToInt(a -> a.join().updated()).sum(), null));
  }

  /** Only well-formed ids are looked up: a malformed one names nothing. */
  private static Set<String> wellFormed(Set<String> ids) {
    Set<String> wellFormed = new LinkedHashSet<>();
    ids.stream().filter(Identifiers::isId).forEach(wellFormed::add);
    return wellFormed;
  }

  private static String kindName(ObjectKind kind) {
    return kind.name().toLowerCase(java.util.Locale.ROOT);
  }

  private static CompletionStage<TasksAnswer> rejected(Rejection rejection) {
    return CompletableFuture.completedFuture(new TasksAnswer(null, rejection));
  }
}
