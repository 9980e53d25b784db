package igor.entity;

import igor.domain.Job;
import igor.domain.JobDecider;
import igor.domain.JobEvent;
import igor.domain.JobSnapshot;
import igor.entity.JobEntity.Command;
import igor.entity.JobEntity.QueueLost;
import igor.queue.QueueDataLost;
import igor.queue.TaskQueue;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Tracer;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.eventstream.EventStream;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.RecoveryCompleted;
import org.apache.pekko.persistence.typed.RecoveryFailed;
import org.apache.pekko.persistence.typed.SnapshotAdapter;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReply;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;
import org.apache.pekko.persistence.typed.javadsl.SignalHandler;

/**
 * The behaviour of one job as a sharded, event-sourced entity; its protocol (the messages and the
 * sharding key) is {@link JobEntity}, kept apart so that the messages' wire names never move. It
 * owns the job's layers and tasks: every change is decided by {@link JobDecider}, journaled, and
 * then acted on (tasks handed to the queue, timers set). It holds no logic of its own beyond that.
 *
 * <p>This class wires the entity and says which state answers a command; the parts are classes of
 * their own: one {@link JobEntity.Handler} per state ({@link ActingHandler} usually, {@link
 * RetiredHandler} once retention retires the job, {@link UnrecoverableHandler} when it cannot act
 * on its job), {@link JobRecovery} for recovery, {@link EffectRunner} and {@link JobTimers} for
 * what it does outside its journal ({@link JobEffects} says what, as a pure function).
 */
