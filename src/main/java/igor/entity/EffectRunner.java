package igor.entity;

import igor.domain.Job;
import igor.domain.JobEvent;
import igor.domain.Status;
import igor.entity.JobEntity.Command;
import igor.entity.JobEntity.Delivered;
import igor.entity.JobEntity.DeliveryFailed;
import igor.entity.JobEntity.Redelivered;
import igor.queue.AttemptLease;
import igor.queue.HopProbe;
import igor.queue.TaskDelivery;
import igor.queue.TaskQueue;
import igor.queue.TraceParents;
import io.opentelemetry.api.trace.Span;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.persistence.typed.javadsl.EffectBuilder;
import org.apache.pekko.persistence.typed.javadsl.EffectFactories;

/**
 * Carries out what a job entity does outside its journal: journals events and then does what {@link
 * JobEffects} says of them (hand attempts to the queue, take them back, keep the timers right), and
 * tells the {@link JobObserver}. It decides nothing: what to do comes from the job and its events.
 */
final class EffectRunner {
  /**
   * A hand-over to the queue of at least this many attempts (handed out and taken back together) is
   * prepared off the entity's thread ({@link #handOver}): preparing one builds a message and a
   * command per attempt, which for the 100,000 attempts of a pause or an unpause of a whole job
   * took seconds that the entity's answer waited for (docs/BENCHMARKS.md, "Actions on a
   * 100,000-task job"). Smaller ones are prepared at once, as before, unless a large one is still
   * being prepared (they must reach the queue in the order they were decided).
   */
  static final int HANDED_OVER_APART = 1000;

  private final ActorContext<Command> context;
  private final EffectFactories<JobEvent, Job> effect;
  private final TaskQueue queue;
  private final EntitySettings settings;
  private final JobObserver observer;
  private final JobTimers timers;
  private final Executor handOvers;

  /**
   * The last hand-over prepared off the entity's thread: done once it reached the queue's client.
   */
  private CompletableFuture<Void> preparing = CompletableFuture.completedFuture(null);

  EffectRunner(
      ActorContext<Command> context,
      EffectFactories<JobEvent, Job> effect,
      TaskQueue queue,
      EntitySettings settings,
      JobObserver observer,
      JobTimers timers) {
    this.context = context;
    this.effect = effect;
    this.queue = queue;
    this.settings = settings;
    this.observer = observer;
    this.timers = timers;
    this.handOvers = context.getExecutionContext();
  }

  /**
   * Journals the events in one write, then acts on them and tells the observer what they meant
   * (read from the job as it was before them) and how long the write took.
   */
  EffectBuilder<JobEvent, Job> persist(Job before, List<JobEvent> events) {
    return persist(before, events, Span.getInvalid());
  }

  /**
   * As {@link #persist(Job, List)}, for the decision of {@code span}: the attempts it hands out are
   * in its trace, and it ends once they are handed to the queue.
   */
  EffectBuilder<JobEvent, Job> persist(Job before, List<JobEvent> events, Span span) {
    return persist(before, events, span, job -> {});
  }

  /**
   * As {@link #persist(Job, List, Span)}, doing {@code first} (an answer) as soon as the events are
   * journaled and applied, before their effects are worked out: an action on 100,000 tasks is
   * answered without waiting for its 100,000 metrics and deliveries or withdrawals (ADR 0030). The
   * effects still follow at once on the job's thread, before its next command.
   */
  EffectBuilder<JobEvent, Job> persist(
      Job before, List<JobEvent> events, Span span, Consumer<Job> first) {
    Consumer<JobObserver> timings = TaskTimings.of(before, events);
    long start = System.nanoTime();
    return effect
        .persist(events)
        .thenRun(
            job -> {
              long written = System.nanoTime();
              first.accept(job);
              observer.journalWritten(written - start);
              timings.accept(observer);
              JobEffects effects = JobEffects.afterPersist(job, events);
              effects
                  .jobStatus()
                  .ifPresent(status -> context.getLog().info("job status={}", status));
              span.setAttribute("igor.events", (long) events.size());
              carryOut(job, effects, TraceParents.of(span));
              span.end();
            });
  }

  /** Does what the effects say: the queue's part, the wake timer and the idle timer. */
  void carryOut(Job job, JobEffects effects) {
    carryOut(job, effects, "");
  }

