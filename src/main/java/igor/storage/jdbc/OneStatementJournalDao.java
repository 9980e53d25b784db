package igor.storage.jdbc;

import igor.storage.StorageUnavailableException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.pekko.persistence.jdbc.config.JournalConfig;
import org.apache.pekko.persistence.jdbc.journal.dao.DefaultJournalDao;
import org.apache.pekko.persistence.jdbc.journal.dao.JournalTables.JournalPekkoSerializationRow;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.stream.Materializer;
import scala.Tuple2;
import scala.collection.immutable.Seq;
import scala.collection.immutable.Set;
import scala.concurrent.ExecutionContext;
import scala.concurrent.Future;
import scala.jdk.javaapi.CollectionConverters;
import scala.runtime.BoxedUnit;
import slick.dbio.DBIOAction;
import slick.jdbc.JdbcBackend;
import slick.jdbc.JdbcProfile;
import slick.jdbc.SimpleJdbcAction;

/**
 * The journal's write (configured as {@code jdbc-journal.dao}): the same rows in the same tables as
 * pekko-persistence-jdbc's {@link DefaultJournalDao}, the events and their tags, written by one
 * statement in autocommit, so one round trip to PostgreSQL (the statement and its commit). pekko's
 * own write took n + 2 for n events, each its own Slick step: Slick inserts the events one by one
 * on PostgreSQL when it must return their keys (the orderings the tag rows point at), then the tags
 * in a batch, then the commit (a hop's write of about four events: six round trips; docs/
 * BENCHMARKS.md, "Where a hop's time goes"). A statement is atomic and, with {@code
 * synchronous_commit} on, its commit is flushed before it answers, as the transaction's was; a
 * write too large for one statement's parameters is made in parts in one transaction. The orderings
 * are drawn in the order of the rows, sorted by sequence number as pekko sorts them. Everything
 * else (the queue that gathers concurrent writes into one, reads, deletes) is pekko's.
 */
public final class OneStatementJournalDao extends DefaultJournalDao {
  private static final String COLUMNS =
      "deleted, persistence_id, sequence_number, writer, write_timestamp, adapter_manifest,"
          + " event_payload, event_ser_id, event_ser_manifest, meta_payload, meta_ser_id,"
          + " meta_ser_manifest";
  private static final int EVENT_PARAMS = 12;
  private static final int TAG_PARAMS = 3;

  /** PostgreSQL's protocol carries at most this many parameters in one statement. */
  static final int MAX_PARAMS = 32_767;

  private final JdbcBackend.JdbcDatabaseDef database;

  public OneStatementJournalDao(
      JdbcBackend.JdbcDatabaseDef db,
      JdbcProfile profile,
      JournalConfig journalConfig,
      Serialization serialization,
      ExecutionContext ec,
      Materializer mat) {
    super(db, profile, journalConfig, serialization, ec, mat);
    this.database = db;
  }

  /**
   * Writes a batch of rows (pekko's queue gathers the writes that come while others are under way)
   * on one of the journal pool's connections, in autocommit: the statement is the transaction.
   */
  @Override
  @SuppressWarnings({"unchecked", "rawtypes"})
  public Future<BoxedUnit> writeJournalRows(
      Seq<Tuple2<JournalPekkoSerializationRow, Set<String>>> xs) {
    List<Tuple2<JournalPekkoSerializationRow, Set<String>>> rows =
        new ArrayList<>(CollectionConverters.asJava(xs));
    // As pekko's: each job's events in the order of their sequence numbers, so their orderings too
    rows.sort(Comparator.comparingLong(r -> r._1().sequenceNumber()));
    DBIOAction write =
        SimpleJdbcAction.apply(
            context -> {
              try {
                write(context.connection(), rows);
              } catch (SQLException e) {
                throw new StorageUnavailableException("the journal could not be written", e);
              }
              return BoxedUnit.UNIT;
            });
    return database.run(write);
  }

