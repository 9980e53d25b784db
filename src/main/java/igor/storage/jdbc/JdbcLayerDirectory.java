package igor.storage.jdbc;

import igor.storage.LayerDirectory;
import igor.storage.StorageUnavailableException;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import javax.sql.DataSource;

/** The layer directory as one PostgreSQL table, written and read in one statement each. */
public final class JdbcLayerDirectory implements LayerDirectory {
  private final DataSource dataSource;
  private final Executor executor;

  JdbcLayerDirectory(DataSource dataSource, Executor executor) {
    this.dataSource = dataSource;
    this.executor = executor;
  }

  @Override
  public CompletionStage<Void> register(String jobId, List<String> layerIds) {
    if (layerIds.isEmpty()) {
      return CompletableFuture.completedFuture(null);
    }
    return CompletableFuture.runAsync(
        () -> {
          String sql =
              "INSERT INTO igor_layer_directory (layer_id, job_id) "
                  + "SELECT unnest(?::uuid[]), ?::uuid ON CONFLICT (layer_id) DO NOTHING";
          try (Connection c = dataSource.getConnection();
              PreparedStatement s = c.prepareStatement(sql)) {
            s.setArray(1, uuids(c, layerIds));
            s.setObject(2, UUID.fromString(jobId));
            s.executeUpdate();
          } catch (SQLException e) {
            throw new StorageUnavailableException("layers could not be recorded", e);
          }
        },
        executor);
  }

  @Override
  public CompletionStage<Map<String, String>> jobsOf(Collection<String> layerIds) {
    return CompletableFuture.supplyAsync(
        () -> {
          String sql =
              "SELECT layer_id, job_id FROM igor_layer_directory WHERE layer_id = ANY (?::uuid[])";
          Map<String, String> jobs = new HashMap<>();
          try (Connection c = dataSource.getConnection();
              PreparedStatement s = c.prepareStatement(sql)) {
            s.setArray(1, uuids(c, layerIds));
            try (ResultSet rs = s.executeQuery()) {
              while (rs.next()) {
                jobs.put(rs.getString(1), rs.getString(2));
              }
            }
            return jobs;
          } catch (SQLException e) {
            throw new StorageUnavailableException("layers could not be looked up", e);
          }
        },
        executor);
  }

  private static Array uuids(Connection c, Collection<String> ids) throws SQLException {
    return c.createArrayOf("uuid", ids.stream().map(UUID::fromString).toArray());
  }
}
