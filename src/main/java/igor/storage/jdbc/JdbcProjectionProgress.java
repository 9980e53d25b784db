package igor.storage.jdbc;

import igor.storage.ProjectionProgress;
import igor.storage.StorageUnavailableException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import javax.sql.DataSource;

/**
 * The journal's and the projection's positions, read from pekko-persistence-jdbc's tables and
 * pekko-projection-jdbc's offset store (a sequence offset: the journal ordering applied last). Each
 * question is one statement on Igor's pool, each answered from an index.
 */
public final class JdbcProjectionProgress implements ProjectionProgress {
  /** A job's last event: a backward walk of the journal's key (persistence_id, sequence_number). */
  private static final String LAST_OF_JOBS =
      "SELECT p.id, (SELECT j.ordering FROM event_journal j WHERE j.persistence_id = p.id"
          + " ORDER BY j.sequence_number DESC LIMIT 1) FROM unnest(?::varchar[]) AS p(id)";

  /** A tag's last event: a backward walk of the tag table's key (event_id, tag). */
  private static final String LAST_OF_TAG = "SELECT max(event_id) FROM event_tag WHERE tag = ?";

  private static final String APPLIED =
      "SELECT projection_key, current_offset FROM pekko_projection_offset_store"
          + " WHERE projection_name = ? AND projection_key = ANY (?::varchar[])";

  /** The persistence id of a job's entity (docs/adr/0002-persisted-names.md). */
  private static final String JOB_PERSISTENCE_PREFIX = "Job|";

  private final DataSource dataSource;
  private final Executor executor;

  JdbcProjectionProgress(DataSource dataSource, Executor executor) {
    this.dataSource = dataSource;
    this.executor = executor;
  }

  @Override
  public CompletionStage<Map<String, Long>> lastEventOfJobs(Collection<String> jobIds) {
    return call(
        c -> {
          Map<String, Long> last = new HashMap<>();
          try (PreparedStatement s = c.prepareStatement(LAST_OF_JOBS)) {
            s.setArray(
                1,
                c.createArrayOf(
                    "varchar", jobIds.stream().map(id -> JOB_PERSISTENCE_PREFIX + id).toArray()));
            try (ResultSet rs = s.executeQuery()) {
              while (rs.next()) {
                long ordering = rs.getLong(2);
                if (!rs.wasNull()) {
                  last.put(rs.getString(1).substring(JOB_PERSISTENCE_PREFIX.length()), ordering);
                }
              }
            }
          }
          return last;
        });
  }

  @Override
  public CompletionStage<Map<String, Long>> lastEventOfTags(Collection<String> tags) {
    return call(
        c -> {
          Map<String, Long> last = new HashMap<>();
          try (PreparedStatement s = c.prepareStatement(LAST_OF_TAG)) {
            for (String tag : tags) {
              s.setString(1, tag);
              try (ResultSet rs = s.executeQuery()) {
                if (rs.next() && rs.getObject(1) != null) {
                  last.put(tag, rs.getLong(1));
                }
              }
            }
          }
          return last;
        });
  }

  @Override
  public CompletionStage<Map<String, Long>> appliedOfTags(Collection<String> tags) {
    return call(
        c -> {
          Map<String, Long> applied = new HashMap<>();
          try (PreparedStatement s = c.prepareStatement(APPLIED)) {
            s.setString(1, ReadModelProjection.NAME);
            s.setArray(2, c.createArrayOf("varchar", tags.toArray()));
            try (ResultSet rs = s.executeQuery()) {
              while (rs.next()) {
                applied.put(rs.getString(1), Long.parseLong(rs.getString(2).trim()));
              }
            }
          }
          return applied;
        });
  }

  private interface Call<T> {
    T run(Connection c) throws SQLException;
  }

  private <T> CompletionStage<T> call(Call<T> call) {
    return CompletableFuture.supplyAsync(
        () -> {
          try (Connection c = dataSource.getConnection()) {
            return call.run(c);
          } catch (SQLException e) {
            throw new StorageUnavailableException("the read model's progress could not be read", e);
          }
        },
        executor);
  }
}
