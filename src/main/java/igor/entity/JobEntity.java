package igor.entity;

import igor.domain.Action;
import igor.domain.Decision;
import igor.domain.Job;
import igor.domain.JobDecider;
import igor.domain.JobEvent;
import igor.domain.JobPlan;
import igor.domain.JobSnapshot;
import igor.domain.JobSummary;
import igor.domain.ObjectRef;
import igor.domain.Rejection;
import igor.domain.Status;
import igor.domain.Task;
import igor.domain.TaskPlan;
import igor.domain.TaskSnapshot;
import igor.domain.WorkerReport;
import igor.queue.AttemptLease;
import igor.queue.QueueDataLost;
import igor.queue.TaskDelivery;
import igor.queue.TaskQueue;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.LongSupplier;
import org.apache.pekko.Done;
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
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.RecoveryCompleted;
import org.apache.pekko.persistence.typed.RecoveryFailed;
import org.apache.pekko.persistence.typed.SnapshotAdapter;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReply;
import org.apache.pekko.persistence.typed.javadsl.EffectBuilder;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;
import org.apache.pekko.persistence.typed.javadsl.SignalHandler;

/**
 * One job as a sharded, event-sourced entity. It owns the job's layers and tasks: every change is
 * decided by {@link JobDecider}, journaled, and then acted on (tasks handed to the queue, retry
 * timers set). It holds no logic of its own beyond that.
 *
 * <p>Persisted names (docs/adr/0002-persisted-names.md): entity type {@value #TYPE_NAME},
 * persistence id {@code Job|<job id>}.
 */
