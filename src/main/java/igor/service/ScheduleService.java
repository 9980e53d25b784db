package igor.service;

import igor.config.ScheduleSettings;
import igor.domain.Identifiers;
import igor.domain.Rejection;
import igor.domain.Schedule;
import igor.domain.ScheduleSpec;
import igor.entity.ScheduleEntity;
import igor.entity.ScheduleEntity.ScheduleResult;
import igor.storage.ScheduleDirectory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;

/**
 * What clients can ask of schedules, whatever the transport. A schedule is asked only once the
 * schedule directory (igor_schedules) says it exists, so an unknown id starts no entity.
 */
public final class ScheduleService {
  /** A schedule and its next due time (unix milliseconds, 0: none), or why not. */
  public record ScheduleAnswer(Schedule schedule, long nextDueAt, Rejection rejection) {}

  private static final Rejection NOT_FOUND = Rejection.notFound("schedule not found");

  private final ClusterSharding sharding;
  private final ScheduleDirectory directory;
  private final ScheduleSettings settings;
  private final Duration askTimeout;
  private final Duration resendAfter;
  private final Executor executor;

  public ScheduleService(
      ActorSystem<?> system,
      ScheduleDirectory directory,
      ScheduleSettings settings,
      Duration askTimeout,
      Duration resendAfter) {
    this.sharding = ClusterSharding.get(system);
    this.directory = directory;
    this.settings = settings;
    this.askTimeout = askTimeout;
    this.resendAfter = resendAfter;
    this.executor = system.executionContext();
  }

  /** Creates a schedule (already checked at the edge); recorded in the directory first. */
  public CompletionStage<ScheduleAnswer> create(ScheduleSpec spec) {
    String id = Identifiers.newId();
    return directory
        .register(id, spec.name(), settings.maxSchedules())
        .thenComposeAsync(
            recorded -> {
              if (!recorded) {
                return CompletableFuture.completedFuture(
                    new ScheduleAnswer(
                        null,
                        0,
                        Rejection.conflict(
                            "at most "
                                + settings.maxSchedules()
                                + " schedules may exist (igor.schedules.max-schedules)")));
              }
              return ask(id, replyTo -> new ScheduleEntity.Create(spec, replyTo), false);
            },
            executor);
  }

  public CompletionStage<ScheduleAnswer> get(String scheduleId) {
    return askIfKnown(scheduleId, ScheduleEntity.Get::new, true);
  }

  public CompletionStage<ScheduleAnswer> pause(String scheduleId, String by) {
    return askIfKnown(scheduleId, replyTo -> new ScheduleEntity.Pause(by, replyTo), true);
  }

  public CompletionStage<ScheduleAnswer> unpause(String scheduleId, String by) {
    return askIfKnown(scheduleId, replyTo -> new ScheduleEntity.Unpause(by, replyTo), true);
  }

  /** Fires the schedule now: sent once (a resend would fire twice). */
  public CompletionStage<ScheduleAnswer> trigger(String scheduleId, String by) {
    return askIfKnown(scheduleId, replyTo -> new ScheduleEntity.Trigger(by, replyTo), false);
  }

  /** Deletes the schedule; answers it as it was last. Its jobs stay. */
  public CompletionStage<ScheduleAnswer> delete(String scheduleId, String by) {
    return askIfKnown(scheduleId, replyTo -> new ScheduleEntity.Delete(by, replyTo), true)
        .thenComposeAsync(
            answer ->
                answer.rejection() == null || answer.rejection().kind() == Rejection.Kind.NOT_FOUND
                    ? directory.remove(scheduleId).thenApply(done -> answer)
                    : CompletableFuture.completedFuture(answer),
            executor);
  }

  /** Every schedule, oldest first (at most igor.schedules.max-schedules). */
  public CompletionStage<List<ScheduleAnswer>> list() {
    return directory
        .ids(settings.maxSchedules())
        .thenComposeAsync(
            ids -> {
              List<CompletableFuture<ScheduleAnswer>> answers = new ArrayList<>();
              for (String id : ids) {
                answers.add(ask(id, ScheduleEntity.Get::new, true).toCompletableFuture());
              }
              return CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new))
                  .thenApply(
                      all ->
                          answers.stream()
                              .map(CompletableFuture::join)
                              .filter(a -> a.rejection() == null)
                              .toList());
            },
            executor);
  }

  private CompletionStage<ScheduleAnswer> askIfKnown(
      String scheduleId,
      Function<ActorRef<ScheduleResult>, ScheduleEntity.Command> message,
      boolean resend) {
    if (!Identifiers.isId(scheduleId)) {
      return CompletableFuture.completedFuture(new ScheduleAnswer(null, 0, NOT_FOUND));
    }
    return directory
        .exists(scheduleId)
        .thenComposeAsync(
            known ->
                known
                    ? ask(scheduleId, message, resend)
                    : CompletableFuture.completedFuture(new ScheduleAnswer(null, 0, NOT_FOUND)),
            executor);
  }

  private CompletionStage<ScheduleAnswer> ask(
      String scheduleId,
      Function<ActorRef<ScheduleResult>, ScheduleEntity.Command> message,
      boolean resend) {
    var entity = sharding.entityRefFor(ScheduleEntity.ENTITY_KEY, scheduleId);
    CompletionStage<ScheduleResult> result =
        resend
            ? ResendingAsk.ask(
                left -> entity.<ScheduleResult>ask(message::apply, left),
                askTimeout,
                resendAfter,
                executor)
            : entity.<ScheduleResult>ask(message::apply, askTimeout);
    return result.thenApply(r -> new ScheduleAnswer(r.schedule(), r.nextDueAt(), r.rejection()));
  }
}
