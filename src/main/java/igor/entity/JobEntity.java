package igor.entity;

import igor.domain.Action;
import igor.domain.JobPlan;
import igor.domain.JobSnapshot;
import igor.domain.JobSummary;
import igor.domain.ObjectRef;
import igor.domain.Rejection;
import igor.domain.Status;
import igor.domain.TaskPlan;
import igor.domain.TaskSnapshot;
import igor.domain.WorkerReport;
import java.util.List;
import java.util.Set;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;

/**
 * The protocol of a job entity: what it understands ({@link Command}), what it answers, and its
 * sharding key. The behaviour that answers is {@link JobBehavior}.
 *
 * <p>Only the protocol lives here, and the records stay nested in this class on purpose: they cross
 * nodes as Jackson JSON whose manifest is the binary class name ({@code
 * igor.entity.JobEntity$GetSummary}), so moving or renaming a record would stop a new node and an
 * old one from understanding each other during a rolling upgrade.
 *
 * <p>Persisted names (docs/adr/0002-persisted-names.md): entity type {@value #TYPE_NAME},
 * persistence id {@code Job|<job id>}.
 */
public final class JobEntity {

  public static final String TYPE_NAME = "Job";
  public static final EntityTypeKey<Command> ENTITY_KEY =
      EntityTypeKey.create(Command.class, TYPE_NAME);

  private JobEntity() {}

  /** What a job entity understands. */
  public sealed interface Command extends JobMessage {
    /**
     * Calls the method of {@code handler} for this command. Every state of the entity is a {@link
     * Handler}, so a new command does not compile until each state says what it answers.
     */
    <S, R> R handledBy(Handler<S, R> handler, S job);
  }

  /**
   * One method per {@link Command}, given the job as it is: what the entity does in one of its
   * states (Java 17 has no exhaustive switch over a sealed interface; this is its stand-in).
   */
  interface Handler<S, R> {
    R create(S job, Create command);

    R addTasks(S job, AddTasks command);

    R get(S job, Get command);

    R getSummary(S job, GetSummary command);

    R act(S job, Act command);

    R applyReports(S job, ApplyReports command);

    R retire(S job, Retire command);

    R wake(S job, Wake command);

    R queueLost(S job, QueueLost command);

    R redeliver(S job, Redeliver command);

    R reconcile(S job, Reconcile command);

    R redelivered(S job, Redelivered command);

    R deliveryFailed(S job, DeliveryFailed command);

    R delivered(S job, Delivered command);

    R idle(S job, Idle command);
  }

  /** Create the job of the plan. Answers the whole job, or why not. */
  public record Create(JobPlan plan, ActorRef<JobResult> replyTo) implements Command {
    @Override
    public <S, R> R handledBy(Handler<S, R> handler, S job) {
      return handler.create(job, this);
    }
  }

  /** Add tasks to layers of this job. Answers the added tasks, or why not (nothing is added). */
  public record AddTasks(List<TaskPlan> tasks, ActorRef<TasksResult> replyTo) implements Command {
    public AddTasks {
      tasks = List.copyOf(tasks);
    }

    @Override
    public <S, R> R handledBy(Handler<S, R> handler, S job) {
      return handler.addTasks(job, this);
    }
  }

  /** Read the whole job. */
  public record Get(ActorRef<JobResult> replyTo) implements Command {
    @Override
    public <S, R> R handledBy(Handler<S, R> handler, S job) {
      return handler.get(job, this);
    }
  }

  /** Read the job's status and task counts only (cheap for big jobs). */
  public record GetSummary(ActorRef<SummaryResult> replyTo) implements Command {
    @Override
    public <S, R> R handledBy(Handler<S, R> handler, S job) {
      return handler.getSummary(job, this);
    }
  }

  /** The answer to {@link GetSummary}: the summary, or a rejection (unknown job). */
  public record SummaryResult(JobSummary summary, Rejection rejection) implements JobMessage {}