public final class JobEntity
    extends EventSourcedBehaviorWithEnforcedReplies<JobEntity.Command, JobEvent, Job> {

  public static final String TYPE_NAME = "Job";
  public static final EntityTypeKey<Command> ENTITY_KEY =
      EntityTypeKey.create(Command.class, TYPE_NAME);

  /** What a job entity understands. */
  public sealed interface Command extends JobMessage {}

  /** Create the job of the plan. Answers the whole job, or why not. */
  public record Create(JobPlan plan, ActorRef<JobResult> replyTo) implements Command {}

  /** Add tasks to layers of this job. Answers the added tasks, or why not (nothing is added). */
  public record AddTasks(List<TaskPlan> tasks, ActorRef<TasksResult> replyTo) implements Command {
    public AddTasks {
      tasks = List.copyOf(tasks);
    }
  }

  /** Read the whole job. */
  public record Get(ActorRef<JobResult> replyTo) implements Command {}

  /** Read the job's status and task counts only (cheap for big jobs). */
  public record GetSummary(ActorRef<SummaryResult> replyTo) implements Command {}

  /** The answer to {@link GetSummary}: the summary, or a rejection (unknown job). */
  public record SummaryResult(JobSummary summary, Rejection rejection) implements JobMessage {}

  /**
   * A person's action on objects of this job (SEMANTICS.md section 3). Answers how many objects it
   * changed; {@code by} names who asked, for the audit trail.
   */
  public record Act(Action action, List<ObjectRef> refs, String by, ActorRef<ActResult> replyTo)
      implements Command {
    public Act {
      refs = List.copyOf(refs);
    }
  }

  /** The answer to {@link Act}. */
  public record ActResult(int updated) implements JobMessage {}

  /** Apply what workers reported about this job's tasks. */
  public record ApplyReports(List<WorkerReport> reports, ActorRef<Done> replyTo)
      implements Command {
    public ApplyReports {
      reports = List.copyOf(reports);
    }
  }

  /**
   * Retention is about to remove this job for good. When the job is at rest and in one of these
   * statuses, the answer is its last sequence number and the entity retires: from then on it
   * answers as for an unknown job (404, nothing updated, reports ignored) and leaves memory.
   * Otherwise the answer is -1 and nothing changes.
   */
  public record Retire(java.util.Set<Status> statuses, ActorRef<Retired> replyTo)
      implements Command {
    public Retire {
      statuses = java.util.Set.copyOf(statuses);
    }
  }

  /** The answer to {@link Retire}: the journal's last sequence number, or -1 (not removable). */
  public record Retired(long sequenceNr) implements JobMessage {}

  /** Timer: a failed task may be due for its next attempt, or an attempt for its time-out. */
  record Wake() implements Command {}

  /** The queue lost its data: hand QUEUED attempts out again, put RUNNING ones under lease. */
  record QueueLost() implements Command {}

  /** Hand these tasks to the queue again, if they still wait there. */
  record Redeliver(List<String> taskIds) implements Command {
    Redeliver {
      taskIds = List.copyOf(taskIds);
    }
  }

  /** Timer: look for QUEUED attempts not claimed for a while, which the queue may have lost. */
  record Reconcile() implements Command {}

  /** The queue got these attempts again, having lost them: journal it, saying why. */
  record Redelivered(List<String> taskIds, List<Integer> attempts, String reason)
      implements Command {
    Redelivered {
      taskIds = List.copyOf(taskIds);
      attempts = List.copyOf(attempts);
    }
  }

  /** The queue did not take these tasks: try again after the redelivery delay. */
  record DeliveryFailed(List<String> taskIds, String problem) implements Command {
    DeliveryFailed {
      taskIds = List.copyOf(taskIds);
    }
  }

  /** The queue took the tasks. */
  enum Delivered implements Command {
    INSTANCE
  }

  /** Timer: the job finished a while ago; leave memory if nothing changed since. */
  record Idle() implements Command {}

  /** The answer to {@link Create} and {@link Get}: the job, or a rejection. */
  public record JobResult(JobSnapshot job, Rejection rejection) implements JobMessage {
    static JobResult of(JobSnapshot job) {
      return new JobResult(job, null);
    }

    public static JobResult rejected(Rejection rejection) {
      return new JobResult(null, rejection);
    }
  }

  /** The answer to {@link AddTasks}: the tasks as added, or a rejection. */
  public record TasksResult(List<TaskSnapshot> tasks, Rejection rejection) implements JobMessage {}

  /** What a job entity needs from its node. */
  public record Dependencies(
      TaskQueue queue,
      JobDecider decider,
      EntitySettings settings,
      LongSupplier clock,
      JobObserver observer) {
    public Dependencies(
        TaskQueue queue, JobDecider decider, EntitySettings settings, LongSupplier clock) {
      this(queue, decider, settings, clock, JobObserver.NONE);
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

  /**
   * The longest delay the entity gives any timer: Pekko refuses timers beyond about 21,474,835 s
   * (248 days), and a refused timer would fail the entity on every recovery. A later moment is
   * reached in steps: the timer fires early, finds nothing due and is set again.
   */
  static final Duration MAX_TIMER_DELAY = Duration.ofDays(30);

  private static final String WAKE_TIMER = "wake";
  private static final String REDELIVERY_TIMER = "redelivery";
  private static final String IDLE_TIMER = "idle";
  private static final String RECONCILE_TIMER = "reconcile";

  private final ActorContext<Command> context;
  private final TimerScheduler<Command> timers;
  private final Dependencies deps;
  private final Runnable passivate;

  /** Set by {@link Retire}: the job is being removed and must not change any more. */
  private boolean retired;

  /**
   * Why this incarnation cannot act on the job (an event it could not apply, or a failure acting on
   * the recovered job), or null. It then answers every command with that reason (503) instead of
   * failing and recovering in a loop; the next incarnation (after passivation) tries again.
   */
  private String unrecoverable;

  private JobEntity(
      String jobId,
      ActorContext<Command> context,
      TimerScheduler<Command> timers,
      Dependencies deps,
      Runnable passivate) {
    super(PersistenceId.of(TYPE_NAME, jobId));
    this.context = context;
    this.timers = timers;
    this.deps = deps;
    this.passivate = passivate;
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
                    ENTITY_KEY,
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
      String jobId, Dependencies deps, java.util.function.Consumer<ActorRef<Command>> passivate) {
    Behavior<Command> entity =
        Behaviors.setup(
            context ->
                Behaviors.withTimers(
                    timers ->
                        new JobEntity(
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

  @Override
  public CommandHandlerWithReply<Command, JobEvent, Job> commandHandler() {
    CommandHandlerWithReply<Command, JobEvent, Job> whenRetired = retiredHandler();
    CommandHandlerWithReply<Command, JobEvent, Job> whenUnrecoverable = unrecoverableHandler();
    CommandHandlerWithReply<Command, JobEvent, Job> normally = normalHandler();
    return (job, command) -> {
      if (retired) {
        return whenRetired.apply(job, command);
      }
      return unrecoverable != null
          ? whenUnrecoverable.apply(job, command)
          : normally.apply(job, command);
    };
  }

  private CommandHandlerWithReply<Command, JobEvent, Job> retiredHandler() {
    return newCommandHandlerWithReplyBuilder()
        .forAnyState()
        .onCommand(Get.class, (job, c) -> Effect().reply(c.replyTo(), notFound()))
        .onCommand(
            AddTasks.class,
            (job, c) ->
                Effect()
                    .reply(c.replyTo(), new TasksResult(null, Rejection.notFound("job not found"))))
        .onCommand(Act.class, (job, c) -> Effect().reply(c.replyTo(), new ActResult(0)))
        .onCommand(ApplyReports.class, (job, c) -> Effect().reply(c.replyTo(), Done.getInstance()))
        .onCommand(Retire.class, (job, c) -> Effect().reply(c.replyTo(), new Retired(-1)))
        .onCommand(
            Create.class,
            (job, c) ->
                Effect()
                    .reply(
                        c.replyTo(),
                        JobResult.rejected(
                            Rejection.conflict("job " + job.id() + " is being removed"))))
        .onAnyCommand(c -> Effect().noReply());
  }

  /**
   * An entity that cannot act on its job answers every question with why; reports stay unanswered
   * (so they stay in the report stream and are applied by a later incarnation that can).
   */
  private CommandHandlerWithReply<Command, JobEvent, Job> unrecoverableHandler() {
    return newCommandHandlerWithReplyBuilder()
        .forAnyState()
        .onCommand(Get.class, (job, c) -> Effect().reply(c.replyTo(), unrecoverableJob()))
        .onCommand(Create.class, (job, c) -> Effect().reply(c.replyTo(), unrecoverableJob()))
        .onCommand(
            AddTasks.class,
            (job, c) -> Effect().reply(c.replyTo(), new TasksResult(null, unrecoverableReason())))
        .onCommand(
            GetSummary.class,
            (job, c) -> Effect().reply(c.replyTo(), new SummaryResult(null, unrecoverableReason())))
        .onCommand(Act.class, (job, c) -> Effect().reply(c.replyTo(), new ActResult(0)))
        .onCommand(Retire.class, (job, c) -> Effect().reply(c.replyTo(), new Retired(-1)))
        .onAnyCommand(c -> Effect().noReply());
  }

  private CommandHandlerWithReply<Command, JobEvent, Job> normalHandler() {
    var builder = newCommandHandlerWithReplyBuilder();
    return builder
        .forAnyState()
        .onCommand(Create.class, this::onCreate)
        .onCommand(AddTasks.class, this::onAddTasks)
        .onCommand(Get.class, this::onGet)
        .onCommand(
            GetSummary.class,
            (job, command) -> {
              if (!job.exists()) {
                passivate.run();
                return Effect()
                    .reply(
                        command.replyTo(),
                        new SummaryResult(null, Rejection.notFound("job not found")));
              }
              return Effect().reply(command.replyTo(), new SummaryResult(job.summary(), null));
            })
        .onCommand(ApplyReports.class, this::onApplyReports)
        .onCommand(Act.class, this::onAct)
        .onCommand(Wake.class, this::onWake)
        .onCommand(QueueLost.class, this::onQueueLost)
        .onCommand(Redeliver.class, this::onRedeliver)
        .onCommand(Reconcile.class, this::onReconcile)
        .onCommand(Redelivered.class, this::onRedelivered)
        .onCommand(DeliveryFailed.class, this::onDeliveryFailed)
        .onCommand(Delivered.class, (job, command) -> Effect().noReply())
        .onCommand(Idle.class, this::onIdle)
        .onCommand(Retire.class, this::onRetire)
        .build();
  }

  private Rejection unrecoverableReason() {
    return Rejection.unavailable(
        "job " + persistenceId().id() + " cannot be recovered: " + unrecoverable);
  }

  private JobResult unrecoverableJob() {
    return JobResult.rejected(unrecoverableReason());
  }

  /** This incarnation gives up on the job: says why in the log and metrics, and answers so. */
  private void markUnrecoverable(Throwable problem) {
    if (unrecoverable != null) {
      return;
    }
    unrecoverable = problem.toString();
    context.getLog().error("job cannot be recovered, answering 503 problem={}", unrecoverable);
    deps.observer().recoveryFailed(persistenceId().id(), unrecoverable);
  }

  private static JobResult notFound() {
    return JobResult.rejected(Rejection.notFound("job not found"));
  }

  private ReplyEffect<JobEvent, Job> onRetire(Job job, Retire command) {
    if (!job.exists()) {
      passivate.run();
      return Effect().reply(command.replyTo(), new Retired(lastSequenceNumber(context)));
    }
    if (!JobEffects.isAtRest(job) || !command.statuses().contains(job.status())) {
      return Effect().reply(command.replyTo(), new Retired(-1));
    }
    retired = true;
    context.getLog().info("job retired for removal status={}", job.status());
    passivate.run();
    return Effect().reply(command.replyTo(), new Retired(lastSequenceNumber(context)));
  }

  private ReplyEffect<JobEvent, Job> onCreate(Job job, Create command) {
    Decision decision = deps.decider().create(job, command.plan(), now());
    return persist(
        job,
        decision,
        command.replyTo(),
        created -> JobResult.of(created.snapshot()),
        JobResult::rejected);
  }

  private ReplyEffect<JobEvent, Job> onAddTasks(Job job, AddTasks command) {
    Decision decision = deps.decider().addTasks(job, command.tasks(), now());
    return persist(
        job,
        decision,
        command.replyTo(),
        updated -> new TasksResult(snapshotsOf(updated, command.tasks()), null),
        rejection -> new TasksResult(null, rejection));
  }

  private ReplyEffect<JobEvent, Job> onGet(Job job, Get command) {
    if (!job.exists()) {
      passivate.run();
      return Effect()
          .reply(command.replyTo(), JobResult.rejected(Rejection.notFound("job not found")));
    }
    return Effect().reply(command.replyTo(), JobResult.of(job.snapshot()));
  }

  private ReplyEffect<JobEvent, Job> onApplyReports(Job job, ApplyReports command) {
    if (!job.exists()) {
      context
          .getLog()
          .warn("reports for an unknown job ignored count={}", command.reports().size());
      passivate.run();
      return Effect().reply(command.replyTo(), Done.getInstance());
    }
    Decision decision = deps.decider().applyReports(job, command.reports(), now());
    return persist(
        job, decision, command.replyTo(), updated -> Done.getInstance(), r -> Done.getInstance());
  }

  private ReplyEffect<JobEvent, Job> onAct(Job job, Act command) {
    if (!job.exists()) {
      passivate.run();
      return Effect().reply(command.replyTo(), new ActResult(0));
    }
    Decision decision =
        deps.decider().act(job, command.action(), command.refs(), command.by(), now());
    List<JobEvent> events = ((Decision.Accepted) decision).events();
    int updated = JobDecider.applied(events);
    if (updated > 0) {
      context.getLog().info("action={} by={} updated={}", command.action(), command.by(), updated);
    }
    return persist(job, decision, command.replyTo(), changed -> new ActResult(updated), r -> null);
  }

  private ReplyEffect<JobEvent, Job> onWake(Job job, Wake command) {
    Decision decision = deps.decider().wake(job, now());
    if (decision instanceof Decision.Accepted accepted && !accepted.events().isEmpty()) {
      return persistAndAct(job, accepted.events()).thenNoReply();
    }
    scheduleWake(job.nextWakeAt());
    return Effect().noReply();
  }

  private ReplyEffect<JobEvent, Job> onQueueLost(Job job, QueueLost command) {
    if (!job.exists()) {
      return Effect().noReply();
    }
    List<String> queued = new ArrayList<>();
    List<AttemptLease> running = new ArrayList<>();
    for (Task task : job.tasksInFlight()) {
      if (task.status() == Status.QUEUED) {
        queued.add(task.id());
      } else {
        running.add(new AttemptLease(job.id(), task.id(), task.attempts()));
      }
    }
    context
        .getLog()
        .warn(
            "queue lost its data: queuing again={} leasing running={}",
            queued.size(),
            running.size());
    redeliver(JobEffects.deliveries(job, queued), "Redis lost its data");
    deps.queue().ensureLeases(running, deps.settings().lease());
    return Effect().noReply();
  }

  private ReplyEffect<JobEvent, Job> onRedeliver(Job job, Redeliver command) {
    deliver(JobEffects.deliveries(job, command.taskIds()));
    return Effect().noReply();
  }

  /**
   * Hands the attempts QUEUED longer than igor.jobs.unclaimed-redelivery-after to the queue again,
   * where it lost them (a worker took one and died before claiming it, with a take that leaves no
   * trace). Stops looking once no task is QUEUED.
   */
  private ReplyEffect<JobEvent, Job> onReconcile(Job job, Reconcile command) {
    if (!job.exists() || job.count(Status.QUEUED) == 0) {
      timers.cancel(RECONCILE_TIMER);
      return Effect().noReply();
    }
    Duration after = deps.settings().unclaimedRedeliveryAfter();
    List<String> unclaimed = JobEffects.queuedBefore(job, now() - after.toMillis());
    redeliver(
        JobEffects.deliveries(job, unclaimed), "not claimed within " + after.toSeconds() + " s");
    return Effect().noReply();
  }

  private ReplyEffect<JobEvent, Job> onRedelivered(Job job, Redelivered command) {
    Decision decision =
        deps.decider()
            .redelivered(job, command.taskIds(), command.attempts(), command.reason(), now());
    if (decision instanceof Decision.Accepted accepted && !accepted.events().isEmpty()) {
      context
          .getLog()
          .warn(
              "queue had lost attempts, handed out again count={} reason={}",
              command.taskIds().size(),
              command.reason());
      return persistAndAct(job, accepted.events()).thenNoReply();
    }
    return Effect().noReply();
  }

  /**
   * Hands these attempts to the queue again where it lost them, and has the job journal those it
   * did ({@link Redelivered}, saying {@code reason}). A failure is logged; the next look tries
   * again.
   */
  private void redeliver(List<TaskDelivery> deliveries, String reason) {
    if (deliveries.isEmpty()) {
      return;
    }
    context.pipeToSelf(
        deps.queue().redeliver(deliveries),
        (pushed, failure) -> {
          if (failure != null) {
            return new DeliveryFailed(
                deliveries.stream().map(TaskDelivery::taskId).toList(), failure.toString());
          }
          java.util.Set<String> ids = java.util.Set.copyOf(pushed);
          List<TaskDelivery> again =
              deliveries.stream().filter(d -> ids.contains(d.deliveryId())).toList();
          return new Redelivered(
              again.stream().map(TaskDelivery::taskId).toList(),
              again.stream().map(TaskDelivery::attempt).toList(),
              reason);
        });
  }

  /** Keeps the reconcile timer going while the job has QUEUED tasks. */
  private void keepReconciling(Job job) {
    if (job.count(Status.QUEUED) > 0 && !timers.isTimerActive(RECONCILE_TIMER)) {
      Duration every = deps.settings().unclaimedRedeliveryAfter().dividedBy(2);
      timers.startTimerWithFixedDelay(RECONCILE_TIMER, new Reconcile(), timerDelay(every));
    }
  }

  private ReplyEffect<JobEvent, Job> onDeliveryFailed(Job job, DeliveryFailed command) {
    context
        .getLog()
        .warn(
            "queue did not take tasks, trying again count={} problem={}",
            command.taskIds().size(),
            command.problem());
    timers.startSingleTimer(
        REDELIVERY_TIMER + command.taskIds().get(0),
        new Redeliver(command.taskIds()),
        timerDelay(deps.settings().redeliveryDelay()));
    return Effect().noReply();
  }

  private ReplyEffect<JobEvent, Job> onIdle(Job job, Idle command) {
    if (JobEffects.isAtRest(job)) {
      context.getLog().debug("job at rest, leaving memory");
      passivate.run();
    }
    return Effect().noReply();
  }

  /** Persists an accepted decision and replies after; replies at once with a rejection. */
  private <R> ReplyEffect<JobEvent, Job> persist(
      Job job,
      Decision decision,
      ActorRef<R> replyTo,
      Function<Job, R> accepted,
      Function<Rejection, R> rejected) {
    if (decision instanceof Decision.Rejected r) {
      return Effect().reply(replyTo, rejected.apply(r.rejection()));
    }
    List<JobEvent> events = ((Decision.Accepted) decision).events();
    if (events.isEmpty()) {
      return Effect().none().thenReply(replyTo, accepted::apply);
    }
    return persistAndAct(job, events).thenReply(replyTo, accepted::apply);
  }

  /**
   * Journals the events in one write, then acts on them and tells the observer what they meant
   * (read from the job as it was before them) and how long the write took.
   */
  private EffectBuilder<JobEvent, Job> persistAndAct(Job before, List<JobEvent> events) {
    Consumer<JobObserver> timings = TaskTimings.of(before, events);
    long start = System.nanoTime();
    return Effect()
        .persist(events)
        .thenRun(
            job -> {
              deps.observer().journalWritten(System.nanoTime() - start);
              timings.accept(deps.observer());
              afterPersist(job, events);
            });
  }

  /** The side effects of journaled events: hand queued tasks out, keep timers right. */
  private void afterPersist(Job job, List<JobEvent> events) {
    JobEffects effects = JobEffects.afterPersist(job, events);
    effects.jobStatus().ifPresent(status -> context.getLog().info("job status={}", status));
    carryOut(job, effects);
  }

  /** Does what the effects say: the queue's part, the wake timer and the idle timer. */
  private void carryOut(Job job, JobEffects effects) {
    deps.observer().jobHeld(job.summary());
    deliver(effects.deliveries());
    withdraw(effects.withdrawals());
    scheduleWake(effects.wakeAt());
    keepReconciling(job);
    if (effects.atRest()) {
      startIdleTimer();
    } else {
      timers.cancel(IDLE_TIMER);
    }
  }

  /**
   * Hands attempts waiting in QUEUED to the queue. If the queue does not take them, they are tried
   * again after the redelivery delay: journaled QUEUED tasks are never stranded.
   */
  private void deliver(List<TaskDelivery> deliveries) {
    if (deliveries.isEmpty()) {
      return;
    }
    List<String> ids = deliveries.stream().map(TaskDelivery::taskId).toList();
    context.pipeToSelf(
        deps.queue().enqueue(deliveries),
        (ok, failure) ->
            failure == null ? Delivered.INSTANCE : new DeliveryFailed(ids, failure.toString()));
  }

  /**
   * Takes attempts Igor no longer wants out of the queue and tells workers to stop them. Best
   * effort: a worker that misses it runs on, and its late report is ignored.
   */
  private void withdraw(List<TaskDelivery> withdrawals) {
    if (withdrawals.isEmpty()) {
      return;
    }
    deps.queue()
        .cancel(withdrawals)
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

  /**
   * Keeps one timer at the next moment time alone changes the job (a retry, a time-out): 0, none.
   */
  private void scheduleWake(long next) {
    if (next == 0) {
      timers.cancel(WAKE_TIMER);
      return;
    }
    timers.startSingleTimer(WAKE_TIMER, new Wake(), timerDelay(Duration.ofMillis(next - now())));
  }

  /** {@code delay}, at least zero and at most {@link #MAX_TIMER_DELAY}. */
  static Duration timerDelay(Duration delay) {
    if (delay.isNegative()) {
      return Duration.ZERO;
    }
    return delay.compareTo(MAX_TIMER_DELAY) > 0 ? MAX_TIMER_DELAY : delay;
  }

  private static List<TaskSnapshot> snapshotsOf(Job job, List<TaskPlan> plans) {
    List<TaskSnapshot> added = new ArrayList<>(plans.size());
    for (TaskPlan plan : plans) {
      added.add(job.findTask(plan.taskId()).snapshot());
    }
    return added;
  }

  private long now() {
    return deps.clock().getAsLong();
  }

  @Override
  public EventHandler<Job, JobEvent> eventHandler() {
    return newEventHandlerBuilder().forAnyState().onAnyEvent((job, event) -> apply(job, event));
  }

  /** Applies the event; an event the job cannot apply leaves the entity unable to act. */
  private Job apply(Job job, JobEvent event) {
    if (unrecoverable != null) {
      return job;
    }
    try {
      return job.apply(event);
    } catch (RuntimeException e) {
      markUnrecoverable(e);
      return job;
    }
  }

  @Override
  public SignalHandler<Job> signalHandler() {
    return newSignalHandlerBuilder()
        .onSignal(
            RecoveryCompleted.instance(),
            job -> {
              if (job.exists() && unrecoverable == null) {
                try {
                  actOnRecovered(job);
                } catch (RuntimeException e) {
                  markUnrecoverable(e);
                }
              }
            })
        .onSignal(
            RecoveryFailed.class,
            (job, failed) -> {
              String problem = String.valueOf(failed.getFailure());
              context
                  .getLog()
                  .error("job recovery failed, trying again after a back-off problem={}", problem);
              deps.observer().recoveryFailed(persistenceId().id(), problem);
            })
        .onSignal(
            PostStop.instance(),
            job -> {
              if (job.exists()) {
                deps.observer().jobReleased(job.id());
              }
            })
        .build();
  }

  /** After recovery: hand QUEUED attempts out again and set the timers. */
  private void actOnRecovered(Job job) {
    JobEffects effects = JobEffects.afterRecovery(job);
    context
        .getLog()
        .info(
            "job recovered status={} tasks={} requeued={}",
            job.status(),
            job.taskCount(),
            effects.deliveries().size());
    carryOut(job, effects);
  }

  private void startIdleTimer() {
    timers.startSingleTimer(IDLE_TIMER, new Idle(), timerDelay(deps.settings().idleAfterFinish()));
  }

  /** Tags for the read model's projection (JobTags). */
  @Override
  public java.util.Set<String> tagsFor(JobEvent event) {
    return java.util.Set.of(JobTags.of(event.jobId()));
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
