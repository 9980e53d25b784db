package igor.testing;

import igor.domain.JobEvent;
import igor.entity.JobTags;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehavior;

/**
 * Writes a job's events to the journal as an earlier version of Igor would have, past today's
 * checks (a NUL in a name, a time-out over today's bound): a behaviour with the job entity's
 * persistence id and tags persists them with the node's own serializer, so the rows are the ones a
 * node then wrote. No job entity may run for the job meanwhile.
 */
public final class EarlierJournal {
  private EarlierJournal() {}

  /** Appends the events to the journal of job {@code jobId} and waits until they are written. */
  public static void append(ActorSystem<?> system, String jobId, List<JobEvent> events) {
    ActorRef<Append> writer =
        system.systemActorOf(new Writer(jobId), "earlier-journal-" + jobId, Props.empty());
    try {
      AskPattern.<Append, Done>ask(
              writer,
              reply -> new Append(events, reply),
              Duration.ofSeconds(30),
              system.scheduler())
          .toCompletableFuture()
          .get(40, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("could not journal the events of job " + jobId, e);
    } finally {
      system.classicSystem().stop(org.apache.pekko.actor.typed.javadsl.Adapter.toClassic(writer));
    }
  }

  record Append(List<JobEvent> events, ActorRef<Done> replyTo) {}

  private static final class Writer extends EventSourcedBehavior<Append, JobEvent, Integer> {
    private final String jobId;

    Writer(String jobId) {
      super(PersistenceId.of("Job", jobId));
      this.jobId = jobId;
    }

    @Override
    public Integer emptyState() {
      return 0;
    }

    @Override
    public CommandHandler<Append, JobEvent, Integer> commandHandler() {
      return newCommandHandlerBuilder()
          .forAnyState()
          .onCommand(
              Append.class,
              (written, append) ->
                  Effect().persist(append.events()).thenReply(append.replyTo(), s -> Done.done()))
          .build();
    }

    @Override
    public EventHandler<Integer, JobEvent> eventHandler() {
      return (written, event) -> written + 1;
    }

    @Override
    public Set<String> tagsFor(JobEvent event) {
      return Set.of(JobTags.of(jobId));
    }
  }
}
