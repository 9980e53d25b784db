package igor.service;

import igor.domain.JobPlan;
import igor.domain.LayerPlan;
import igor.domain.Rejection;
import igor.domain.TaskPlan;
import igor.entity.JobEntity;
import igor.entity.JobEntity.JobResult;
import igor.entity.JobEntity.TasksResult;
import igor.storage.LayerDirectory;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
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
  private final LayerDirectory layers;
  private final Duration askTimeout;
  private final Executor executor;

  public JobService(
      ActorSystem<?> system, LayerDirectory layers, Duration askTimeout) {
    this.sharding = ClusterSharding.get(system);
    this.layers = layers;
    this.askTimeout = askTimeout;
    this.executor = system.executionContext();
  }

  /** Creates the job: its layers are recorded in the directory first, then the job is created. */
  public CompletionStage<JobResult> create(JobPlan plan) {
    List<String> layerIds = plan.layers().stream().map(LayerPlan::layerId).toList();
    return layers
        .register(plan.jobId(), layerIds)
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
    return layers
        .jobsOf(layerIds)
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
              return job(jobIds.iterator().next())
                  .<TasksResult>ask(replyTo -> new JobEntity.AddTasks(tasks, replyTo), askTimeout);
            },
            executor);
  }

  public CompletionStage<JobResult> get(String jobId) {
    return job(jobId).ask(JobEntity.Get::new, askTimeout);
  }

  private EntityRef<JobEntity.Command> job(String jobId) {
    return sharding.entityRefFor(JobEntity.ENTITY_KEY, jobId);
  }

  private static CompletionStage<TasksResult> rejected(Rejection rejection) {
    return CompletableFuture.completedFuture(new TasksResult(null, rejection));
  }
}
