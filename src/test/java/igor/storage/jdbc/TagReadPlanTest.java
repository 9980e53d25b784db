package igor.storage.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import igor.config.IgorConfig;
import igor.config.IgorSettings;
import igor.testing.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A poll of the journal by tag (the read model's projection and the event streams) reads one batch,
 * however long the journal and however far the reader trails, whatever PostgreSQL's statistics say
 * and whatever plan it cached. pekko's own query, in a soak, took 45 s per poll: its plan walked the
 * tag table from the first row (docs/adr/0007-tag-reads.md).
 */
class TagReadPlanTest {
  private static final int BATCH = 500;
  /** Rows a poll may read: a batch of one tag in four, looked up on both sides, with slack. */
  private static final long ROWS_OF_ONE_BATCH = 4L * 4 * BATCH;

  private TestDatabase db;

  @BeforeEach
  void emptyJournal() {
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
  void readsOneBatchWhenTheJournalWasNeverAnalyzed() throws SQLException {
    appendEvents(100_000);
    try (Connection c = readPoolConnection()) {
      assertThat(rowsRead(explain(c, "EXPLAIN ANALYZE " + query(80_000, 100_000))))
          .isLessThanOrEqualTo(ROWS_OF_ONE_BATCH);
    }
  }

  @Test
  void readsOneBatchWithFreshStatistics() throws SQLException {
    appendEvents(100_000);
    analyze();
    try (Connection c = readPoolConnection()) {
      assertThat(rowsRead(explain(c, "EXPLAIN ANALYZE " + query(80_000, 100_000))))
          .isLessThanOrEqualTo(ROWS_OF_ONE_BATCH);
      assertThat(rowsRead(explain(c, "EXPLAIN ANALYZE " + query(0, 100_000))))
          .isLessThanOrEqualTo(ROWS_OF_ONE_BATCH);
    }
  }

  @Test
  void readsOneBatchWithAPlanCachedWhenTheJournalWasSmall() throws SQLException {
    appendEvents(200);
    analyze();
    try (Connection c = readPoolConnection();
        Statement s = c.createStatement()) {
      s.execute("PREPARE poll(varchar, bigint, bigint, bigint) AS " + parameterized());
      // PostgreSQL plans a prepared statement once for all after five executions (the driver
      // prepares on the server after five too): the plan of a table of 200 rows
      for (int i = 0; i < 10; i++) {
        s.execute("EXECUTE poll('job-1', 0, 200, " + BATCH + ")");
      }
      appendEvents(100_000);
      assertThat(rowsRead(explain(c, "EXPLAIN ANALYZE EXECUTE poll('job-1', 80000, 100200, " + BATCH + ")")))
          .isLessThanOrEqualTo(ROWS_OF_ONE_BATCH);
    }
  }

  /** Igor's query by tag with its parameters written in: tag job-1, a batch of 500. */
  private static String query(long offset, long maxOffset) {
    return parameterized()
        .replace("$1", "'job-1'")
        .replace("$2", Long.toString(offset))
        .replace("$3", Long.toString(maxOffset))
        .replace("$4", Integer.toString(BATCH));
  }

  /** {@link TagRangeReadJournalDao#EVENTS_BY_TAG} with numbered parameters, as PREPARE wants. */
  private static String parameterized() {
    String[] numbers = {"$1", "$2", "$3", "$2", "$3", "$4"};
    StringBuilder sql = new StringBuilder();
    int next = 0;
    for (char ch : TagRangeReadJournalDao.EVENTS_BY_TAG.toCharArray()) {
      sql.append(ch == '?' ? numbers[next++] : String.valueOf(ch));
    }
    return sql.toString();
  }

  /** Rows produced by every scan of the plan, over all its loops. */
  private static long rowsRead(List<String> plan) {
    Pattern scan = Pattern.compile("Scan.*actual time=\\S+ rows=(\\d+) loops=(\\d+)");
    long rows = 0;
    for (String line : plan) {
      Matcher m = scan.matcher(line);
      if (m.find()) {
        rows += Long.parseLong(m.group(1)) * Long.parseLong(m.group(2));
      }
    }
    assertThat(String.join("\n", plan)).as("the plan").contains("rows=" + BATCH + " loops=1");
    return rows;
  }

  private static List<String> explain(Connection c, String sql) throws SQLException {
    List<String> lines = new ArrayList<>();
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      while (rs.next()) {
        lines.add(rs.getString(1));
      }
    }
    return lines;
  }

  /** A connection set up as those of the read journal's pool. */
  private Connection readPoolConnection() throws SQLException {
    Connection c = db.connect();
    try (Statement s = c.createStatement()) {
      s.execute(
          IgorConfig.load()
              .getString("pekko-persistence-jdbc.shared-databases.slick-reads.db.connectionInitSql"));
    }
    return c;
  }

  /** Events of 50 per job, each job's events tagged with one of four slices. */
  private void appendEvents(int count) throws SQLException {
    try (Connection c = db.connect();
        Statement s = c.createStatement()) {
      s.execute(
          "INSERT INTO event_journal (persistence_id, sequence_number, writer, write_timestamp,"
              + " event_ser_id, event_ser_manifest, event_payload)"
              + " SELECT 'Job|' || (n / 50), n % 50, 'w', n, 1, 'm', '\\x00'::bytea"
              + " FROM generate_series(COALESCE((SELECT max(ordering) FROM event_journal), 0) + 1,"
              + " COALESCE((SELECT max(ordering) FROM event_journal), 0) + " + count + ") n");
      s.execute(
          "INSERT INTO event_tag (event_id, tag) SELECT ordering, 'job-' || ((ordering / 50) % 4)"
              + " FROM event_journal WHERE ordering > COALESCE((SELECT max(event_id) FROM event_tag), 0)");
    }
  }

  private void analyze() throws SQLException {
    try (Connection c = db.connect();
        Statement s = c.createStatement()) {
      s.execute("ANALYZE event_journal");
      s.execute("ANALYZE event_tag");
    }
  }
}
