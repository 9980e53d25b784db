package igor.service;

import igor.config.IgorSettings;
import igor.entity.JobTags;
import igor.storage.ObjectDirectory;
import igor.storage.ProjectionProgress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * Read-your-writes for reads filtered by ids (SEMANTICS.md section 7, "Reads"): before such a read
 * is answered from the read model, it waits until the projection has applied every event that the
 * named jobs had journaled when the read came in, so it reflects every write answered before it was
 * sent. The ids are resolved to their jobs through the object directory and the journal: no job
 * entity is asked, so an unknown id starts nothing and waits for nothing.
 *
 * <p>The projection applies each tag slice's events in journal order, so "applied up to position p
 * of slice s" is the whole test. Up to {@code maxJobsPerWait} jobs, the positions are those of each
 * job's last event; above, the last event of their slices (as long as the projection's lag, but one
 * query per slice whatever the number of jobs). Waiting reads share one poll of the projection's
 * offsets per node, every {@code pollInterval}.
 */
public final class ReadYourWrites {
  private record Waiter(Map<String, Long> targets, long deadline, CompletableFuture<Void> done) {
    boolean reached(Map<String, Long> applied) {
      for (Map.Entry<String, Long> target : targets.entrySet()) {
        if (applied.getOrDefault(target.getKey(), 0L) < target.getValue()) {
          return false;
        }
      }
      return true;
    }
  }

  private final ObjectDirectory directory;
  private final ProjectionProgress progress;
  private final IgorSettings.Reads settings;
  private final ActorSystem<?> system;
  private final List<Waiter> waiters = new ArrayList<>();
  private boolean polling;

  public ReadYourWrites(
      ActorSystem<?> system,
      ObjectDirectory directory,
      ProjectionProgress progress,
      IgorSettings.Reads settings) {
    this.system = system;
    this.directory = directory;
    this.progress = progress;
    this.settings = settings;
  }

  /**
   * Completes once the read model reflects every write answered so far to the jobs these ids name
   * (jobs, their layers, their tasks); fails with {@link ReadModelBehindException} when that takes
   * longer than the configured wait.
   */
  public CompletionStage<Void> awaitWrites(
      Collection<String> jobIds, Collection<String> layerIds, Collection<String> taskIds) {
    if (!settings.waits() || (jobIds.isEmpty() && layerIds.isEmpty() && taskIds.isEmpty())) {
      return CompletableFuture.completedFuture(null);
    }
    long deadline = System.nanoTime() + settings.waitForWrites().toNanos();
    return jobsNamedBy(jobIds, layerIds, taskIds)
        .thenCompose(this::positionsToApply)
        .thenCompose(targets -> await(targets, deadline));
  }

  /** The jobs of these ids, as the object directory knows them; unknown ids add none. */
  private CompletionStage<Set<String>> jobsNamedBy(
      Collection<String> jobIds, Collection<String> layerIds, Collection<String> taskIds) {
    CompletableFuture<Map<String, String>> ofLayers =
        directory.jobsOfLayers(layerIds).toCompletableFuture();
    CompletableFuture<Map<String, String>> ofTasks =
        directory.jobsOfTasks(taskIds).toCompletableFuture();
    return ofLayers.thenCombine(
        ofTasks,
        (layers, tasks) -> {
          Set<String> jobs = new LinkedHashSet<>(jobIds);
          jobs.addAll(layers.values());
          jobs.addAll(tasks.values());
          return jobs;
        });
  }

  /** Per tag slice, the journal position the projection must have applied. */
  private CompletionStage<Map<String, Long>> positionsToApply(Set<String> jobIds) {
    if (jobIds.isEmpty()) {
      return CompletableFuture.completedFuture(Map.of());
    }
    if (jobIds.size() > settings.maxJobsPerWait()) {
      Set<String> tags = new TreeSet<>();
      jobIds.forEach(id -> tags.add(JobTags.of(id)));
      return progress.lastEventOfTags(tags);
    }
    return progress
        .lastEventOfJobs(jobIds)
        .thenApply(
            lastEvents -> {
              Map<String, Long> byTag = new HashMap<>();
              lastEvents.forEach(
                  (jobId, position) -> byTag.merge(JobTags.of(jobId), position, Math::max));
              return byTag;
            });
  }

  private CompletionStage<Void> await(Map<String, Long> targets, long deadline) {
    if (targets.isEmpty()) {
      return CompletableFuture.completedFuture(null);
    }
    Waiter waiter = new Waiter(Map.copyOf(targets), deadline, new CompletableFuture<>());
    boolean start;
    synchronized (this) {
      waiters.add(waiter);
      start = !polling;
      polling = true;
    }
    if (start) {
      poll();
    }
    return waiter.done();
  }

  /** One read of the projection's offsets for every waiting read. */
  private void poll() {
    Set<String> tags = new TreeSet<>();
    synchronized (this) {
      waiters.forEach(w -> tags.addAll(w.targets().keySet()));
    }
    progress.appliedOfTags(tags).whenComplete(this::settle);
  }

  private void settle(Map<String, Long> applied, Throwable failure) {
    List<Runnable> outcomes = new ArrayList<>();
    boolean again;
    synchronized (this) {
      long now = System.nanoTime();
      for (Iterator<Waiter> i = waiters.iterator(); i.hasNext(); ) {
        Waiter w = i.next();
        if (failure != null) {
          outcomes.add(() -> w.done().completeExceptionally(failure));
        } else if (w.reached(applied)) {
          outcomes.add(() -> w.done().complete(null));
        } else if (now - w.deadline() >= 0) {
          outcomes.add(() -> w.done().completeExceptionally(behind()));
        } else {
          continue;
        }
        i.remove();
      }
      again = !waiters.isEmpty();
      polling = again;
    }
    outcomes.forEach(Runnable::run);
    if (again) {
      system
          .scheduler()
          .scheduleOnce(settings.pollInterval(), this::poll, system.executionContext());
    }
  }

  private ReadModelBehindException behind() {
    return new ReadModelBehindException(
        "the read model has not applied the writes to the jobs this read names within "
            + settings.waitForWrites().toMillis()
            + " ms (igor.reads.wait-for-writes); nothing is lost, read again");
  }
}
