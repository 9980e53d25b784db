package igor.storage.jdbc;

import igor.domain.JobEvent;
import igor.entity.JobEntity;
import igor.entity.JobTags;
import igor.storage.ChangeFeed;
import igor.storage.StorageUnavailableException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.persistence.jdbc.query.javadsl.JdbcReadJournal;
import org.apache.pekko.persistence.query.EventEnvelope;
import org.apache.pekko.persistence.query.Offset;
import org.apache.pekko.persistence.query.PersistenceQuery;
import org.apache.pekko.persistence.query.Sequence;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.stream.javadsl.Source;

/**
 * The change feed read from the journal: {@code eventsByTag} of pekko-persistence-jdbc for each tag
 * slice the reader needs (all four, or those of the jobs it follows), merged.
 *
 * <p>Each slice is in journal order, but the slices are polled one by one, so merged they may
 * interleave out of order by up to a poll. The merge holds every change for the reorder window and
 * hands them on in ordering order: a reader's last ordering is then a safe place to resume from.
 * (The journal's own gap detection makes the same kind of bet: a transaction that commits its lower
 * ordering later than the window is seen out of order.)
 */
public final class JournalChangeFeed implements ChangeFeed {
  private final ActorSystem<?> system;
  private final JdbcReadJournal journal;
  private final DataSource dataSource;
  private final Executor executor;
  private final Duration reorderWindow;

  JournalChangeFeed(
      ActorSystem<?> system, DataSource dataSource, Executor executor, Duration reorderWindow) {
    this.system = system;
    this.journal =
        PersistenceQuery.get(system)
            .getReadJournalFor(JdbcReadJournal.class, JdbcReadJournal.Identifier());
    this.dataSource = dataSource;
    this.executor = executor;
    this.reorderWindow = reorderWindow;
  }

  @Override
  public Source<Change, NotUsed> after(long ordering, Set<String> jobIds) {
    List<String> tags =
        jobIds.isEmpty()
            ? JobTags.all()
            : jobIds.stream().map(JobTags::of).distinct().sorted().toList();
    Source<Optional<Change>, NotUsed> changes =
        Source.from(tags)
            .flatMapMerge(
                tags.size(),
                tag ->
                    journal
                        .eventsByTag(tag, Offset.sequence(ordering))
                        .map(JournalChangeFeed::change))
            .filter(c -> jobIds.isEmpty() || jobIds.contains(c.event().jobId()))
            .map(Optional::of);
    if (tags.size() == 1) {
      return changes.map(Optional::get);
    }
    Duration tick =
        reorderWindow.dividedBy(4).isZero() ? Duration.ofMillis(10) : reorderWindow.dividedBy(4);
    return changes
        .merge(
            Source.tick(tick, tick, Optional.<Change>empty())
                .mapMaterializedValue(c -> NotUsed.getInstance()))
        .statefulMapConcat(() -> new InOrder(reorderWindow.toNanos())::offer);
  }

  private static Change change(EventEnvelope envelope) {
    long ordering = ((Sequence) envelope.offset()).value();
    return new Change(ordering, (JobEvent) envelope.event());
  }

  @Override
  public CompletionStage<Long> latest() {
    return CompletableFuture.supplyAsync(
        () -> {
          try (Connection c = dataSource.getConnection();
              Statement s = c.createStatement();
              ResultSet rs =
                  s.executeQuery("SELECT coalesce(max(ordering), 0) FROM event_journal")) {
            rs.next();
            return rs.getLong(1);
          } catch (SQLException e) {
            throw new StorageUnavailableException("the journal could not be read", e);
          }
        },
        executor);
  }

  @Override
  public CompletionStage<Void> history(String jobId, Consumer<JobEvent> each) {
    return journal
        .currentEventsByPersistenceId(
            PersistenceId.of(JobEntity.TYPE_NAME, jobId).id(), 0L, Long.MAX_VALUE)
        .runForeach(envelope -> each.accept((JobEvent) envelope.event()), system)
        .thenApply(done -> null);
  }

  /**
   * Holds changes for the window and lets them out smallest ordering first. A tick (empty) only
   * lets out what has waited long enough.
   */
  private static final class InOrder {
    private record Held(Change change, long since) {}

    private final long windowNanos;
    private final PriorityQueue<Held> held =
        new PriorityQueue<>(Comparator.comparingLong(h -> h.change().ordering()));

    InOrder(long windowNanos) {
      this.windowNanos = windowNanos;
    }

    Iterable<Change> offer(Optional<Change> next) {
      long now = System.nanoTime();
      next.ifPresent(c -> held.add(new Held(c, now)));
      List<Change> out = new ArrayList<>();
      while (!held.isEmpty() && now - held.peek().since() >= windowNanos) {
        // One that came later than the window is still handed on (a repeat after resuming is
        // better than a miss).
        Change c = held.poll().change();
        out.add(c);
      }
      return out;
    }
  }
}
