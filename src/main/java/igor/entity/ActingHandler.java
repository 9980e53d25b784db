package igor.entity;

import igor.domain.Decision;
import igor.domain.Job;
import igor.domain.JobDecider;
import igor.domain.JobEvent;
import igor.domain.JobPlan;
import igor.domain.Rejection;
import igor.domain.Status;
import igor.domain.TaskPlan;
import igor.domain.TaskSnapshot;
import igor.domain.WorkerReport;
import igor.entity.JobEntity.Act;
import igor.entity.JobEntity.ActResult;
import igor.entity.JobEntity.AddTasks;
import igor.entity.JobEntity.ApplyReports;
import igor.entity.JobEntity.Create;
import igor.entity.JobEntity.Delivered;
import igor.entity.JobEntity.DeliveryFailed;
import igor.entity.JobEntity.Get;
import igor.entity.JobEntity.GetSummary;
import igor.entity.JobEntity.Idle;
import igor.entity.JobEntity.JobResult;
import igor.entity.JobEntity.QueueLost;
import igor.entity.JobEntity.Reconcile;
import igor.entity.JobEntity.Redeliver;
import igor.entity.JobEntity.Redelivered;
import igor.entity.JobEntity.Retire;
import igor.entity.JobEntity.Retired;
import igor.entity.JobEntity.SummaryResult;
import igor.entity.JobEntity.TasksResult;
import igor.entity.JobEntity.Wake;
import igor.queue.AttemptLease;
import igor.queue.HopProbe;
import igor.queue.TaskDelivery;
import igor.queue.TraceParents;
import io.opentelemetry.api.trace.Span;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.function.LongSupplier;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.persistence.typed.javadsl.EffectFactories;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;
import org.slf4j.Logger;

/**
 * What a job entity does while it can act on its job (the usual state): each command is decided by
 * {@link JobDecider}, journaled, answered, and acted on through the {@link EffectRunner}. A
 * question about a job never created answers "not found" and lets the entity leave memory.
 */
final class ActingHandler implements JobEntity.Handler<Job, ReplyEffect<JobEvent, Job>> {

  /** What the handler needs from its entity beyond the job: to leave memory, and to retire. */
  interface Incarnation {
    /** Asks the shard to stop the entity (passivation). */
    void passivate();

    /** From now on the entity answers as for a job being removed ({@link RetiredHandler}). */
    void retire();

    /** The sequence number of the journal's last event. */
    long lastSequenceNr();
  }

  private static final Rejection NOT_FOUND = Rejection.notFound("job not found");

  private final EffectFactories<JobEvent, Job> effect;
  private final JobDecider decider;
  private final LongSupplier clock;
  private final EffectRunner runner;
  private final JobTimers timers;
  private final Logger log;
  private final Incarnation entity;
  private final EntitySettings settings;
  private final DecisionTracing tracing;

  ActingHandler(
      EffectFactories<JobEvent, Job> effect,
      JobDecider decider,
      EntitySettings settings,
      LongSupplier clock,
      EffectRunner runner,
      JobTimers timers,
      Logger log,
      Incarnation entity,
      DecisionTracing tracing) {
    this.effect = effect;
    this.decider = decider;
    this.settings = settings;
    this.clock = clock;
    this.runner = runner;
    this.timers = timers;
    this.log = log;
    this.entity = entity;
    this.tracing = tracing;
  }

  @Override
  public ReplyEffect<JobEvent, Job> create(Job job, Create command) {
    JobPlan plan = command.plan();
    Span span = tracing.start("create", plan.jobId(), plan.traceParent(), List.of(), Instant.now());
    return decided(
        job,
        decider.create(job, plan.inTrace(TraceParents.of(span)), now()),
        command.replyTo(),
        created -> JobResult.of(created.snapshot()),
        JobResult::rejected,
        span);
  }

  @Override
  public ReplyEffect<JobEvent, Job> addTasks(Job job, AddTasks command) {
    Span span = tracing.start("add tasks", job.id(), job.traceParent(), List.of(), Instant.now());
    return decided(
        job,
        decider.addTasks(job, command.tasks(), now()),
        command.replyTo(),
        updated -> new TasksResult(snapshotsOf(updated, command.tasks()), null),
        rejection -> new TasksResult(null, rejection),
        span);
  }

