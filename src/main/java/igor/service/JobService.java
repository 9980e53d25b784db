package igor.service;

import igor.domain.Action;
import igor.domain.JobPlan;
import igor.domain.LayerPlan;
import igor.domain.ObjectKind;
import igor.domain.ObjectRef;
import igor.domain.Rejection;
import igor.domain.TaskPlan;
import igor.entity.JobEntity;
import igor.entity.JobEntity.ActResult;
import igor.entity.JobEntity.JobResult;
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
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;

/**
 * What clients can ask of Igor's jobs, whatever the transport: the HTTP routes and, later, the
 * in-cluster API call this. It finds the job entity for a request and asks it; it decides nothing.
 */
public final class JobService {
  private final ClusterSharding sharding;
  private final ObjectDirectory directory;
  private final Duration askTimeout;
  private final Executor executor;

  public JobService(ActorSystem<?> system, ObjectDirectory directory, Duration askTimeout) {
    this.sharding = ClusterSharding.get(system);
    this.directory = directory;
    this.askTimeout = askTimeout;
    this.executor = system.executionContext();
  }

  /** Creates the job: its layers and tasks are recorded in the directory first. */
  public CompletionStage<JobResult> create(JobPlan plan) {
    List<String> layerIds = plan.layers().stream().map(LayerPlan::layerId).toList();
    List<String> taskIds = plan.tasks().stream().map(TaskPlan::taskId).toList();
    return directory
        .register(plan.jobId(), layerIds, taskIds)
        .thenComposeAsync(
            registered ->
                job(plan.jobId())
                    .<JobResult>ask(replyTo -> new JobEntity.Create(plan, replyTo), askTimeout),
            executor);
  }

  /** Adds tasks to layers, all of which must belong to one job. */
  public CompletionStage<TasksResult> addTasks(List<TaskPlan> tasks) {
    if (tasks.isEmpty()) {
      return CompletableFuture.completedFuture(new TasksResult(List.of(), null));
    }
    Set<String> layerIds = new LinkedHashSet<>();
    tasks.forEach(t -> layerIds.add(t.layerId()));
    return directory
        .jobsOfLayers(layerIds)
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
              return directory
                  .register(jobId, List.of(), taskIds)
                  .thenComposeAsync(
                      registered ->
                          job(jobId)
                              .<TasksResult>ask(
                                  replyTo -> new JobEntity.AddTasks(tasks, replyTo), askTimeout),
                      executor);
            },
            executor);
  }

  public CompletionStage<JobResult> get(String jobId) {
    return job(jobId).ask(JobEntity.Get::new, askTimeout);
  }

  /** The job's status and task counts, from its entity (exact), without its tasks. */
  public CompletionStage<JobEntity.SummaryResult> summary(String jobId) {
    return job(jobId).ask(JobEntity.GetSummary::new, askTimeout);
  }

  /**
   * Applies an action to objects of any number of jobs: each job's part is decided by its own
   * entity, all at once. Objects that are not known count as not changed. Answers how many
   * objects changed.
   */
  public CompletionStage<Integer> act(Action action, List<ObjectRef> refs, String by) {
    Set<String> layers = new LinkedHashSet<>();
    Set<String> tasks = new LinkedHashSet<>();
    for (ObjectRef ref : refs) {
      if (ref.kind() == ObjectKind.LAYER) {
        layers.add(ref.id());
      } else if (ref.kind() == ObjectKind.TASK) {
        tasks.add(ref.id());
      }
    }
    CompletableFuture<Map<String, String>> layerJobs =
        directory.jobsOfLayers(layers).toCompletableFuture();
    CompletableFuture<Map<String, String>> taskJobs =
        directory.jobsOfTasks(tasks).toCompletableFuture();
    return layerJobs.thenCombineAsync(
            taskJobs,
            (jobsOfLayers, jobsOfTasks) -> {
              Map<String, List<ObjectRef>> byJob = new LinkedHashMap<>();
              for (ObjectRef ref : refs) {
                String jobId =
                    switch (ref.kind()) {
                      case JOB -> ref.id();
                      case LAYER -> jobsOfLayers.get(ref.id());
                      case TASK -> jobsOfTasks.get(ref.id());
                    };
                if (jobId != null) {
                  byJob.computeIfAbsent(jobId, id -> new ArrayList<>()).add(ref);
                }
              }
              return byJob;
            },
            executor)
        .thenComposeAsync(
            byJob -> {
              List<CompletableFuture<ActResult>> answers = new ArrayList<>();
              byJob.forEach(
                  (jobId, jobRefs) ->
                      answers.add(
                          job(jobId)
                              .<ActResult>ask(
                                  replyTo -> new JobEntity.Act(action, jobRefs, by, replyTo),
                                  askTimeout)
                              .toCompletableFuture()));
              return CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new))
                  .thenApply(
                      all -> answers.stream().mapToInt(a -> a.join().updated()).sum());
            },
            executor);
  }

  private EntityRef<JobEntity.Command> job(String jobId) {
    return sharding.entityRefFor(JobEntity.ENTITY_KEY, jobId);
  }

  private static CompletionStage<TasksResult> rejected(Rejection rejection) {
    return CompletableFuture.completedFuture(new TasksResult(null, rejection));
  }
}
