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
 * with the reader's range on both sides of the join: {@code event_tag.event_id} as well as
 * {@code event_journal.ordering}. pekko-persistence-jdbc bounds only the journal's side, which lets
 * PostgreSQL walk the tag table's key from its first row, or read and sort the whole range between
 * the reader's offset and the journal's end; a poll then costs in proportion to the journal's size
 * or to how far the reader trails (docs/adr/0007-tag-reads.md). Bounded on both sides, with the read
 * pool's connections allowing only nested loops without sorts, every plan left stops after one
 * batch. Configured as {@code jdbc-read-journal.dao}; the other queries are pekko's own.
 */
public final class TagRangeReadJournalDao extends DefaultReadJournalDao {
  static final String EVENTS_BY_TAG =
      "SELECT j.ordering, j.deleted, j.persistence_id, j.sequence_number, j.writer,"
          + " j.write_timestamp, j.adapter_manifest, j.event_payload, j.event_ser_id,"
          + " j.event_ser_manifest, j.meta_payload, j.meta_ser_id, j.meta_ser_manifest"
          + " FROM event_tag t JOIN event_journal j ON j.ordering = t.event_id"
          + " WHERE t.tag = ? AND t.event_id > ? AND t.event_id <= ?"
          + " AND j.ordering > ? AND j.ordering <= ? AND NOT j.deleted"
          + " ORDER BY j.ordering LIMIT ?";

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

  /** Events of the tag after {@code offset} up to {@code maxOffset}, at most {@code max}, in order. */
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

  private Try<Tuple3<PersistentRepr, Set<String>, Object>> toRepr(JournalPekkoSerializationRow row) {
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
      s.setLong(4, offset);
      s.setLong(5, maxOffset);
      s.setLong(6, max);
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
