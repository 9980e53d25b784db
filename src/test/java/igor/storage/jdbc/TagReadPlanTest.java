package igor.storage.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import igor.config.IgorConfig;
import igor.config.IgorSettings;
import igor.testing.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A poll of the journal by tag (the read model's projection and the event streams) reads one batch,
 * however long the journal and however far the reader trails, whatever PostgreSQL's statistics say
 * and whatever plan it cached, on every PostgreSQL version the tests run on. pekko's own query, in
 * a soak, took 45 s per poll: its plan walked the tag table from the first row; with statistics
 * taken when the journal was small, a nested loop compared every event of the range with every tag
 * row of it (docs/adr/0007-tag-reads.md).
 */
class TagReadPlanTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int BATCH = 500;

  /**
   * Rows a poll may touch, summed over every node of its plan: a batch of one tag in four, found on
   * the tag's side and looked up on the journal's, passed up through the join and the limit, with
   * slack. The good plans touch about 2,000 (four nodes of 500).
   */
  private static final long ROWS_OF_ONE_BATCH = 4L * 4 * BATCH;

  private TestDatabase db;

  @BeforeEach
  void emptyJournalWithoutAutovacuum() throws SQLException {
    db = TestDatabase.create();
    try (JdbcStorage storage =
        JdbcStorage.open(new IgorSettings.Database(db.url(), db.user(), "", 2, true))) {
      storage.migrate();
    }
    // Each test's statistics are those it says: autovacuum would analyze behind its back
    try (Connection c = db.connect();
        Statement s = c.createStatement()) {
      s.execute("ALTER TABLE event_journal SET (autovacuum_enabled = false)");
      s.execute("ALTER TABLE event_tag SET (autovacuum_enabled = false)");
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
      assertReadsOneBatch(explain(c, query(80_000, 100_000)));
    }
  }

  @Test
  void readsOneBatchWithFreshStatistics() throws SQLException {
    appendEvents(100_000);
    analyze();
    try (Connection c = readPoolConnection()) {
      assertReadsOneBatch(explain(c, query(80_000, 100_000)));
      assertReadsOneBatch(explain(c, query(0, 100_000)));
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
      assertReadsOneBatch(explain(c, "EXECUTE poll('job-1', 80000, 100200, " + BATCH + ")"));
    }
  }

  @Test
  void countsTheRowsOfEveryNodeOverAllItsLoopsAndTheRowsItsFiltersRemoved() throws Exception {
    // The plan PostgreSQL 18 chose for pekko's query shape in the cached-plan case (trimmed)
    JsonNode plan =
        JSON.readTree(
            """
            [{"Plan": {"Node Type": "Limit", "Actual Rows": 500.00, "Actual Loops": 1,
              "Plans": [{"Node Type": "Nested Loop", "Actual Rows": 500.00, "Actual Loops": 1,
                "Rows Removed by Join Filter": 7189700,
                "Plans": [
                  {"Node Type": "Index Scan", "Actual Rows": 1899.00, "Actual Loops": 1,
                   "Rows Removed by Index Recheck": 0, "Rows Removed by Filter": 3},
                  {"Node Type": "Materialize", "Actual Rows": 3786.31, "Actual Loops": 1899,
                   "Plans": [{"Node Type": "Index Only Scan", "Actual Rows": 5050.00,
                              "Actual Loops": 1, "Rows Removed by Index Recheck": 0}]}]}]}}]
            """);

    assertThat(rowsTouched(plan.get(0).get("Plan")))
        .isEqualTo(500 + 500 + 7_189_700 + 1899 + 3 + Math.round(3786.31 * 1899) + 5050);
  }

  private static void assertReadsOneBatch(JsonNode explained) {
    JsonNode plan = explained.get(0).get("Plan");
    String shown = explained.toPrettyString();
    assertThat(plan.get("Actual Rows").asDouble())
        .as("rows returned by %s", shown)
        .isEqualTo(BATCH);
    assertThat(rowsTouched(plan))
        .as("rows touched by %s", shown)
        .isLessThanOrEqualTo(ROWS_OF_ONE_BATCH);
  }

  /**
   * Rows every node of the plan produced, over all its loops, and the rows its filters read and
   * dropped (PostgreSQL shows both per loop on average).
   */
  static long rowsTouched(JsonNode node) {
    double loops = node.path("Actual Loops").asDouble();
    double perLoop =
        node.path("Actual Rows").asDouble()
            + node.path("Rows Removed by Filter").asDouble()
            + node.path("Rows Removed by Join Filter").asDouble()
            + node.path("Rows Removed by Index Recheck").asDouble();
    long rows = Math.round(perLoop * loops);
    for (JsonNode child : node.path("Plans")) {
      rows += rowsTouched(child);
    }
    return rows;
  }

  /** Igor's query by tag with its parameters written in: tag job-1, a batch of 500. */
  private static String query(long offset, long maxOffset) {
    return parameterized()
        .replace("$1", "'job-1'")
        .replace("$2", Long.toString(offset))
        .replace("$3", Long.toString(maxOffset))
        .replace("$4", Integer.toString(BATCH));
  }

  /**
   * {@link TagRangeReadJournalDao#EVENTS_BY_TAG} with numbered parameters, as PREPARE wants: tag,
   * offset, end, batch.
   */
  private static String parameterized() {
    StringBuilder sql = new StringBuilder();
    int next = 0;
    for (char ch : TagRangeReadJournalDao.EVENTS_BY_TAG.toCharArray()) {
      sql.append(ch == '?' ? "$" + ++next : String.valueOf(ch));
    }
    assertThat(next).as("parameters of the query").isEqualTo(4);
    return sql.toString();
  }

  private static JsonNode explain(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("EXPLAIN (ANALYZE, FORMAT JSON) " + sql)) {
      rs.next();
      return JSON.readTree(rs.getString(1));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("EXPLAIN printed no JSON", e);
    }
  }

  /** A connection set up as those of the read journal's pool. */
  private Connection readPoolConnection() throws SQLException {
    Connection c = db.connect();
    String settings = "pekko-persistence-jdbc.shared-databases.slick-reads.db.connectionInitSql";
    try (Statement s = c.createStatement()) {
      s.execute(IgorConfig.load().getString(settings));
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
              + " COALESCE((SELECT max(ordering) FROM event_journal), 0) + "
              + count
              + ") n");
      s.execute(
          "INSERT INTO event_tag (event_id, tag) SELECT ordering, 'job-' || ((ordering / 50) % 4)"
              + " FROM event_journal"
              + " WHERE ordering > COALESCE((SELECT max(event_id) FROM event_tag), 0)");
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
