package igor.entity;

import igor.domain.DueTimes;
import igor.domain.Rejection;
import igor.domain.Schedule;
import igor.domain.ScheduleDecider;
import igor.domain.ScheduleDecider.Decision;
import igor.domain.ScheduleEvent;
import igor.domain.ScheduleEvent.ScheduleFired;
import igor.domain.ScheduleSpec;
import igor.entity.ScheduleEntity.Command;
import igor.entity.ScheduleEntity.Create;
import igor.entity.ScheduleEntity.Delete;
import igor.entity.ScheduleEntity.Get;
import igor.entity.ScheduleEntity.JobAnswered;
import igor.entity.ScheduleEntity.OverlapChecked;
import igor.entity.ScheduleEntity.Pause;
import igor.entity.ScheduleEntity.RetryPending;
import igor.entity.ScheduleEntity.ScheduleResult;
import igor.entity.ScheduleEntity.Tick;
import igor.entity.ScheduleEntity.Trigger;
import igor.entity.ScheduleEntity.Unpause;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.LongSupplier;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.RecoveryCompleted;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReply;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;
import org.apache.pekko.persistence.typed.javadsl.SignalHandler;
import org.slf4j.Logger;

/**
 * One schedule as a sharded, event-sourced entity (docs/semantics.md, "Schedules"). It fires at the
 * due times of its cron expression: {@link ScheduleDecider} says what is due, the entity journals
 * {@code ScheduleFired} first and creates the job after, under an id derived from the schedule and
 * the due time, so that a fire happens once whatever node runs it and a creation tried again (after
 * a crash, on recovery) is the same job.
 *
 * <p>The entity stays in memory while the schedule exists, so that its timer runs; sharding's
 * remember-entities starts it again on another node when its node is gone (ADR 0013).
 */
