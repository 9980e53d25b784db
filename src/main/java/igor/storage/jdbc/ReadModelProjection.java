package igor.storage.jdbc;

import igor.domain.JobEvent;
import igor.storage.StorageUnavailableException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.ShardedDaemonProcessSettings;
import org.apache.pekko.cluster.sharding.typed.javadsl.ShardedDaemonProcess;
import org.apache.pekko.persistence.jdbc.query.javadsl.JdbcReadJournal;
import org.apache.pekko.persistence.query.Offset;
import org.apache.pekko.projection.ProjectionBehavior;
import org.apache.pekko.projection.ProjectionId;
import org.apache.pekko.projection.eventsourced.EventEnvelope;
import org.apache.pekko.projection.eventsourced.javadsl.EventSourcedProvider;
import org.apache.pekko.projection.javadsl.GroupedProjection;
import org.apache.pekko.projection.javadsl.SourceProvider;
import org.apache.pekko.projection.jdbc.JdbcSession;
import org.apache.pekko.projection.jdbc.javadsl.JdbcHandler;
import org.apache.pekko.projection.jdbc.javadsl.JdbcProjection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The projection of the journal into the read model: one projection per event tag, each run once in
 * the cluster (a sharded daemon process). A group of events and the offset after it are written in
 * one transaction, so each event is applied exactly once.
 *
 * <p>Persisted names (docs/adr/0005-read-model.md): projection name {@value #NAME}, one key per
 * tag.
 */
public final class ReadModelProjection {
  public static final String NAME = "igor-read-model";
  private static final Logger log = LoggerFactory.getLogger(ReadModelProjection.class);

  private final DataSource dataSource;

  ReadModelProjection(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  /**
   * Runs one projection per tag somewhere in the cluster, on members with the cluster role {@code
   * role}; groups are written at once.
   */
  public void start(
      ActorSystem<?> system, String role, List<String> tags, int groupSize, Duration groupWithin) {
    start(system, role, tags, groupSize, groupWithin, DEFAULT_ACTIVITY_HISTORY, () -> {});
  }

  /** How long the attempts counted per 10 s are kept when the caller does not say. */
  static final Duration DEFAULT_ACTIVITY_HISTORY = Duration.ofHours(1);

  /**
   * As above; {@code onSkipped} is told of each event skipped because the database refused its rows
   * (for the metric igor_projection_failures_total); the attempts counted per 10 s for the
   * dashboard are kept for {@code activityHistory}.
   */
  public void start(
      ActorSystem<?> system,
      String role,
      List<String> tags,
      int groupSize,
      Duration groupWithin,
      Duration activityHistory,
      Runnable onSkipped) {
    ShardedDaemonProcess.get(system)
        .init(
            ProjectionBehavior.Command.class,
            NAME,
            tags.size(),
            i ->
                ProjectionBehavior.create(
                    projection(
                        system, tags.get(i), groupSize, groupWithin, activityHistory, onSkipped)),
            ShardedDaemonProcessSettings.create(system).withRole(role),
            Optional.of(ProjectionBehavior.stopMessage()));
  }

  /**
   * The first event of the tag after the projection's offset, found by walking the tag table's key
   * (event_id, tag) from that offset: a join ordered by the journal's ordering let PostgreSQL sort
   * the whole unapplied range first, which costs most when the projection trails most.
   */
  private static final String OLDEST_UNAPPLIED =
      "SELECT j.write_timestamp FROM event_journal j WHERE j.ordering = (SELECT min(t.event_id)"
          + " FROM event_tag t WHERE t.tag = ? AND t.event_id > COALESCE((SELECT"
          + " CAST(o.current_offset AS BIGINT) FROM pekko_projection_offset_store o"
          + " WHERE o.projection_name = ? AND o.projection_key = ?), 0))";

  /**
   * How far the read model trails the journal: the age of the oldest tagged event it has not
   * applied yet (0 when it has applied them all). One indexed lookup per tag.
   */
  long lagMillis(List<String> tags, long now) {
    long oldest = now;
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement(OLDEST_UNAPPLIED)) {
      for (String tag : tags) {
        s.setString(1, tag);
        s.setString(2, NAME);
        s.setString(3, tag);
        try (ResultSet rs = s.executeQuery()) {
          if (rs.next() && rs.getLong(1) > 0) {
            oldest = Math.min(oldest, rs.getLong(1));
          }
        }
      }
    } catch (SQLException e) {
      throw new StorageUnavailableException("projection lag could not be read", e);
    }
    return now - oldest;
  }

  private GroupedProjection<Offset, EventEnvelope<JobEvent>> projection(
      ActorSystem<?> system,
      String tag,
      int groupSize,
      Duration groupWithin,
      Duration activityHistory,
      Runnable onSkipped) {
    SourceProvider<Offset, EventEnvelope<JobEvent>> source =
        EventSourcedProvider.eventsByTag(system, JdbcReadJournal.Identifier(), tag);
    return JdbcProjection.groupedWithin(
            ProjectionId.of(NAME, tag),
            source,
            () -> new Session(dataSource),
            () -> {
              // Kept with the slice's projection: the activity rows are the slice's own.
              TaskActivity activity =
                  new TaskActivity(tag, activityHistory.toSeconds() + TaskActivity.BUCKET_SECONDS);
              java.util.function.BiConsumer<Session, List<EventEnvelope<JobEvent>>> handler =
                  (session, envelopes) -> write(session, envelopes, activity, onSkipped);
              return JdbcHandler.fromFunction(handler);
            },
            system)
        .withGroup(groupSize, groupWithin);
  }

  /**
   * Writes a group of events. When PostgreSQL refuses a row with a data error (an event journaled
   * before the edges checked what they take), the group is written again event by event, each under
   * a savepoint, and an event whose rows are refused is logged, counted and skipped: one bad event
   * must not stop its slice, and every job behind it, for good. Other failures (the database is
   * unreachable) fail the group, which the projection retries.
   */
  static void write(Session session, List<EventEnvelope<JobEvent>> envelopes, Runnable onSkipped) {
    write(session, envelopes, null, onSkipped);
  }

  /** As above, counting the attempts in {@code activity} (null: not counted). */
  static void write(
      Session session,
      List<EventEnvelope<JobEvent>> envelopes,
      TaskActivity activity,
      Runnable onSkipped) {
    try {
      session.withConnection(
          connection -> {
            Savepoint group = connection.setSavepoint();
            try {
              writeGroup(
                  connection, envelopes.stream().map(EventEnvelope::event).toList(), activity);
            } catch (SQLException | RuntimeException e) {
              if (!isRefusedData(e)) {
                throw e;
              }
              connection.rollback(group);
              writeOneByOne(connection, envelopes, activity, onSkipped);
            }
            return null;
          });
    } catch (SQLException e) {
      throw new StorageUnavailableException("read model could not be written", e);
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static void writeGroup(
      Connection connection, List<JobEvent> events, TaskActivity activity) throws SQLException {
    if (activity != null) {
      activity.begin();
    }
    ReadModelWriter writer = new ReadModelWriter(connection, activity);
    writer.prefetch(events);
    for (JobEvent event : events) {
      writer.apply(event);
    }
    writer.finish();
  }

  private static void writeOneByOne(
      Connection connection,
      List<EventEnvelope<JobEvent>> envelopes,
      TaskActivity activity,
      Runnable onSkipped)
      throws SQLException {
    for (EventEnvelope<JobEvent> envelope : envelopes) {
      Savepoint one = connection.setSavepoint();
      try {
        writeGroup(connection, List.of(envelope.event()), activity);
        connection.releaseSavepoint(one);
      } catch (SQLException | RuntimeException e) {
        if (!isRefusedData(e)) {
          throw e;
        }
        connection.rollback(one);
        log.error(
            "read model skipped an event the database refused persistenceId={} sequenceNr={}"
                + " event={} problem={}",
            envelope.persistenceId(),
            envelope.sequenceNr(),
            envelope.event().getClass().getSimpleName(),
            problem(e));
        onSkipped.run();
      }
    }
  }

  /**
   * True when the failure is the event's own and would recur on every try: PostgreSQL refused the
   * data (SQLSTATE class 22, data exception; 23, integrity constraint; 54, program limit such as a
   * row too large), or writing it failed in Igor's code. A lost connection, a time-out or a
   * shutdown is not: the projection retries those.
   */
  static boolean isRefusedData(Throwable e) {
    if (e instanceof StorageUnavailableException) {
      return false;
    }
    if (e instanceof RuntimeException) {
      return true;
    }
    for (Throwable t = e; t != null; t = next(t)) {
      if (t instanceof SQLException sql && sql.getSQLState() != null) {
        String state = sql.getSQLState();
        return state.startsWith("22") || state.startsWith("23") || state.startsWith("54");
      }
    }
    return false;
  }

  private static Throwable next(Throwable t) {
    if (t instanceof SQLException sql && sql.getNextException() != null) {
      return sql.getNextException();
    }
    return t.getCause();
  }

  private static String problem(Throwable e) {
    String text = String.valueOf(e.getMessage());
    return text.length() > 500 ? text.substring(0, 500) : text;
  }

  /**
   * One transaction on a connection of Igor's pool, committed without waiting for its WAL flush
   * ({@code synchronous_commit off} for this transaction only). That is safe here and only here:
   * the read-model rows and the projection's offset commit together, so a crash that loses the last
   * commits loses both, and the projection applies those events again from the journal, which is
   * durable. It saves a WAL flush wait per group of events.
   */
  static final class Session implements JdbcSession {
    private final Connection connection;

    Session(DataSource dataSource) {
      try {
        this.connection = dataSource.getConnection();
        connection.setAutoCommit(false);
        try (var s = connection.createStatement()) {
          s.execute("SET LOCAL synchronous_commit TO off");
        }
      } catch (SQLException e) {
        throw new StorageUnavailableException("no connection for the read model", e);
      }
    }

    @Override
    public <R> R withConnection(org.apache.pekko.japi.function.Function<Connection, R> f)
        throws Exception {
      return f.apply(connection);
    }

    @Override
    public void commit() throws SQLException {
      connection.commit();
    }

    @Override
    public void rollback() throws SQLException {
      connection.rollback();
    }

    @Override
    public void close() throws SQLException {
      connection.close();
    }
  }
}