  /** As {@link #carryOut(Job, JobEffects)}, the attempts handed out in the trace {@code parent}. */
  void carryOut(Job job, JobEffects effects, String parent) {
    observer.jobHeld(job.summary());
    List<TaskDelivery> deliveries = effects.deliveries();
    if (!deliveries.isEmpty()) {
      deliver(
          handOver(
              deliveries.size(),
              () -> {
                List<TaskDelivery> traced =
                    parent.isEmpty()
                        ? deliveries
                        : deliveries.stream().map(d -> d.inTrace(parent)).toList();
                return queue.enqueue(traced);
              }),
          deliveries);
    }
    withdraw(effects.withdrawals());
    timers.wakeAt(effects.wakeAt());
    timers.reconcileWhile(job.count(Status.QUEUED) > 0);
    timers.idle(effects.atRest());
  }

  /**
   * Hands attempts waiting in QUEUED to the queue. If the queue does not take them, they are tried
   * again after the redelivery delay: journaled QUEUED tasks are never stranded.
   */
  void deliver(List<TaskDelivery> deliveries) {
    if (deliveries.isEmpty()) {
      return;
    }
    deliver(handOver(deliveries.size(), () -> queue.enqueue(deliveries)), deliveries);
  }

  /** Waits for {@code pushed}, the hand-over of {@code deliveries}, as {@link #deliver}. */
  private void deliver(CompletionStage<Void> pushed, List<TaskDelivery> deliveries) {
    if (HopProbe.on()) {
      List<String> ids = deliveries.stream().map(TaskDelivery::taskId).toList();
      pushed.thenRun(() -> HopProbe.mark(HopProbe.Step.PUSHED, ids));
    }
    context.pipeToSelf(
        pushed,
        (ok, failure) ->
            failure == null
                ? Delivered.INSTANCE
                : new DeliveryFailed(
                    deliveries.stream().map(TaskDelivery::taskId).toList(), failure.toString()));
  }

  /**
   * Calls the queue with {@code size} attempts, in the order of the calls: at once when few and no
   * earlier call is still being prepared, else on the dispatcher after the earlier ones ({@link
   * #HANDED_OVER_APART}). A call that throws fails the stage it answers, as a queue that does not
   * answer.
   */
  private <T> CompletionStage<T> handOver(int size, Supplier<CompletionStage<T>> call) {
    if (size < HANDED_OVER_APART && preparing.isDone()) {
      return call.get();
    }
    CompletableFuture<CompletionStage<T>> called =
        preparing.thenApplyAsync(ignored -> call.get(), handOvers);
    preparing = called.handle((stage, failure) -> null);
    return called.thenCompose(stage -> stage);
  }

  /**
   * Hands these attempts to the queue again where it lost them, and has the job journal those it
   * did ({@link Redelivered}, saying {@code reason}). If the queue does not answer, they are tried
   * again after the redelivery delay, as any hand-over.
   */
  void redeliver(List<TaskDelivery> deliveries, String reason) {
    if (deliveries.isEmpty()) {
      return;
    }
    context.pipeToSelf(
        handOver(deliveries.size(), () -> queue.redeliver(deliveries)),
        (pushed, failure) -> {
          if (failure != null) {
            return new DeliveryFailed(
                deliveries.stream().map(TaskDelivery::taskId).toList(), failure.toString());
          }
          Set<String> ids = Set.copyOf(pushed);
          List<TaskDelivery> again =
              deliveries.stream().filter(d -> ids.contains(d.deliveryId())).toList();
          return new Redelivered(
              again.stream().map(TaskDelivery::taskId).toList(),
              again.stream().map(TaskDelivery::attempt).toList(),
              reason);
        });
  }

  /** Puts running attempts under a lease, so that one whose worker is gone fails in time. */
  void lease(List<AttemptLease> running) {
    queue.ensureLeases(running, settings.lease());
  }

  /**
   * Takes attempts Igor no longer wants out of the queue and tells workers to stop them. Best
   * effort: a worker that misses it runs on, and its late report is ignored.
   */
  private void withdraw(List<TaskDelivery> withdrawals) {
    if (withdrawals.isEmpty()) {
      return;
    }
    handOver(withdrawals.size(), () -> queue.cancel(withdrawals))
        .whenComplete(
            (ok, failure) -> {
              if (failure != null) {
                context
                    .getSystem()
                    .log()
                    .warn(
                        "workers could not be told to stop attempts count={} problem={}",
                        withdrawals.size(),
                        failure.toString());
              }
            });
  }
}