  @Override
  public ReplyEffect<JobEvent, Job> get(Job job, Get command) {
    if (!job.exists()) {
      entity.passivate();
      return effect.reply(command.replyTo(), JobResult.rejected(NOT_FOUND));
    }
    return effect.reply(command.replyTo(), JobResult.of(job.snapshot()));
  }

  @Override
  public ReplyEffect<JobEvent, Job> getSummary(Job job, GetSummary command) {
    if (!job.exists()) {
      entity.passivate();
      return effect.reply(command.replyTo(), new SummaryResult(null, NOT_FOUND));
    }
    return effect.reply(command.replyTo(), new SummaryResult(job.summary(), null));
  }

  @Override
  public ReplyEffect<JobEvent, Job> act(Job job, Act command) {
    if (!job.exists()) {
      entity.passivate();
      return effect.reply(command.replyTo(), new ActResult(0));
    }
    Instant start = Instant.now();
    long deciding = System.nanoTime();
    List<JobEvent> events =
        decider.act(job, command.action(), command.refs(), command.by(), now()).events();
    long decideMs = (System.nanoTime() - deciding) / 1_000_000;
    int updated = JobDecider.applied(events);
    if (events.isEmpty()) {
      return effect.reply(command.replyTo(), new ActResult(updated));
    }
    Span span =
        tracing.start(
            command.action().name().toLowerCase(Locale.ROOT),
            job.id(),
            job.traceParent(),
            List.of(command.traceParent()),
            start);
    long persisting = System.nanoTime();
    // Answered as soon as the events are journaled and applied: what they mean for the queue and
    // the metrics is worked out right after, before the job's next command (ADR 0030).
    return runner
        .persist(
            job,
            events,
            span,
            changed -> {
              command.replyTo().tell(new ActResult(updated));
              log.info(
                  "action={} by={} updated={} events={} decideMs={} journaledMs={}",
                  command.action(),
                  command.by(),
                  updated,
                  events.size(),
                  decideMs,
                  (System.nanoTime() - persisting) / 1_000_000);
            })
        .thenNoReply();
  }

  @Override
  public ReplyEffect<JobEvent, Job> applyReports(Job job, ApplyReports command) {
    if (!job.exists()) {
      log.warn("reports for an unknown job ignored count={}", command.reports().size());
      entity.passivate();
      return effect.reply(command.replyTo(), Done.getInstance());
    }
    Instant start = Instant.now();
    List<JobEvent> events = decider.applyReports(job, command.reports(), now()).events();
    if (events.isEmpty()) {
      return effect.reply(command.replyTo(), Done.getInstance());
    }
    Span span =
        tracing.start(
            "apply reports",
            job.id(),
            job.traceParent(),
            command.reports().stream().map(WorkerReport::traceParent).toList(),
            start);
    span.setAttribute("igor.reports", (long) command.reports().size());
    mark(command.reports(), HopProbe.Step.STARTED_DECIDED, HopProbe.Step.OUTCOME_DECIDED);
    return runner
        .persist(job, events, span)
        .thenRun(
            updated ->
                mark(
                    command.reports(),
                    HopProbe.Step.STARTED_JOURNALED,
                    HopProbe.Step.OUTCOME_JOURNALED))
        .thenReply(command.replyTo(), updated -> Done.getInstance());
  }

  /**
   * For igor bench's breakdown of a hop (off but for one volatile read): the reports of one command
   * get one time, so that a start and an outcome journaled in one write show it.
   */
  private static void mark(
      List<WorkerReport> reports, HopProbe.Step ifStarted, HopProbe.Step ifOutcome) {
    if (HopProbe.on()) {
      long now = System.nanoTime();
      for (WorkerReport r : reports) {
        HopProbe.mark(
            r.kind() == WorkerReport.Kind.STARTED ? ifStarted : ifOutcome, r.taskId(), now);
      }
    }
  }

  @Override
  public ReplyEffect<JobEvent, Job> retire(Job job, Retire command) {
    if (!job.exists()) {
      entity.passivate();
      return effect.reply(command.replyTo(), new Retired(entity.lastSequenceNr()));
    }
    if (!JobEffects.isAtRest(job) || !command.statuses().contains(job.status())) {
      return effect.reply(command.replyTo(), new Retired(-1));
    }
    entity.retire();
    log.info("job retired for removal status={}", job.status());
    entity.passivate();
    return effect.reply(command.replyTo(), new Retired(entity.lastSequenceNr()));
  }