  /**
   * A person's action on objects of this job (SEMANTICS.md section 3). Answers how many objects it
   * changed; {@code by} names who asked, for the audit trail. {@code traceParent}: the W3C
   * traceparent of the request that asked (empty for none), which the job's span of the action
   * links to.
   */
  public record Act(
      Action action,
      List<ObjectRef> refs,
      String by,
      String traceParent,
      ActorRef<ActResult> replyTo)
      implements Command {
    public Act {
      refs = List.copyOf(refs);
      traceParent = traceParent == null ? "" : traceParent;
    }

    public Act(Action action, List<ObjectRef> refs, String by, ActorRef<ActResult> replyTo) {
      this(action, refs, by, "", replyTo);
    }

    @Override
    public <S, R> R handledBy(Handler<S, R> handler, S job) {
      return handler.act(job, this);
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

    @Override
    public <S, R> R handledBy(Handler<S, R> handler, S job) {
      return handler.applyReports(job, this);
    }
  }

  /**
   * Retention is about to remove this job for good. When the job is at rest and in one of these
   * statuses, the answer is its last sequence number and the entity retires: from then on it
   * answers as for an unknown job (404, nothing updated, reports ignored) and leaves memory.
   * Otherwise the answer is -1 and nothing changes.
   */
  public record Retire(Set<Status> statuses, ActorRef<Retired> replyTo) implements Command {
    public Retire {
      statuses = Set.copyOf(statuses);
    }

    @Override
    public <S, R> R handledBy(Handler<S, R> handler, S job) {
      return handler.retire(job, this);
    }
  }

  /** The answer to {@link Retire}: the journal's last sequence number, or -1 (not removable). */
  public record Retired(long sequenceNr) implements JobMessage {}

  /** Timer: a failed task may be due for its next attempt, or an attempt for its time-out. */
  record Wake() implements Command {
    @Override
    public <S, R> R handledBy(Handler<S, R> handler, S job) {
      return handler.wake(job, this);
    }
  }

  /** The queue lost its data: hand QUEUED attempts out again, put RUNNING ones under lease. */
  record QueueLost() implements Command {
    @Override
    public <S, R> R handledBy(Handler<S, R> handler, S job) {
      return handler.queueLost(job, this);
    }
  }

  /** Hand these tasks to the queue again, if they still wait there. */
  record Redeliver(List<String> taskIds) implements Command {
    Redeliver {
      taskIds = List.copyOf(taskIds);
    }

    @Override
    public <S, R> R handledBy(Handler<S, R> handler, S job) {
      return handler.redeliver(job, this);
    }
  }

  /** Timer: look for QUEUED attempts not claimed for a while, which the queue may have lost. */
  record Reconcile() implements Command {
    @Override
    public <S, R> R handledBy(Handler<S, R> handler, S job) {
      return handler.reconcile(job, this);
    }
  }

  /** The queue got these attempts again, having lost them: journal it, saying why. */
  record Redelivered(List<String> taskIds, List<Integer> attempts, String reason)
      implements Command {
    Redelivered {
      taskIds = List.copyOf(taskIds);
      attempts = List.copyOf(attempts);
    }

    @Override
    public <S, R> R handledBy(Handler<S, R> handler, S job) {
      return handler.redelivered(job, this);
    }
  }

  /** The queue did not take these tasks: try again after the redelivery delay. */
  record DeliveryFailed(List<String> taskIds, String problem) implements Command {
    DeliveryFailed {
      taskIds = List.copyOf(taskIds);
    }

    @Override
    public <S, R> R handledBy(Handler<S, R> handler, S job) {
      return handler.deliveryFailed(job, this);
    }
  }

  /** The queue took the tasks. */
  enum Delivered implements Command {
    INSTANCE;

    @Override
    public <S, R> R handledBy(Handler<S, R> handler, S job) {
      return handler.delivered(job, this);
    }
  }

  /** Timer: the job finished a while ago; leave memory if nothing changed since. */
  record Idle() implements Command {
    @Override
    public <S, R> R handledBy(Handler<S, R> handler, S job) {
      return handler.idle(job, this);
    }
  }

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
}
