package igor.storage.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import igor.config.IgorSettings;
import igor.testing.TestDatabase;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.persistence.jdbc.journal.dao.JournalTables.JournalPekkoSerializationRow;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import scala.Option;
import scala.Tuple2;
import scala.collection.immutable.Set;
import scala.collection.immutable.Set$;

/**
 * The journal's write (OneStatementJournalDao) leaves the rows pekko's own write left: every event
 * with its tag rows pointing at it, orderings in the order of the sequence numbers, all or nothing,
 * also when a write is too large for one statement.
 */
class OneStatementJournalDaoTest {
  private TestDatabase db;

  @BeforeEach
  void migratedDatabase() {
    db = TestDatabase.create();
    try (JdbcStorage storage =
        JdbcStorage.open(new IgorSettings.Database(db.url(), db.user(), "", 2, true))) {
      storage.migrate();
    }
  }

  @AfterEach
  void dropDatabase() {
    db.close();
  }

  @Test
  void writesEachEventWithItsTagsInTheOrderOfItsSequenceNumbers() throws SQLException {
    // Handed over out of order: the write sorts them as pekko's does
    List<Tuple2<JournalPekkoSerializationRow, Set<String>>> rows =
        new ArrayList<>(List.of(row("Job|a", 3, "job-1"), row("Job|a", 1, "job-1")));
    rows.add(row("Job|a", 2, "job-1"));
    rows.add(row("Job|b", 1));

    write(rows);

    assertThat(journal())
        .containsExactly(
            "Job|a 1 event 1", "Job|a 2 event 2", "Job|a 3 event 3", "Job|b 1 event 1");
    assertThat(orderingsOf("Job|a")).isSorted().doesNotHaveDuplicates();
    assertThat(tags()).containsExactly("Job|a 1 job-1", "Job|a 2 job-1", "Job|a 3 job-1");
  }

  @Test
  void writesNothingOfAWriteWhoseOneEventIsAlreadyJournaled() throws SQLException {
    write(List.of(row("Job|a", 1, "job-1")));

    assertThatThrownBy(() -> write(List.of(row("Job|a", 2, "job-1"), row("Job|a", 1, "job-1"))))
        .isInstanceOf(SQLException.class);

    assertThat(journal()).containsExactly("Job|a 1 event 1");
    assertThat(tags()).containsExactly("Job|a 1 job-1");
  }

  @Test
  void writesAWriteTooLargeForOneStatementWholeOrNotAtAll() throws SQLException {
    int events = OneStatementJournalDao.MAX_PARAMS / 15 + 500; // more parameters than one carries
    List<Tuple2<JournalPekkoSerializationRow, Set<String>>> rows = new ArrayList<>();
    for (int i = 1; i <= events; i++) {
      rows.add(row("Job|a", i, "job-1"));
    }
    write(rows);
    assertThat(journal()).hasSize(events);
    assertThat(orderingsOf("Job|a")).hasSize(events).isSorted();
    assertThat(tags()).hasSize(events);

    List<Tuple2<JournalPekkoSerializationRow, Set<String>>> clashing = new ArrayList<>();
    for (int i = 1; i <= events; i++) {
      clashing.add(row("Job|b", i, "job-2"));
    }
    clashing.add(row("Job|a", events, "job-1")); // its last part clashes
    assertThatThrownBy(() -> write(clashing)).isInstanceOf(SQLException.class);
    assertThat(orderingsOf("Job|b")).isEmpty();
    assertThat(tags()).hasSize(events);
  }

  private void write(List<Tuple2<JournalPekkoSerializationRow, Set<String>>> rows)
      throws SQLException {
    try (Connection c = db.connect()) {
      List<Tuple2<JournalPekkoSerializationRow, Set<String>>> sorted = new ArrayList<>(rows);
      sorted.sort(
          java.util.Comparator.comparingLong(
              (Tuple2<JournalPekkoSerializationRow, Set<String>> r) -> r._1().sequenceNumber()));
      OneStatementJournalDao.write(c, sorted);
    }
  }

  private static Tuple2<JournalPekkoSerializationRow, Set<String>> row(
      String persistenceId, long sequenceNr, String... tags) {
    Set<String> tagSet = Set$.MODULE$.empty();
    for (String t : tags) {
      tagSet = tagSet.incl(t);
    }
    return new Tuple2<>(
        new JournalPekkoSerializationRow(
            Long.MIN_VALUE,
            false,
            persistenceId,
            sequenceNr,
            "writer",
            1_700_000_000_000L,
            "",
            ("event " + sequenceNr).getBytes(StandardCharsets.UTF_8),
            33,
            "igor.domain.JobEvent$TaskStarted",
            Option.empty(),
            Option.empty(),
            Option.empty()),
        tagSet);
  }

  private List<String> journal() throws SQLException {
    return strings(
        "SELECT persistence_id || ' ' || sequence_number || ' ' || convert_from(event_payload,"
            + " 'UTF8') FROM event_journal ORDER BY persistence_id, sequence_number");
  }

  private List<String> tags() throws SQLException {
    return strings(
        "SELECT j.persistence_id || ' ' || j.sequence_number || ' ' || t.tag FROM event_tag t"
            + " JOIN event_journal j ON j.ordering = t.event_id ORDER BY j.persistence_id,"
            + " j.sequence_number");
  }

  private List<Long> orderingsOf(String persistenceId) throws SQLException {
    List<Long> orderings = new ArrayList<>();
    for (String s :
        strings(
            "SELECT ordering FROM event_journal WHERE persistence_id = '"
                + persistenceId
                + "' ORDER BY sequence_number")) {
      orderings.add(Long.parseLong(s));
    }
    return orderings;
  }

  private List<String> strings(String sql) throws SQLException {
    List<String> found = new ArrayList<>();
    try (Connection c = db.connect();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      while (rs.next()) {
        found.add(rs.getString(1));
      }
    }
    return found;
  }
}