  @Override
  public ReplyEffect<JobEvent, Job> wake(Job job, Wake command) {
    Instant start = Instant.now();
    long now = now();
    boolean waited = job.waitingToStart();
    List<JobEvent> events = decider.wake(job, now).events();
    if (waited && !events.isEmpty()) {
      log.info(
          "job starts at its start time startAt={} lateMs={}", job.startAt(), now - job.startAt());
    }
    if (!events.isEmpty()) {
      Span span = tracing.start("wake", job.id(), job.traceParent(), List.of(), start);
      return runner.persist(job, events, span).thenNoReply();
    }
    timers.wakeAt(job.nextWakeAt());
    return effect.noReply();
  }

  @Override
  public ReplyEffect<JobEvent, Job> queueLost(Job job, QueueLost command) {
    if (!job.exists()) {
      return effect.noReply();
    }
    List<TaskDelivery> queued = JobEffects.queued(job);
    List<AttemptLease> running = JobEffects.leases(job);
    log.warn(
        "queue lost its data: queuing again={} leasing running={}", queued.size(), running.size());
    runner.redeliver(queued, "Redis lost its data");
    runner.lease(running);
    return effect.noReply();
  }

  /**
   * Hands the attempts QUEUED longer than igor.jobs.unclaimed-redelivery-after to the queue again,
   * where it lost them (a worker took one and died before claiming it, with a take that leaves no
   * trace). Stops looking once no task is QUEUED.
   */
  @Override
  public ReplyEffect<JobEvent, Job> reconcile(Job job, Reconcile command) {
    if (!job.exists() || job.count(Status.QUEUED) == 0) {
      timers.stopReconciling();
      return effect.noReply();
    }
    Duration after = settings.unclaimedRedeliveryAfter();
    List<String> unclaimed = JobEffects.queuedBefore(job, now() - after.toMillis());
    runner.redeliver(
        JobEffects.deliveries(job, unclaimed), "not claimed within " + after.toSeconds() + " s");
    return effect.noReply();
  }

  @Override
  public ReplyEffect<JobEvent, Job> redelivered(Job job, Redelivered command) {
    List<JobEvent> events =
        decider
            .redelivered(job, command.taskIds(), command.attempts(), command.reason(), now())
            .events();
    if (events.isEmpty()) {
      return effect.noReply();
    }
    log.warn(
        "queue had lost attempts, handed out again count={} reason={}",
        command.taskIds().size(),
        command.reason());
    return runner.persist(job, events).thenNoReply();
  }

  @Override
  public ReplyEffect<JobEvent, Job> redeliver(Job job, Redeliver command) {
    runner.deliver(JobEffects.deliveries(job, command.taskIds()));
    return effect.noReply();
  }

  @Override
  public ReplyEffect<JobEvent, Job> deliveryFailed(Job job, DeliveryFailed command) {
    log.warn(
        "queue did not take tasks, trying again count={} problem={}",
        command.taskIds().size(),
        command.problem());
    timers.redeliverLater(command.taskIds());
    return effect.noReply();
  }

  @Override
  public ReplyEffect<JobEvent, Job> delivered(Job job, Delivered command) {
    return effect.noReply();
  }

  @Override
  public ReplyEffect<JobEvent, Job> idle(Job job, Idle command) {
    if (JobEffects.isAtRest(job)) {
      log.debug("job at rest, leaving memory");
      entity.passivate();
    }
    return effect.noReply();
  }

  /** Persists an accepted decision and replies after; replies at once with a rejection. */
  private <R> ReplyEffect<JobEvent, Job> decided(
      Job job,
      Decision decision,
      ActorRef<R> replyTo,
      Function<Job, R> accepted,
      Function<Rejection, R> rejected,
      Span span) {
    if (decision instanceof Decision.Accepted a) {
      if (a.events().isEmpty()) {
        span.end();
        return effect.none().thenReply(replyTo, accepted::apply);
      }
      return runner.persist(job, a.events(), span).thenReply(replyTo, accepted::apply);
    }
    Rejection rejection = ((Decision.Rejected) decision).rejection();
    DecisionTracing.rejected(span, rejection.reason());
    return effect.reply(replyTo, rejected.apply(rejection));
  }

  private static List<TaskSnapshot> snapshotsOf(Job job, List<TaskPlan> plans) {
    List<TaskSnapshot> added = new ArrayList<>(plans.size());
    for (TaskPlan plan : plans) {
      added.add(job.findTask(plan.taskId()).snapshot());
    }
    return added;
  }

  private long now() {
    return clock.getAsLong();
  }
}
