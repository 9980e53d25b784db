package igor.service;

import igor.domain.JobPlan;
import igor.domain.JobSnapshot;
import igor.domain.LayerPlan;
import igor.domain.Rejection;
import igor.domain.TaskFlow;
import igor.domain.TaskPlan;
import igor.domain.TaskSnapshot;
import igor.service.JobService.JobAnswer;
import igor.service.JobService.TasksAnswer;
import igor.storage.IdempotencyKeys;
import igor.storage.IdempotencyKeys.Claim;
import igor.storage.ObjectDirectory;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.Cancellable;
import org.apache.pekko.actor.typed.ActorSystem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates jobs and adds tasks at most once per idempotency key (docs/semantics.md, "Idempotent
 * submits"). The key is claimed in PostgreSQL before anything is asked of a job, with a seed from
 * which every id of the request is derived: the job's id is the seed, layer and task ids are
 * name-based UUIDs of the seed and their position. A retry, a concurrent duplicate or a retry after
 * a crash mid-create therefore asks for the same ids, and the job entity, which creates a job once
 * and refuses repeated task ids, makes sure nothing is created twice; the ids are then answered
 * from the job as it is.
 *
 * <p>A key is held for {@code window}; the same key with another request (another fingerprint) is a
 * conflict. A request the job refuses frees its key.
 */
public final class IdempotentJobs {
  /** The scope of keys derived inside the cluster ({@link #createOnce}). */
  public static final String CLUSTER_SCOPE = "cluster:jobs";

  private static final Logger log = LoggerFactory.getLogger(IdempotentJobs.class);

  private final JobService jobs;
  private final ObjectDirectory directory;
  private final IdempotencyKeys keys;
  private final Duration window;
  private final Executor executor;
  private volatile Cancellable sweep;

  public IdempotentJobs(
      ActorSystem<?> system,
      JobService jobs,
      ObjectDirectory directory,
      IdempotencyKeys keys,
      Duration window) {
    this.jobs = jobs;
    this.directory = directory;
    this.keys = keys;
    this.window = window;
    this.executor = system.executionContext();
  }

  /**
   * Creates the job of {@code plan} once per key derived by the caller (for example a schedule's id
   * and the time it fires): calling it again with the same key and plan, from any node, at any time
   * within the window, answers the job created first (its ids ignore those of the plan). The
   * fingerprint is taken from the plan without its ids. Keys of this method never meet those of the
   * HTTP API.
   */
  public CompletionStage<JobAnswer> createOnce(String derivedKey, JobPlan plan) {
    return create(CLUSTER_SCOPE, derivedKey, planFingerprint(plan), plan);
  }

  /**
   * Creates the job once per key of the scope: the first call creates it (with ids derived from its
   * job id), a call with the same key and fingerprint answers the same job, one with another
   * fingerprint is refused (conflict, naming the key).
   */
  public CompletionStage<JobAnswer> create(
      String scope, String key, String fingerprint, JobPlan plan) {
    return keys.claim(scope, key, fingerprint, plan.jobId(), window)
        .thenComposeAsync(
            claim -> {
              if (!claim.stored().fingerprint().equals(fingerprint)) {
                return CompletableFuture.completedFuture(
                    new JobAnswer(null, reused(key, "job " + claim.stored().idSeed())));
              }
              String jobId = claim.stored().idSeed();
              if (claim.stored().done()) {
                return jobs.get(jobId).thenApply(answer -> stillThere(answer, key, jobId));
              }
              return jobs.create(keyedPlan(plan, jobId))
                  .thenComposeAsync(answer -> afterCreate(scope, key, claim, answer), executor);
            },
            executor);
  }

  private CompletionStage<JobAnswer> afterCreate(
      String scope, String key, Claim claim, JobAnswer answer) {
    String jobId = claim.stored().idSeed();
    if (answer.rejection() == null) {
      return keys.done(scope, key, jobId).thenApply(x -> answer);
    }
    // a duplicate may have created it first (the entity refuses to create a job twice): answer
    // the job as it is; else nothing was created and a fresh key is free again
    return jobs.get(jobId)
        .thenCompose(
            existing -> {
              if (existing.rejection() == null) {
                return keys.done(scope, key, jobId).thenApply(x -> existing);
              }
              if (claim.fresh()) {
                return keys.release(scope, key, jobId).thenApply(x -> answer);
              }
              return CompletableFuture.completedFuture(answer);
            });
  }

  /**
   * Adds the tasks once per key of the scope, with task ids derived from the key's seed; a repeat
   * answers the tasks as they are now.
   */
  public CompletionStage<TasksAnswer> addTasks(
      String scope, String key, String fingerprint, List<TaskPlan> tasks) {
    String seed = igor.domain.Identifiers.newId();
    return keys.claim(scope, key, fingerprint, seed, window)
        .thenComposeAsync(
            claim -> {
              if (!claim.stored().fingerprint().equals(fingerprint)) {
                return CompletableFuture.completedFuture(
                    new TasksAnswer(null, reused(key, "tasks")));
              }
              String idSeed = claim.stored().idSeed();
              List<TaskPlan> keyed = keyedTasks(tasks, idSeed);
              return jobs.addTasks(keyed)
                  .thenComposeAsync(
                      answer -> {
                        if (answer.rejection() == null) {
                          return keys.done(scope, key, idSeed).thenApply(x -> answer);
                        }
                        return added(keyed)
                            .thenCompose(
                                existing -> {
                                  if (existing != null) {
                                    return keys.done(scope, key, idSeed)
                                        .thenApply(x -> new TasksAnswer(existing, null));
                                  }
                                  if (claim.fresh()) {
                                    return keys.release(scope, key, idSeed).thenApply(x -> answer);
                                  }
                                  return CompletableFuture.completedFuture(answer);
                                });
                      },
                      executor);
            },
            executor);
  }

  /** The tasks as they are in their job when every one of them was added; else null. */
  private CompletionStage<List<TaskSnapshot>> added(List<TaskPlan> keyed) {
    List<String> ids = keyed.stream().map(TaskPlan::taskId).toList();
    return directory
        .jobsOfTasks(ids)
        .thenComposeAsync(
            jobsOfTasks -> {
              if (jobsOfTasks.size() != ids.size()
                  || jobsOfTasks.values().stream().distinct().count() != 1) {
                return CompletableFuture.completedFuture(null);
              }
              return jobs.get(jobsOfTasks.values().iterator().next())
                  .thenApply(answer -> answer.rejection() == null ? pick(answer.job(), ids) : null);
            },
            executor);
  }

  private static List<TaskSnapshot> pick(JobSnapshot job, List<String> ids) {
    Map<String, TaskSnapshot> byId = new HashMap<>();
    job.tasks().forEach(t -> byId.put(t.id(), t));
    List<TaskSnapshot> picked = new ArrayList<>(ids.size());
    for (String id : ids) {
      TaskSnapshot task = byId.get(id);
      if (task == null) {
        return null;
      }
      picked.add(task);
    }
    return picked;
  }

  private static JobAnswer stillThere(JobAnswer answer, String key, String jobId) {
    if (answer.rejection() != null && answer.rejection().kind() == Rejection.Kind.NOT_FOUND) {
      return new JobAnswer(
          null,
          Rejection.notFound(
              "job "
                  + jobId
                  + ", created with Idempotency-Key '"
                  + key
                  + "', no longer exists (removed after it finished)"));
    }
    return answer;
  }

  private Rejection reused(String key, String what) {
    return Rejection.conflict(
        "Idempotency-Key '"
            + key
            + "' was used with another request within igor.idempotency.window ("
            + readable(window)
            + "; it created "
            + what
            + "): use a new key for a different request");
  }

  /** A window as igor.conf writes it: 24h, 10m, 90s, 1500ms. */
  static String readable(Duration d) {
    long ms = d.toMillis();
    if (ms % 3_600_000 == 0) {
      return ms / 3_600_000 + "h";
    }
    if (ms % 60_000 == 0) {
      return ms / 60_000 + "m";
    }
    return ms % 1000 == 0 ? ms / 1000 + "s" : ms + "ms";
  }

  /** The plan with the ids derived from {@code jobId}: layers and tasks by their position. */
  static JobPlan keyedPlan(JobPlan plan, String jobId) {
    Map<String, String> layerIds = new HashMap<>();
    List<LayerPlan> layers = new ArrayList<>(plan.layers().size());
    for (int i = 0; i < plan.layers().size(); i++) {
      LayerPlan l = plan.layers().get(i);
      String id = derivedId(jobId, "layer", i);
      layerIds.put(l.layerId(), id);
      layers.add(new LayerPlan(id, l.name(), l.priority(), l.pausedAtMillis()));
    }
    List<TaskPlan> tasks = new ArrayList<>(plan.tasks().size());
    for (int i = 0; i < plan.tasks().size(); i++) {
      TaskPlan t = plan.tasks().get(i);
      tasks.add(withIds(t, derivedId(jobId, "task", i), layerIds.get(t.layerId())));
    }
    return plan.withIds(jobId, layers, tasks);
  }

  static List<TaskPlan> keyedTasks(List<TaskPlan> tasks, String seed) {
    List<TaskPlan> keyed = new ArrayList<>(tasks.size());
    for (int i = 0; i < tasks.size(); i++) {
      TaskPlan t = tasks.get(i);
      keyed.add(withIds(t, derivedId(seed, "task", i), t.layerId()));
    }
    return keyed;
  }

  private static TaskPlan withIds(TaskPlan t, String taskId, String layerId) {
    return new TaskPlan(
        taskId,
        layerId,
        t.type(),
        t.name(),
        t.args(),
        t.pausedAtMillis(),
        t.retries(),
        t.timeoutSeconds(),
        t.flow());
  }

  /** A name-based UUID (version 3) of the seed, the kind of object and its position. */
  static String derivedId(String seed, String kind, int position) {
    return UUID.nameUUIDFromBytes(
            (seed + "/" + kind + "/" + position).getBytes(StandardCharsets.UTF_8))
        .toString();
  }

  /** SHA-256 in hex of a normalised request. */
  public static String fingerprint(byte[] normalisedRequest) {
    try {
      return HexFormat.of()
          .formatHex(MessageDigest.getInstance("SHA-256").digest(normalisedRequest));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  /**
   * The fingerprint of a plan without its ids (tasks name their layer by position), nor its trace:
   * a request sent again may come in another trace, and is still the same job.
   */
  static String planFingerprint(JobPlan plan) {
    StringBuilder text = new StringBuilder();
    Map<String, Integer> layerPositions = new HashMap<>();
    text.append(plan.name().length()).append(':').append(plan.name());
    text.append('|').append(plan.pausedAtMillis());
    text.append('|').append(plan.startAtMillis());
    for (int i = 0; i < plan.layers().size(); i++) {
      LayerPlan l = plan.layers().get(i);
      layerPositions.put(l.layerId(), i);
      text.append("|L").append(l.name().length()).append(':').append(l.name());
      text.append(',').append(l.priority()).append(',').append(l.pausedAtMillis());
    }
    for (TaskPlan t : plan.tasks()) {
      text.append("|T").append(layerPositions.get(t.layerId()));
      text.append(',').append(t.type().length()).append(':').append(t.type());
      text.append(',').append(t.name().length()).append(':').append(t.name());
      text.append(',').append(Base64.getEncoder().encodeToString(t.args()));
      text.append(',').append(t.pausedAtMillis()).append(',').append(t.retries());
      text.append(',').append(t.timeoutSeconds());
      if (!TaskFlow.isDefault(t.flow())) {
        // only when set: the fingerprints of keys from before flow control stay the same
        TaskFlow f = t.flow();
        text.append(",F").append(f.urgency());
        text.append(',').append(f.concurrencyKey().length()).append(':').append(f.concurrencyKey());
        text.append(',').append(f.fairnessKey().length()).append(':').append(f.fairnessKey());
      }
    }
    return fingerprint(text.toString().getBytes(StandardCharsets.UTF_8));
  }

  /** Removes expired keys, a batch per interval (the first after one interval). */
  public IdempotentJobs startSweeping(ActorSystem<?> system, Duration interval, int batchSize) {
    sweep =
        system
            .scheduler()
            .scheduleWithFixedDelay(
                interval,
                interval,
                () -> {
                  try {
                    removeExpired(batchSize).toCompletableFuture().get(1, TimeUnit.MINUTES);
                  } catch (Exception e) {
                    log.warn("removal of expired idempotency keys failed problem={}", e.toString());
                  }
                },
                system.executionContext());
    return this;
  }

  public void stopSweeping() {
    if (sweep != null) {
      sweep.cancel();
    }
  }

  /** Removes up to {@code batchSize} keys whose window has passed; answers how many. */
  public CompletionStage<Integer> removeExpired(int batchSize) {
    return keys.removeExpired(batchSize)
        .thenApply(
            removed -> {
              if (removed > 0) {
                log.info("expired idempotency keys removed count={}", removed);
              }
              return removed;
            });
  }
}