  /** Writes the rows and their tags: in one statement when PostgreSQL takes its parameters. */
  static void write(Connection c, List<Tuple2<JournalPekkoSerializationRow, Set<String>>> rows)
      throws SQLException {
    if (rows.size() * EVENT_PARAMS + tags(rows) * TAG_PARAMS <= MAX_PARAMS) {
      insert(c, rows);
      return;
    }
    // Larger than one statement carries: in parts, in one transaction.
    boolean auto = c.getAutoCommit();
    c.setAutoCommit(false);
    try {
      int per = MAX_PARAMS / (EVENT_PARAMS + TAG_PARAMS * Math.max(1, maxTags(rows)));
      for (int from = 0; from < rows.size(); from += per) {
        insert(c, rows.subList(from, Math.min(rows.size(), from + per)));
      }
      c.commit();
    } catch (SQLException | RuntimeException e) {
      c.rollback();
      throw e;
    } finally {
      c.setAutoCommit(auto);
    }
  }

  /** The rows and their tags in one statement. */
  private static void insert(
      Connection c, List<Tuple2<JournalPekkoSerializationRow, Set<String>>> rows)
      throws SQLException {
    try (PreparedStatement s = c.prepareStatement(statement(rows.size(), tags(rows)))) {
      bind(s, rows);
      s.executeUpdate();
    }
  }

  private static int tags(List<Tuple2<JournalPekkoSerializationRow, Set<String>>> rows) {
    int tags = 0;
    for (var r : rows) {
      tags += r._2().size();
    }
    return tags;
  }

  private static int maxTags(List<Tuple2<JournalPekkoSerializationRow, Set<String>>> rows) {
    int max = 0;
    for (var r : rows) {
      max = Math.max(max, r._2().size());
    }
    return max;
  }

  /**
   * The events of {@code rows} rows (their orderings drawn in the order of the rows, as pekko's
   * batch insert draws them) and, when there are tags, the tag rows that point at them.
   */
  static String statement(int rows, int tags) {
    StringBuilder sql = new StringBuilder(128 + rows * 40 + tags * 20);
    String insert = "INSERT INTO event_journal (" + COLUMNS + ") VALUES ";
    if (tags == 0) {
      sql.append(insert);
      values(sql, rows, "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
      return sql.toString();
    }
    sql.append("WITH j AS (").append(insert);
    values(sql, rows, "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    sql.append(" RETURNING ordering, persistence_id, sequence_number)")
        .append(" INSERT INTO event_tag (event_id, tag) SELECT j.ordering, t.tag FROM j")
        .append(" JOIN (VALUES ");
    values(sql, tags, "(?::varchar, ?::bigint, ?::varchar)");
    sql.append(") AS t (persistence_id, sequence_number, tag)")
        .append(
            " ON j.persistence_id = t.persistence_id AND j.sequence_number = t.sequence_number");
    return sql.toString();
  }

  private static void values(StringBuilder sql, int count, String row) {
    for (int i = 0; i < count; i++) {
      if (i > 0) {
        sql.append(", ");
      }
      sql.append(row);
    }
  }

  private static void bind(
      PreparedStatement s, List<Tuple2<JournalPekkoSerializationRow, Set<String>>> rows)
      throws SQLException {
    int p = 1;
    for (var r : rows) {
      JournalPekkoSerializationRow e = r._1();
      s.setBoolean(p++, e.deleted());
      s.setString(p++, e.persistenceId());
      s.setLong(p++, e.sequenceNumber());
      s.setString(p++, e.writer());
      s.setLong(p++, e.writeTimestamp());
      s.setString(p++, e.adapterManifest());
      s.setBytes(p++, e.eventPayload());
      s.setInt(p++, e.eventSerId());
      s.setString(p++, e.eventSerManifest());
      if (e.metaPayload().isDefined()) {
        s.setBytes(p++, e.metaPayload().get());
      } else {
        s.setNull(p++, Types.BINARY);
      }
      if (e.metaSerId().isDefined()) {
        s.setInt(p++, (Integer) e.metaSerId().get());
      } else {
        s.setNull(p++, Types.INTEGER);
      }
      if (e.metaSerManifest().isDefined()) {
        s.setString(p++, e.metaSerManifest().get());
      } else {
        s.setNull(p++, Types.VARCHAR);
      }
    }
    for (var r : rows) {
      var tags = CollectionConverters.asJava(r._2());
      for (String tag : tags) {
        s.setString(p++, r._1().persistenceId());
        s.setLong(p++, r._1().sequenceNumber());
        s.setString(p++, tag);
      }
    }
  }
}
