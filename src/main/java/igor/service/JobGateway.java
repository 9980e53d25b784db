package igor.service;

import igor.domain.Identifiers;
import igor.entity.JobEntity;
import igor.storage.ObjectDirectory;
import java.time.Duration;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;

/**
 * The one way to a job entity by an id that a client or a worker chose. Asking a sharded entity
 * starts it, and with remember-entities its shard journals that it started and stopped (STACK.md,
 * pitfall 10): so a job is asked only once the object directory says it was created, and an unknown
 * id is answered here, with nothing started or written (SEMANTICS.md section 7, "Reads").
 *
 * <p>Ids found are kept, at most {@value #KNOWN_IDS_KEPT} of them (the least recently used go
 * first), so a busy job costs no lookup; each is looked up again after {@link #RECHECK_AFTER}, and
 * forgotten when its job turns out to be gone (removed by retention). Ids not found are never kept:
 * a job created a moment later is found at once.
 *
 * <p>Sharding delivers at most once: a message that reaches a shard while it moves is dropped.
 * Messages a job may receive twice are therefore sent again while unanswered ({@link
 * #askResending}); the others are sent once, and their time-out says that they may have been
 * applied.
 */
public final class JobGateway {
  static final int KNOWN_IDS_KEPT = 20_000;
  static final Duration RECHECK_AFTER = Duration.ofMinutes(1);

  private final ClusterSharding sharding;
  private final ObjectDirectory directory;
  private final Executor executor;
  private final LongSupplier clock;
  private final Duration resendAfter;

  /** Job ids found in the directory, with when (clock millis), least recently used first. */
  private final Map<String, Long> known =
      new LinkedHashMap<>(1024, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
          return size() > KNOWN_IDS_KEPT;
        }
      };

  /**
   * resendAfter: how long {@link #askResending} waits for an answer before it sends the message
   * again (igor.http.ask-resend-after).
   */
  public JobGateway(ActorSystem<?> system, ObjectDirectory directory, Duration resendAfter) {
    this(system, directory, resendAfter, System::currentTimeMillis);
  }

  JobGateway(
      ActorSystem<?> system, ObjectDirectory directory, Duration resendAfter, LongSupplier clock) {
    this.sharding = ClusterSharding.get(system);
    this.directory = directory;
    this.executor = system.executionContext();
    this.clock = clock;
    this.resendAfter = resendAfter;
  }

  /**
   * Records a new job, or new layers and tasks of a job, in the directory; from then on the job
   * exists for every node. A create must wait for this before asking the job.
   */
  public CompletionStage<Void> register(
      String jobId, Collection<String> layerIds, Collection<String> taskIds) {
    return directory.register(jobId, layerIds, taskIds).thenRun(() -> remember(List.of(jobId)));
  }

  /** The ids among these that name a job (created, or being created). Malformed ids never do. */
  public CompletionStage<Set<String>> existing(Collection<String> jobIds) {
    Set<String> found = new HashSet<>();
    Set<String> toLookUp = new HashSet<>();
    long now = clock.getAsLong();
    synchronized (known) {
      for (String id : jobIds) {
        Long seen = known.get(id);
        if (seen != null && now - seen < RECHECK_AFTER.toMillis()) {
          found.add(id);
        } else if (Identifiers.isId(id)) {
          toLookUp.add(id);
        }
      }
    }
    if (toLookUp.isEmpty()) {
      return CompletableFuture.completedFuture(found);
    }
    return directory
        .knownJobs(toLookUp)
        .thenApply(
            looked -> {
              remember(looked);
              synchronized (known) {
                toLookUp.stream().filter(id -> !looked.contains(id)).forEach(known::remove);
              }
              found.addAll(looked);
              return found;
            });
  }

  /** Whether the id names a job (created, or being created). */
  public CompletionStage<Boolean> exists(String jobId) {
    return existing(List.of(jobId)).thenApply(found -> found.contains(jobId));
  }

  /**
   * Asks the job once, if it exists; else answers {@code whenUnknown} without asking (nothing is
   * started or written). For messages that must not reach the job twice (a create, an action).
   */
  public <R> CompletionStage<R> ask(
      String jobId,
      Function<ActorRef<R>, JobEntity.Command> message,
      Duration timeout,
      Supplier<R> whenUnknown) {
    return askIfKnown(jobId, whenUnknown, entity -> entity.<R>ask(message::apply, timeout));
  }

  /**
   * As {@link #ask}, for a message that the job may receive more than once with the effect of
   * receiving it once (a read; worker reports, which the job matches to their attempts): unanswered
   * after igor.http.ask-resend-after, it is sent again, until the first answer or {@code timeout}
   * ({@link ResendingAsk}). A read lost while its job's shard moves is then answered from the
   * shard's new home instead of failing after the whole time-out.
   */
  public <R> CompletionStage<R> askResending(
      String jobId,
      Function<ActorRef<R>, JobEntity.Command> message,
      Duration timeout,
      Supplier<R> whenUnknown) {
    return askIfKnown(jobId, whenUnknown, entity -> resending(entity, message, timeout));
  }

  /**
   * As {@link #askResending}, for a job the caller found in {@link #existing}: sent at once, on the
   * caller's thread, so that messages asked one after another reach the job in that order.
   */
  public <R> CompletionStage<R> askResendingExisting(
      String jobId, Function<ActorRef<R>, JobEntity.Command> message, Duration timeout) {
    return resending(sharding.entityRefFor(JobEntity.ENTITY_KEY, jobId), message, timeout);
  }

  private <R> CompletionStage<R> resending(
      EntityRef<JobEntity.Command> entity,
      Function<ActorRef<R>, JobEntity.Command> message,
      Duration timeout) {
    return ResendingAsk.ask(
        left -> entity.<R>ask(message::apply, left), timeout, resendAfter, executor);
  }

  private <R> CompletionStage<R> askIfKnown(
      String jobId,
      Supplier<R> whenUnknown,
      Function<EntityRef<JobEntity.Command>, CompletionStage<R>> asking) {
    return exists(jobId)
        .thenComposeAsync(
            found ->
                found
                    ? asking.apply(sharding.entityRefFor(JobEntity.ENTITY_KEY, jobId))
                    : CompletableFuture.completedFuture(whenUnknown.get()),
            executor);
  }

  /**
   * Forgets that these jobs exist, on this node: their entity answered that it knows no such job
   * (removed by retention), so the directory decides again next time.
   */
  public void forget(Collection<String> jobIds) {
    synchronized (known) {
      jobIds.forEach(known::remove);
    }
  }

  private void remember(Collection<String> jobIds) {
    long now = clock.getAsLong();
    synchronized (known) {
      jobIds.forEach(id -> known.put(id, now));
    }
  }
}
