package igor.entity;

import igor.domain.Rejection;
import igor.domain.Schedule;
import igor.domain.ScheduleSpec;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;

/**
 * The protocol of a schedule entity and its sharding key; the behaviour is {@link
 * ScheduleBehavior}. The records stay nested here: their wire names are their binary class names.
 *
 * <p>Persisted names (docs/adr/0002-persisted-names.md): entity type {@value #TYPE_NAME},
 * persistence id {@code Schedule|<schedule id>}.
 */
public final class ScheduleEntity {
  public static final String TYPE_NAME = "Schedule";
  public static final EntityTypeKey<Command> ENTITY_KEY =
      EntityTypeKey.create(Command.class, TYPE_NAME);

  private ScheduleEntity() {}

  /** What a schedule entity understands. */
  public sealed interface Command extends ScheduleMessage {}

  /** Make the schedule; answers it (the same schedule again if it exists already). */
  public record Create(ScheduleSpec spec, ActorRef<ScheduleResult> replyTo) implements Command {}

  /** Read the schedule. */
  public record Get(ActorRef<ScheduleResult> replyTo) implements Command {}

  /** Stop firing until unpaused. */
  public record Pause(String by, ActorRef<ScheduleResult> replyTo) implements Command {}

  /** Fire again from now on. */
  public record Unpause(String by, ActorRef<ScheduleResult> replyTo) implements Command {}

  /** Fire a job now, whatever the pause and the overlap policy. */
  public record Trigger(String by, ActorRef<ScheduleResult> replyTo) implements Command {}

  /** Delete the schedule: it fires no more; its jobs stay. */
  public record Delete(String by, ActorRef<ScheduleResult> replyTo) implements Command {}

  /**
   * The answer: the schedule and its next due time (unix milliseconds, 0: none), or a rejection.
   */
  public record ScheduleResult(Schedule schedule, long nextDueAt, Rejection rejection)
      implements ScheduleMessage {
    static ScheduleResult rejected(Rejection rejection) {
      return new ScheduleResult(null, 0, rejection);
    }
  }

  /** Timer: a due time may have come. */
  record Tick() implements Command {}

  /** Whether the job of the latest fire is unfinished (null: not known now). */
  record OverlapChecked(Boolean unfinished) implements Command {}

  /** How the creation of a fire's job ended. */
  record JobAnswered(String jobId, ScheduledJobs.Created created) implements Command {}

  /** Timer: try again the creations of fires whose job could not be created. */
  record RetryPending() implements Command {}
}
