package igor.storage.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import igor.config.IgorConfig;
import igor.config.IgorSettings;
import igor.testing.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The read journal's query by tag (the read model's projection and the event streams poll it) must
 * walk the journal's ordering index and stop after one batch, whatever PostgreSQL's statistics say.
 * Without the read pool's settings it sorted the whole range between the reader's offset and the
 * journal's end (statistics missing) or merge-joined the tag table from its first row (statistics
 * fresh): a poll then cost in proportion to how far the reader trailed, and the soak's projection
 * fell minutes behind (docs/adr/0007-tag-reads.md).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TagReadPlanTest {
  private static final int EVENTS = 40_000;

  /**
   * The query of pekko-persistence-jdbc 1.1.1 (legacy tag table) for {@code eventsByTag}, as
   * PostgreSQL logs it: tag, offset (exclusive), the journal's highest ordering, batch size.
   */
  private static final String EVENTS_BY_TAG =
      "select x2.x3, x2.x4, x2.x5, x2.x6, x2.x7, x2.x8, x2.x9, x2.x10, x2.x11, x2.x12, x2.x13,"
          + " x2.x14, x2.x15 from (select \"deleted\" as x4, \"meta_ser_id\" as x14,"
          + " \"meta_ser_manifest\" as x15, \"sequence_number\" as x6, \"writer\" as x7,"
          + " \"event_ser_manifest\" as x12, \"write_timestamp\" as x8, \"persistence_id\" as x5,"
          + " \"adapter_manifest\" as x9, \"ordering\" as x3, \"event_payload\" as x10,"
          + " \"event_ser_id\" as x11, \"meta_payload\" as x13 from \"event_journal\""
          + " where \"deleted\" = false) x2, \"event_tag\" x16 where ((x16.\"tag\" = ?)"
          + " and ((x2.x3 > ?) and (x2.x3 <= ?))) and (x2.x3 = x16.\"event_id\")"
          + " order by x2.x3 limit ?";

  private static TestDatabase db;

  @BeforeAll
  static void journalOfFourTagSlices() throws SQLException {
    db = TestDatabase.create();
    try (JdbcStorage storage =
        JdbcStorage.open(new IgorSettings.Database(db.url(), db.user(), "", 2, true))) {
      storage.migrate();
    }
    try (Connection c = db.connect();
        Statement s = c.createStatement()) {
      s.execute(
          "INSERT INTO event_journal (persistence_id, sequence_number, writer, write_timestamp,"
              + " event_ser_id, event_ser_manifest, event_payload)"
              + " SELECT 'Job|' || (g / 50), g % 50, 'w', g, 1, 'm', '\\x00'::bytea"
              + " FROM generate_series(1, " + EVENTS + ") g");
      s.execute("INSERT INTO event_tag (event_id, tag) SELECT ordering, 'job-' || (ordering % 4) FROM event_journal");
    }
  }

  @AfterAll
  static void dropDatabase() {
    db.close();
  }

  @Test
  @Order(1)
  void walksTheOrderingIndexWhenTheJournalWasNeverAnalyzed() throws SQLException {
    List<String> plan = planOnReadPoolConnection();

    assertWalksTheOrderingIndex(plan);
  }

  @Test
  @Order(3)
  void walksTheOrderingIndexWithFreshStatisticsToo() throws SQLException {
    try (Connection c = db.connect();
        Statement s = c.createStatement()) {
      s.execute("ANALYZE event_journal");
      s.execute("ANALYZE event_tag");
    }

    List<String> plan = planOnReadPoolConnection();

    assertWalksTheOrderingIndex(plan);
  }

  @Test
  @Order(2)
  void readsOneBatchOfEventsNotTheRangeBehindIt() throws SQLException {
    List<String> plan = planOnReadPoolConnection();

    // one batch of 500 events of one tag in four: about 2,000 journal rows walked, not 40,000
    String walk =
        plan.stream().filter(l -> l.contains("event_journal_ordering_idx")).findFirst().orElseThrow();
    long rowsWalked = Long.parseLong(walk.replaceAll(".*actual time=\\S+ rows=(\\d+).*", "$1"));
    assertThat(rowsWalked).isBetween(500L, 2_500L);
  }

  private static void assertWalksTheOrderingIndex(List<String> plan) {
    assertThat(String.join("\n", plan))
        .contains("Index Scan using event_journal_ordering_idx")
        .doesNotContain("Sort")
        .doesNotContain("Merge Join")
        .doesNotContain("Bitmap");
  }

  /** EXPLAIN ANALYZE of a poll 40,000 events behind, on a connection set up as the read pool's. */
  private static List<String> planOnReadPoolConnection() throws SQLException {
    String init =
        IgorConfig.load()
            .getString("pekko-persistence-jdbc.shared-databases.slick-reads.db.connectionInitSql");
    try (Connection c = db.connect()) {
      try (Statement s = c.createStatement()) {
        s.execute(init);
      }
      try (PreparedStatement s = c.prepareStatement("EXPLAIN ANALYZE " + EVENTS_BY_TAG)) {
        s.setString(1, "job-1");
        s.setLong(2, 0);
        s.setLong(3, EVENTS);
        s.setLong(4, 500);
        List<String> lines = new ArrayList<>();
        try (ResultSet rs = s.executeQuery()) {
          while (rs.next()) {
            lines.add(rs.getString(1));
          }
        }
        return lines;
      }
    }
  }
}