public final class ScheduleBehavior
    extends EventSourcedBehaviorWithEnforcedReplies<Command, ScheduleEvent, Schedule> {

  /** What a schedule entity needs from its node. */
  public record Dependencies(
      ScheduleDecider decider,
      Function<ScheduleSpec, DueTimes> dueTimes,
      ScheduledJobs jobs,
      LongSupplier clock,
      ScheduleObserver observer,
      Duration retryAfter,
      int snapshotEveryEvents) {}

  /** What a node learns from its schedules (metrics). */
  public interface ScheduleObserver {
    ScheduleObserver NONE = (lateMillis, manual) -> {};

    /** A fire was journaled this late after its due time. */
    void fired(long lateMillis, boolean manual);
  }

  /** The longest a timer waits before the entity looks again (below Pekko's scheduler limit). */
  static final Duration MAX_TIMER = Duration.ofHours(12);

  private static final String TICK = "tick";
  private static final String RETRY = "retry";

  private final String scheduleId;
  private final ActorContext<Command> context;
  private final TimerScheduler<Command> timers;
  private final Dependencies deps;
  private final Runnable passivate;
  private final Logger log;

  /** The due times of the schedule's cron expression, once known (from its creation on). */
  private DueTimes times;

  /** Whether a decision waits for the overlap check: ticks meanwhile are left to it. */
  private boolean deciding;

  /** Jobs of fires whose creation is under way (not journaled: started again on recovery). */
  private final Set<String> creating = new HashSet<>();

  private ScheduleBehavior(
      String scheduleId,
      ActorContext<Command> context,
      TimerScheduler<Command> timers,
      Dependencies deps,
      Runnable passivate) {
    super(PersistenceId.of(ScheduleEntity.TYPE_NAME, scheduleId));
    this.scheduleId = scheduleId;
    this.context = context;
    this.timers = timers;
    this.deps = deps;
    this.passivate = passivate;
    this.log = context.getLog();
  }

  /** Registers the entity type with cluster sharding, on the members with {@code role}. */
  public static void init(ActorSystem<?> system, Dependencies deps, String role) {
    ClusterSharding.get(system)
        .init(
            Entity.of(
                    ScheduleEntity.ENTITY_KEY,
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

  public static Behavior<Command> create(
      String scheduleId,
      Dependencies deps,
      java.util.function.Consumer<ActorRef<Command>> passivate) {
    Behavior<Command> entity =
        Behaviors.setup(
            context ->
                Behaviors.withTimers(
                    timers ->
                        new ScheduleBehavior(
                            scheduleId,
                            context,
                            timers,
                            deps,
                            () -> passivate.accept(context.getSelf()))));
    return Behaviors.withMdc(
        Command.class,
        Map.of("scheduleId", scheduleId),
        Behaviors.supervise(entity)
            .onFailure(
                SupervisorStrategy.restartWithBackoff(
                    JobBehavior.MIN_RESTART_BACKOFF, JobBehavior.MAX_RESTART_BACKOFF, 0.2)));
  }

  @Override
  public Schedule emptyState() {
    return Schedule.empty();
  }

  @Override
  public CommandHandlerWithReply<Command, ScheduleEvent, Schedule> commandHandler() {
    return (schedule, command) -> {
      if (command instanceof Create c) {
        return create(schedule, c);
      }
      if (command instanceof Get c) {
        if (!schedule.exists()) {
          passivate.run();
          return Effect().reply(c.replyTo(), ScheduleResult.rejected(notFound()));
        }
        return Effect().reply(c.replyTo(), result(schedule));
      }
      if (command instanceof Pause c) {
        return decided(schedule, deps.decider().pause(schedule, c.by(), now()), c.replyTo(), false);
      }
      if (command instanceof Unpause c) {
        return decided(
            schedule, deps.decider().unpause(schedule, c.by(), now()), c.replyTo(), false);
      }
      if (command instanceof Trigger c) {
        return decided(schedule, deps.decider().trigger(schedule, now()), c.replyTo(), false);
      }
      if (command instanceof Delete c) {
        return decided(schedule, deps.decider().delete(schedule, c.by(), now()), c.replyTo(), true);
      }
      if (command instanceof Tick) {
        return tick(schedule);
      }
      if (command instanceof OverlapChecked c) {
        deciding = false;
        if (c.unfinished() == null) {
          timers.startSingleTimer(TICK, new Tick(), deps.retryAfter());
          return Effect().noReply();
        }
        return decide(schedule, c.unfinished());
      }
      if (command instanceof JobAnswered c) {
        return jobAnswered(schedule, c);
      }
      if (command instanceof RetryPending) {
        createPending(schedule);
        return Effect().noReply();
      }
      throw new IllegalStateException("unknown command " + command);
    };
  }

  private ReplyEffect<ScheduleEvent, Schedule> create(Schedule schedule, Create c) {
    if (schedule.deleted()) {
      return Effect().reply(c.replyTo(), ScheduleResult.rejected(notFound()));
    }
    DueTimes dueTimes;
    try {
      dueTimes = deps.dueTimes().apply(c.spec());
    } catch (IllegalArgumentException e) {
      return Effect()
          .reply(c.replyTo(), ScheduleResult.rejected(Rejection.invalid(e.getMessage())));
    }
    times = dueTimes;
    return decided(
        schedule, deps.decider().create(schedule, scheduleId, c.spec(), now()), c.replyTo(), false);
  }

  private ReplyEffect<ScheduleEvent, Schedule> decided(
      Schedule schedule, Decision decision, ActorRef<ScheduleResult> replyTo, boolean leave) {
    if (decision.rejection() != null) {
      return Effect().reply(replyTo, ScheduleResult.rejected(decision.rejection()));
    }
    return Effect()
        .persist(decision.events())
        .thenRun(after -> afterPersist(after, decision.events()))
        .thenRun(
            after -> {
              if (leave) {
                timers.cancelAll();
                passivate.run();
              }
            })
        .thenReply(replyTo, after -> leave ? new ScheduleResult(after, 0, null) : result(after));
  }

  private ReplyEffect<ScheduleEvent, Schedule> tick(Schedule schedule) {
    if (deciding || !schedule.exists() || times == null) {
      return Effect().noReply();
    }
    long now = now();
    if (!deps.decider().isDue(schedule, times, now)) {
      setTimer(schedule, now);
      return Effect().noReply();
    }
    if (schedule.spec().overlap() == ScheduleSpec.Overlap.SKIP
        && schedule.lastJobId() != null
        && !schedule.lastJobRefused()) {
      String lastJobId = schedule.lastJobId();
      if (schedule.pending().stream().anyMatch(f -> f.jobId().equals(lastJobId))) {
        return decide(schedule, true);
      }
      deciding = true;
      context.pipeToSelf(
          deps.jobs().unfinished(lastJobId),
          (unfinished, failure) -> new OverlapChecked(failure == null ? unfinished : null));
      return Effect().noReply();
    }
    return decide(schedule, false);
  }

  private ReplyEffect<ScheduleEvent, Schedule> decide(Schedule schedule, boolean unfinished) {
    List<ScheduleEvent> events = deps.decider().due(schedule, times, now(), unfinished);
    if (events.isEmpty()) {
      setTimer(schedule, now());
      return Effect().noReply();
    }
    return Effect().persist(events).thenRun(after -> afterPersist(after, events)).thenNoReply();
  }

  private void afterPersist(Schedule schedule, List<ScheduleEvent> events) {
    for (ScheduleEvent event : events) {
      if (event instanceof ScheduleFired fired) {
        long late = Math.max(0, fired.at() - fired.dueAt());
        deps.observer().fired(late, fired.manual());
        log.info(
            "schedule fired scheduleId={} dueAt={} jobId={} lateMillis={} manual={}",
            scheduleId,
            fired.dueAt(),
            fired.jobId(),
            late,
            fired.manual());
      }
    }
    if (schedule.exists()) {
      createPending(schedule);
      setTimer(schedule, now());
    }
  }

  /** Creates the jobs of journaled fires that are not known to exist yet. */
  private void createPending(Schedule schedule) {
    for (Schedule.Fire fire : schedule.pending()) {
      if (creating.add(fire.jobId())) {
        context.pipeToSelf(
            deps.jobs().create(ScheduleDecider.jobOf(schedule, fire)),
            (created, failure) ->
                new JobAnswered(
                    fire.jobId(),
                    failure == null
                        ? created
                        : new ScheduledJobs.Created(
                            ScheduledJobs.Outcome.UNAVAILABLE, failure.toString())));
      }
    }
  }

  private ReplyEffect<ScheduleEvent, Schedule> jobAnswered(Schedule schedule, JobAnswered answer) {
    creating.remove(answer.jobId());
    Schedule.Fire fire =
        schedule.pending().stream()
            .filter(f -> f.jobId().equals(answer.jobId()))
            .findFirst()
            .orElse(null);
    if (fire == null) {
      return Effect().noReply();
    }
    long now = now();
    switch (answer.created().outcome()) {
      case CREATED:
        return Effect()
            .persist(new ScheduleEvent.FiredJobCreated(scheduleId, fire.dueAt(), fire.jobId(), now))
            .thenNoReply();
      case REFUSED:
        log.warn(
            "the job of a fire was refused scheduleId={} jobId={} reason={}",
            scheduleId,
            fire.jobId(),
            answer.created().reason());
        return Effect()
            .persist(
                new ScheduleEvent.FiredJobRefused(
                    scheduleId, fire.dueAt(), fire.jobId(), answer.created().reason(), now))
            .thenNoReply();
      default:
        log.warn(
            "the job of a fire could not be created yet, trying again scheduleId={} jobId={}"
                + " problem={}",
            scheduleId,
            fire.jobId(),
            answer.created().reason());
        timers.startSingleTimer(RETRY, new RetryPending(), deps.retryAfter());
        return Effect().noReply();
    }
  }

  private void setTimer(Schedule schedule, long now) {
    long next = deps.decider().nextDue(schedule, times);
    if (next == 0) {
      timers.cancel(TICK);
      return;
    }
    long delay = Math.min(Math.max(0, next - now), MAX_TIMER.toMillis());
    timers.startSingleTimer(TICK, new Tick(), Duration.ofMillis(delay));
  }

  private ScheduleResult result(Schedule schedule) {
    if (!schedule.exists()) {
      return ScheduleResult.rejected(notFound());
    }
    long next = times == null ? 0 : deps.decider().nextDue(schedule, times);
    return new ScheduleResult(schedule, next, null);
  }

  private static Rejection notFound() {
    return Rejection.notFound("schedule not found");
  }

  private long now() {
    return deps.clock().getAsLong();
  }

  @Override
  public EventHandler<Schedule, ScheduleEvent> eventHandler() {
    return newEventHandlerBuilder().forAnyState().onAnyEvent(Schedule::apply);
  }

  @Override
  public SignalHandler<Schedule> signalHandler() {
    return newSignalHandlerBuilder()
        .onSignal(
            RecoveryCompleted.instance(),
            schedule -> {
              if (!schedule.exists()) {
                return;
              }
              try {
                times = deps.dueTimes().apply(schedule.spec());
              } catch (IllegalArgumentException e) {
                log.error(
                    "schedule cannot fire: its cron expression no longer parses scheduleId={}"
                        + " problem={}",
                    scheduleId,
                    e.getMessage());
                return;
              }
              createPending(schedule);
              context.getSelf().tell(new Tick());
            })
        .build();
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    return RetentionCriteria.snapshotEvery(deps.snapshotEveryEvents(), 2);
  }
}