public final class JobBehavior
    extends EventSourcedBehaviorWithEnforcedReplies<Command, JobEvent, Job> {

  /** What a job entity needs from its node. */
  public record Dependencies(
      TaskQueue queue,
      JobDecider decider,
      EntitySettings settings,
      LongSupplier clock,
      JobObserver observer,
      Tracer tracer) {
    public Dependencies(
        TaskQueue queue, JobDecider decider, EntitySettings settings, LongSupplier clock) {
      this(queue, decider, settings, clock, JobObserver.NONE);
    }

    /** Without tracing. */
    public Dependencies(
        TaskQueue queue,
        JobDecider decider,
        EntitySettings settings,
        LongSupplier clock,
        JobObserver observer) {
      this(
          queue,
          decider,
          settings,
          clock,
          observer,
          OpenTelemetry.noop().getTracer(DecisionTracing.INSTRUMENTATION));
    }
  }

  /**
   * After a failed journal write or recovery (PostgreSQL down), the entity starts again from the
   * journal after this back-off, doubling up to {@link #MAX_RESTART_BACKOFF}: commands sent in the
   * meantime wait for it, and it resumes by itself once the journal answers again. The supervision
   * wraps the whole entity, not only its event-sourced part (its onPersistFailure): the state of a
   * job is mutable, and a restart must begin from a new empty one.
   */
  static final Duration MIN_RESTART_BACKOFF = Duration.ofSeconds(1);

  static final Duration MAX_RESTART_BACKOFF = Duration.ofSeconds(10);

  private final ActorContext<Command> context;
  private final Dependencies deps;
  private final Runnable passivate;
  private final JobRecovery recovery;
  private final JobEntity.Handler<Job, ReplyEffect<JobEvent, Job>> acting;
  private final JobEntity.Handler<Job, ReplyEffect<JobEvent, Job>> whenRetired;
  private final JobEntity.Handler<Job, ReplyEffect<JobEvent, Job>> whenUnrecoverable;

  /** Set by {@link JobEntity.Retire}: the job is being removed and must not change any more. */
  private boolean retired;

  private JobBehavior(
      String jobId,
      ActorContext<Command> context,
      TimerScheduler<Command> timers,
      Dependencies deps,
      Runnable passivate) {
    super(PersistenceId.of(JobEntity.TYPE_NAME, jobId));
    this.context = context;
    this.deps = deps;
    this.passivate = passivate;
    context.setLoggerName(JobEntity.class); // the entity's log lines keep their logger's name
    JobTimers jobTimers = new JobTimers(timers, deps.settings(), deps.clock());
    EffectRunner runner =
        new EffectRunner(
            context, Effect(), deps.queue(), deps.settings(), deps.observer(), jobTimers);
    this.recovery = new JobRecovery(jobId, context.getLog(), deps.observer(), runner);
    this.acting =
        new ActingHandler(
            Effect(),
            deps.decider(),
            deps.settings(),
            deps.clock(),
            runner,
            jobTimers,
            context.getLog(),
            new Incarnation(),
            new DecisionTracing(deps.tracer()));
    this.whenRetired = new RetiredHandler(Effect());
    this.whenUnrecoverable = new UnrecoverableHandler(Effect(), recovery);
    context
        .getSystem()
        .eventStream()
        .tell(
            new EventStream.Subscribe<>(
                QueueDataLost.class,
                context.messageAdapter(QueueDataLost.class, notice -> new QueueLost())));
  }

  /**
   * Registers the entity type with cluster sharding. Jobs live only on members with the cluster
   * role {@code role}; on other members this starts a proxy that forwards to them.
   */
  public static void init(ActorSystem<?> system, Dependencies deps, String role) {
    ClusterSharding.get(system)
        .init(
            Entity.of(
                    JobEntity.ENTITY_KEY,
                    entityContext ->
                        create(
                            entityContext.getEntityId(),
                            deps,
                            self ->
                                entityContext
                                    .getShard()
                                    .tell(new ClusterSharding.Passivate<>(self))))
                .withRole(role));
  }

  /**
   * The entity's behavior. {@code passivate} asks its shard to stop it; outside sharding (tests) it
   * may simply do nothing.
   */
  public static Behavior<Command> create(
      String jobId, Dependencies deps, Consumer<ActorRef<Command>> passivate) {
    Behavior<Command> entity =
        Behaviors.setup(
            context ->
                Behaviors.withTimers(
                    timers ->
                        new JobBehavior(
                            jobId,
                            context,
                            timers,
                            deps,
                            () -> passivate.accept(context.getSelf()))));
    return Behaviors.withMdc(
        Command.class,
        Map.of("jobId", jobId),
        Behaviors.supervise(entity)
            .onFailure(
                SupervisorStrategy.restartWithBackoff(
                    MIN_RESTART_BACKOFF, MAX_RESTART_BACKOFF, 0.2)));
  }

  @Override
  public Job emptyState() {
    return Job.empty();
  }

  /** Each command goes to the handler of the entity's state, which answers every command. */
  @Override
  public CommandHandlerWithReply<Command, JobEvent, Job> commandHandler() {
    return (job, command) -> command.handledBy(state(), job);
  }

  private JobEntity.Handler<Job, ReplyEffect<JobEvent, Job>> state() {
    if (retired) {
      return whenRetired;
    }
    return recovery.canAct() ? acting : whenUnrecoverable;
  }

  @Override
  public EventHandler<Job, JobEvent> eventHandler() {
    return newEventHandlerBuilder().forAnyState().onAnyEvent(recovery::apply);
  }

  @Override
  public SignalHandler<Job> signalHandler() {
    return newSignalHandlerBuilder()
        .onSignal(RecoveryCompleted.instance(), recovery::completed)
        .onSignal(RecoveryFailed.class, (job, failed) -> recovery.failed(failed.getFailure()))
        .onSignal(
            PostStop.instance(),
            job -> {
              if (job.exists()) {
                deps.observer().jobReleased(job.id());
              }
            })
        .build();
  }

  /** This incarnation of the entity, as its handlers see it. */
  private final class Incarnation implements ActingHandler.Incarnation {
    @Override
    public void passivate() {
      passivate.run();
    }

    @Override
    public void retire() {
      retired = true;
    }

    @Override
    public long lastSequenceNr() {
      return lastSequenceNumber(context);
    }
  }

  /** Tags for the read model's projection (JobTags). */
  @Override
  public Set<String> tagsFor(JobEvent event) {
    return Set.of(JobTags.of(event.jobId()));
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    return RetentionCriteria.snapshotEvery(deps.settings().snapshotEveryEvents(), 2);
  }

  @Override
  public SnapshotAdapter<Job> snapshotAdapter() {
    return new SnapshotAdapter<>() {
      @Override
      public Object toJournal(Job job) {
        return job.snapshot();
      }

      @Override
      public Job fromJournal(Object stored) {
        return Job.restore((JobSnapshot) stored);
      }
    };
  }
}
