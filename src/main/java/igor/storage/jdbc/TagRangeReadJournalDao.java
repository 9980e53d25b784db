package igor.storage.jdbc;

import igor.storage.StorageUnavailableException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.NotUsed;
import org.apache.pekko.persistence.PersistentRepr;
import org.apache.pekko.persistence.jdbc.PekkoSerialization;
import org.apache.pekko.persistence.jdbc.config.ReadJournalConfig;
import org.apache.pekko.persistence.jdbc.journal.dao.JournalTables.JournalPekkoSerializationRow;
import org.apache.pekko.persistence.jdbc.query.dao.DefaultReadJournalDao;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.scaladsl.Source;
import scala.Option;
import scala.Tuple3;
import scala.collection.immutable.Set;
import scala.concurrent.ExecutionContext;
import scala.concurrent.Future;
import scala.jdk.javaapi.FutureConverters;
import scala.util.Try;
import slick.dbio.DBIOAction;
import slick.jdbc.JdbcBackend;
import slick.jdbc.JdbcProfile;
import slick.jdbc.SimpleJdbcAction;

/**
 * The read journal's query by tag (the read model's projection and the event streams poll it),
 * driven by the tag table: it walks the key {@code (event_id, tag)} from the reader's offset up to
 * the journal's end and looks each event up in the journal by its ordering, in a lateral subquery
 * that PostgreSQL cannot flatten ({@code OFFSET 0}), so the join is that nested loop whatever the
 * planner's statistics say. pekko-persistence-jdbc's own query joins the two tables freely and
 * bounds only the journal's side: PostgreSQL then walked the tag table from its first row, read and
 * sorted the whole range behind the reader, or, with statistics taken while the journal was small,
 * compared every event of the range with every tag row of it (7 million rows for a batch of 500, on
 * PostgreSQL 15 and 18 alike). With the read pool's connections forbidding sorts, the walk follows
 * the key's order and stops after one batch (docs/adr/0007-tag-reads.md). Configured as {@code
 * jdbc-read-journal.dao}; the other queries are pekko's own.
 */
public final class TagRangeReadJournalDao extends DefaultReadJournalDao {
  static final String EVENTS_BY_TAG =
      "SELECT j.ordering, j.deleted, j.persistence_id, j.sequence_number, j.writer,"
          + " j.write_timestamp, j.adapter_manifest, j.event_payload, j.event_ser_id,"
          + " j.event_ser_manifest, j.meta_payload, j.meta_ser_id, j.meta_ser_manifest"
          + " FROM event_tag t CROSS JOIN LATERAL"
          + " (SELECT * FROM event_journal e WHERE e.ordering = t.event_id AND NOT e.deleted"
          + " OFFSET 0) j"
          + " WHERE t.tag = ? AND t.event_id > ? AND t.event_id <= ?"
          + " ORDER BY t.event_id LIMIT ?";

  private final Serialization serialization;

  public TagRangeReadJournalDao(
      JdbcBackend.JdbcDatabaseDef db,
      JdbcProfile profile,
      ReadJournalConfig readJournalConfig,
      Serialization serialization,
      ExecutionContext ec,
      Materializer mat) {
    super(db, profile, readJournalConfig, serialization, ec, mat);
    this.serialization = serialization;
  }

  /**
   * Events of the tag after {@code offset} up to {@code maxOffset}, at most {@code max}, in order.
   */
  @Override
  @SuppressWarnings({"unchecked", "rawtypes"})
  public Source<Try<Tuple3<PersistentRepr, Set<String>, Object>>, NotUsed> eventsByTag(
      String tag, long offset, long maxOffset, long max) {
    DBIOAction read =
        SimpleJdbcAction.apply(
            context -> {
              try {
                return rows(context.connection(), tag, offset, maxOffset, max);
              } catch (SQLException e) {
                throw new StorageUnavailableException("the journal could not be read by tag", e);
              }
            });
    Future<List<JournalPekkoSerializationRow>> rows = db().run(read);
    return org.apache.pekko.stream.javadsl.Source.completionStage(FutureConverters.asJava(rows))
        .mapConcat(found -> found)
        .map(this::toRepr)
        .asScala();
  }

  private Try<Tuple3<PersistentRepr, Set<String>, Object>> toRepr(
      JournalPekkoSerializationRow row) {
    Set<String> noTags = scala.collection.immutable.Set$.MODULE$.empty();
    return PekkoSerialization.fromRow(serialization, row)
        .map(found -> new Tuple3<>(found._1(), noTags, found._2()));
  }

  static List<JournalPekkoSerializationRow> rows(
      Connection connection, String tag, long offset, long maxOffset, long max)
      throws SQLException {
    try (PreparedStatement s = connection.prepareStatement(EVENTS_BY_TAG)) {
      s.setString(1, tag);
      s.setLong(2, offset);
      s.setLong(3, maxOffset);
      s.setLong(4, max);
      List<JournalPekkoSerializationRow> rows = new ArrayList<>();
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          int metaSerId = rs.getInt(12);
          Option<Object> metaSerIdOption = rs.wasNull() ? Option.empty() : Option.apply(metaSerId);
          rows.add(
              new JournalPekkoSerializationRow(
                  rs.getLong(1),
                  rs.getBoolean(2),
                  rs.getString(3),
                  rs.getLong(4),
                  rs.getString(5),
                  rs.getLong(6),
                  rs.getString(7),
                  rs.getBytes(8),
                  rs.getInt(9),
                  rs.getString(10),
                  Option.apply(rs.getBytes(11)),
                  metaSerIdOption,
                  Option.apply(rs.getString(13))));
        }
      }
      return rows;
    }
  }
}
