package igor.storage.jdbc;

import igor.domain.Status;
import igor.storage.ReadModel;
import igor.storage.StorageUnavailableException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import javax.sql.DataSource;

/** The read model's queries: one statement per request, on Igor's pool and JDBC executor. */
public final class JdbcReadModel implements ReadModel {
  private static final String COUNTS = String.join(", ", ReadModelWriter.countColumns());
  private static final String JOB_COLUMNS =
      "id, revision, status, name, paused_at, created_at, updated_at, " + COUNTS + ", start_at";
  private static final String LAYER_COLUMNS =
      "id, job_id, revision, status, name, priority, paused_at, created_at, updated_at, " + COUNTS;
  private static final String TASK_COLUMNS =
      "id, job_id, layer_id, revision, status, name, type, args, paused_at, retries,"
          + " timeout_seconds, attempts,"
          + " message, result, queue_task_id, created_at, updated_at";
  private static final String NEWEST_FIRST = " ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?";

  private final DataSource dataSource;
  private final Executor executor;

  JdbcReadModel(DataSource dataSource, Executor executor) {
    this.dataSource = dataSource;
    this.executor = executor;
  }

  @Override
  public CompletionStage<List<JobRow>> jobs(Filter filter) {
    return list("igor_jobs", JOB_COLUMNS, filter, JdbcReadModel::job);
  }

  @Override
  public CompletionStage<List<LayerRow>> layers(Filter filter) {
    return list("igor_layers", LAYER_COLUMNS, filter, JdbcReadModel::layer);
  }

  @Override
  public CompletionStage<List<TaskRow>> tasks(Filter filter) {
    return list("igor_tasks", TASK_COLUMNS, filter, JdbcReadModel::task);
  }

  @Override
  public CompletionStage<Optional<LayerRow>> layer(String layerId) {
    return one("igor_layers", LAYER_COLUMNS, layerId, JdbcReadModel::layer);
  }

  @Override
  public CompletionStage<Optional<TaskRow>> task(String taskId) {
    return one("igor_tasks", TASK_COLUMNS, taskId, JdbcReadModel::task);
  }

  /**
   * The page's rows, the next row after them, and no result or message of that one: the innermost
   * query takes one row more than the page (by the layer index, sorted top-N), the window sums the
   * bytes of the rows before each, and a row is in the page while that sum is under the budget. A
   * result TOASTed out of line is read only for the rows of the page.
   */
  private static final String RESULTS_PAGE =
      "SELECT id, layer_id, name, status, in_page,"
          + " CASE WHEN in_page THEN message END AS message,"
          + " CASE WHEN in_page THEN result END AS result"
          + " FROM (SELECT w.*, n <= ? AND bytes_before < ? AS in_page"
          + "  FROM (SELECT p.*, row_number() OVER o AS n,"
          + "   sum(bytes) OVER o - bytes AS bytes_before"
          + "   FROM (SELECT id, layer_id, name, status, message, result,"
          + "    coalesce(octet_length(result), 0) + octet_length(message) AS bytes"
          + "    FROM igor_tasks WHERE layer_id = ANY (?) AND (layer_id, id) > (?, ?)"
          + "    ORDER BY layer_id, id LIMIT ?) p"
          + "   WINDOW o AS (ORDER BY layer_id, id ROWS UNBOUNDED PRECEDING)) w) t"
          + " ORDER BY layer_id, id";

  private static final UUID NIL = new UUID(0, 0);

  @Override
  public CompletionStage<ResultsPage> results(
      String jobId, String layerName, ResultsCursor after, int limit, long maxBytes) {
    return call(
        "the results could not be read",
        c -> {
          List<UUID> layers = new ArrayList<>();
          try (PreparedStatement s =
              c.prepareStatement("SELECT id FROM igor_layers WHERE job_id = ? AND name = ?")) {
            s.setObject(1, UUID.fromString(jobId));
            s.setString(2, layerName);
            try (ResultSet rs = s.executeQuery()) {
              while (rs.next()) {
                layers.add(rs.getObject(1, UUID.class));
              }
            }
          }
          if (layers.isEmpty()) {
            boolean jobKnown;
            try (PreparedStatement s = c.prepareStatement("SELECT 1 FROM igor_jobs WHERE id = ?")) {
              s.setObject(1, UUID.fromString(jobId));
              try (ResultSet rs = s.executeQuery()) {
                jobKnown = rs.next();
              }
            }
            return new ResultsPage(
                jobKnown ? ResultsPage.Found.NO_LAYER : ResultsPage.Found.NO_JOB, List.of(), null);
          }
          try (PreparedStatement s = c.prepareStatement(RESULTS_PAGE)) {
            s.setInt(1, limit);
            s.setLong(2, maxBytes);
            s.setArray(3, c.createArrayOf("uuid", layers.toArray()));
            s.setObject(4, after == null ? NIL : UUID.fromString(after.layerId()));
            s.setObject(5, after == null ? NIL : UUID.fromString(after.taskId()));
            s.setInt(6, limit + 1);
            List<ResultRow> rows = new ArrayList<>();
            boolean more = false;
            try (ResultSet rs = s.executeQuery()) {
              while (rs.next()) {
                if (!rs.getBoolean("in_page")) {
                  more = true;
                  break;
                }
                rows.add(
                    new ResultRow(
                        rs.getString("id"),
                        rs.getString("layer_id"),
                        rs.getString("name"),
                        Status.valueOf(rs.getString("status")),
                        rs.getBytes("result"),
                        rs.getString("message")));
              }
            }
            ResultRow last = rows.isEmpty() ? null : rows.get(rows.size() - 1);
            ResultsCursor next =
                more && last != null ? new ResultsCursor(last.layerId(), last.taskId()) : null;
            return new ResultsPage(ResultsPage.Found.PAGE, rows, next);
          }
        });
  }

  @Override
  public CompletionStage<List<JobCounts>> counts(List<String> jobIds) {
    return call(
        "counts could not be read",
        c -> {
          Map<String, List<LayerCounts>> layers = new LinkedHashMap<>();
          try (PreparedStatement s =
              c.prepareStatement(
                  "SELECT job_id, id, "
                      + COUNTS
                      + " FROM igor_layers WHERE job_id = ANY (?) ORDER BY priority, id")) {
            s.setArray(1, uuids(c, jobIds));
            try (ResultSet rs = s.executeQuery()) {
              while (rs.next()) {
                layers
                    .computeIfAbsent(rs.getString(1), k -> new ArrayList<>())
                    .add(new LayerCounts(rs.getString(2), counts(rs, 3)));
              }
            }
          }
          List<JobCounts> answer = new ArrayList<>();
          try (PreparedStatement s =
              c.prepareStatement(
                  "SELECT id, " + COUNTS + " FROM igor_jobs WHERE id = ANY (?) ORDER BY id")) {
            s.setArray(1, uuids(c, jobIds));
            try (ResultSet rs = s.executeQuery()) {
              while (rs.next()) {
                String id = rs.getString(1);
                answer.add(new JobCounts(id, counts(rs, 2), layers.getOrDefault(id, List.of())));
              }
            }
          }
          return answer;
        });
  }

  @Override
  public CompletionStage<Activity> activity(long since) {
    long from = TaskActivity.bucketOf(since);
    return call(
        "the dashboard could not be read",
        c -> {
          List<ActivityBucket> buckets = new ArrayList<>();
          try (PreparedStatement s =
              c.prepareStatement(
                  "SELECT bucket, sum(started), sum(ended), sum(failed) FROM igor_task_activity"
                      + " WHERE bucket >= ? GROUP BY bucket ORDER BY bucket")) {
            s.setLong(1, from);
            try (ResultSet rs = s.executeQuery()) {
              while (rs.next()) {
                buckets.add(
                    new ActivityBucket(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4)));
              }
            }
          }
          List<TypeActivity> types = new ArrayList<>();
          try (PreparedStatement s =
              c.prepareStatement(
                  "SELECT type, sum(started), sum(ended), sum(failed) FROM igor_task_activity"
                      + " WHERE bucket >= ? GROUP BY type ORDER BY type")) {
            s.setLong(1, from);
            try (ResultSet rs = s.executeQuery()) {
              while (rs.next()) {
                types.add(
                    new TypeActivity(rs.getString(1), rs.getLong(2), rs.getLong(3), rs.getLong(4)));
              }
            }
          }
          return new Activity(
              TaskActivity.BUCKET_SECONDS,
              buckets,
              types,
              waiting(c),
              count(c, "SELECT count(*) FROM igor_jobs WHERE status = 'RUNNING'"),
              count(c, "SELECT count(*) FROM igor_tasks WHERE status = 'RUNNING'"));
        });
  }

  @Override
  public CompletionStage<List<Waiting>> waiting() {
    return call("the waiting tasks could not be read", JdbcReadModel::waiting);
  }

  /**
   * The counts kept per type and slice (igor_queued_tasks, V9), and per type the first entry of the
   * partial index igor_tasks_queued_idx: a few rows read per type, however many tasks wait. Tasks
   * queued before V9 by an older node have no queued_at (0) and do not count for the age.
   */
  private static List<Waiting> waiting(Connection c) throws SQLException {
    List<Waiting> waiting = new ArrayList<>();
    try (PreparedStatement s =
            c.prepareStatement(
                "SELECT q.type, q.queued, COALESCE((SELECT min(t.queued_at) FROM igor_tasks t"
                    + " WHERE t.status = 'QUEUED' AND t.type = q.type AND t.queued_at > 0), 0)"
                    + " FROM (SELECT type, sum(queued) AS queued FROM igor_queued_tasks"
                    + " GROUP BY type HAVING sum(queued) > 0) q ORDER BY q.type");
        ResultSet rs = s.executeQuery()) {
      while (rs.next()) {
        waiting.add(new Waiting(rs.getString(1), rs.getLong(2), rs.getLong(3)));
      }
    }
    return waiting;
  }

  private static long count(Connection c, String sql) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(sql);
        ResultSet rs = s.executeQuery()) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private interface RowReader<T> {
    T read(ResultSet rs) throws SQLException;
  }

  private interface Call<T> {
    T run(Connection c) throws SQLException;
  }

  private <T> CompletionStage<List<T>> list(
      String table, String columns, Filter f, RowReader<T> reader) {
    return call(
        "the list could not be read",
        c -> {
          List<Object> params = new ArrayList<>();
          StringBuilder where = new StringBuilder(" WHERE TRUE");
          idFilter(c, where, params, table.equals("igor_jobs") ? "id" : "job_id", f.jobIds());
          if (table.equals("igor_jobs")) {
            holdingFilter(c, where, params, "id", "job_id", "igor_layers", f.layerIds());
            holdingFilter(c, where, params, "id", "job_id", "igor_tasks", f.taskIds());
          } else {
            idFilter(
                c, where, params, table.equals("igor_layers") ? "id" : "layer_id", f.layerIds());
          }
          if (table.equals("igor_layers")) {
            holdingFilter(c, where, params, "id", "layer_id", "igor_tasks", f.taskIds());
          }
          if (table.equals("igor_tasks")) {
            idFilter(c, where, params, "id", f.taskIds());
            textFilter(c, where, params, "type", f.types());
          }
          if (!f.statuses().isEmpty()) {
            // Written out, not a parameter (the names of Status, nothing a client wrote): every
            // plan then knows which statuses it reads, so a filter without COMPLETED may use the
            // partial index igor_tasks_unfinished_status_idx (V13, V14) even once the statement
            // is prepared.
            where.append(" AND status IN (");
            where.append(
                String.join(", ", f.statuses().stream().map(st -> "'" + st.name() + "'").toList()));
            where.append(")");
          }
          if (f.name() != null) {
            where.append(" AND name = ?");
            params.add(f.name());
          }
          bound(where, params, "created_at > ?", f.createdAfter());
          bound(where, params, "created_at < ?", f.createdBefore());
          bound(where, params, "updated_at > ?", f.updatedAfter());
          bound(where, params, "updated_at < ?", f.updatedBefore());
          params.add(f.limit());
          params.add(f.offset());
          String sql = "SELECT " + columns + " FROM " + table + where + NEWEST_FIRST;
          try (PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < params.size(); i++) {
              s.setObject(i + 1, params.get(i));
            }
            List<T> rows = new ArrayList<>();
            try (ResultSet rs = s.executeQuery()) {
              while (rs.next()) {
                rows.add(reader.read(rs));
              }
            }
            return rows;
          }
        });
  }

  private <T> CompletionStage<Optional<T>> one(
      String table, String columns, String id, RowReader<T> reader) {
    return call(
        "the object could not be read",
        c -> {
          try (PreparedStatement s =
              c.prepareStatement("SELECT " + columns + " FROM " + table + " WHERE id = ?")) {
            s.setObject(1, UUID.fromString(id));
            try (ResultSet rs = s.executeQuery()) {
              return rs.next() ? Optional.of(reader.read(rs)) : Optional.<T>empty();
            }
          }
        });
  }

  private <T> CompletionStage<T> call(String problem, Call<T> call) {
    return CompletableFuture.supplyAsync(
        () -> {
          try (Connection c = dataSource.getConnection()) {
            return call.run(c);
          } catch (SQLException e) {
            throw new StorageUnavailableException(problem, e);
          }
        },
        executor);
  }

  private static void idFilter(
      Connection c, StringBuilder where, List<Object> params, String column, List<String> ids)
      throws SQLException {
    if (!ids.isEmpty()) {
      where.append(" AND ").append(column).append(" = ANY (?)");
      params.add(uuids(c, ids));
    }
  }

  /** Keeps the rows that hold one of these children: the jobs of layers, the layers of tasks. */
  private static void holdingFilter(
      Connection c,
      StringBuilder where,
      List<Object> params,
      String column,
      String parentColumn,
      String childTable,
      List<String> childIds)
      throws SQLException {
    if (!childIds.isEmpty()) {
      where
          .append(" AND ")
          .append(column)
          .append(" IN (SELECT ")
          .append(parentColumn)
          .append(" FROM ")
          .append(childTable)
          .append(" WHERE id = ANY (?))");
      params.add(uuids(c, childIds));
    }
  }

  private static void textFilter(
      Connection c, StringBuilder where, List<Object> params, String column, List<String> values)
      throws SQLException {
    if (!values.isEmpty()) {
      where.append(" AND ").append(column).append(" = ANY (?)");
      params.add(c.createArrayOf("varchar", values.toArray()));
    }
  }

  private static void bound(StringBuilder where, List<Object> params, String clause, Long value) {
    if (value != null) {
      where.append(" AND ").append(clause);
      params.add(value);
    }
  }

  private static java.sql.Array uuids(Connection c, List<String> ids) throws SQLException {
    return c.createArrayOf("uuid", ids.stream().map(UUID::fromString).toArray());
  }

  private static JobRow job(ResultSet rs) throws SQLException {
    return new JobRow(
        rs.getString("id"),
        rs.getLong("revision"),
        Status.valueOf(rs.getString("status")),
        rs.getString("name"),
        rs.getLong("paused_at"),
        rs.getLong("created_at"),
        rs.getLong("updated_at"),
        counts(rs, 8),
        rs.getLong("start_at"));
  }

  private static LayerRow layer(ResultSet rs) throws SQLException {
    return new LayerRow(
        rs.getString("id"),
        rs.getString("job_id"),
        rs.getLong("revision"),
        Status.valueOf(rs.getString("status")),
        rs.getString("name"),
        rs.getInt("priority"),
        rs.getLong("paused_at"),
        rs.getLong("created_at"),
        rs.getLong("updated_at"),
        counts(rs, 10));
  }

  private static TaskRow task(ResultSet rs) throws SQLException {
    return new TaskRow(
        rs.getString("id"),
        rs.getString("job_id"),
        rs.getString("layer_id"),
        rs.getLong("revision"),
        Status.valueOf(rs.getString("status")),
        rs.getString("name"),
        rs.getString("type"),
        rs.getBytes("args"),
        rs.getLong("paused_at"),
        rs.getInt("retries"),
        rs.getInt("timeout_seconds"),
        rs.getInt("attempts"),
        rs.getString("message"),
        rs.getBytes("result"),
        rs.getString("queue_task_id"),
        rs.getLong("created_at"),
        rs.getLong("updated_at"));
  }

  /** The count columns starting at this column index, in the order of {@link Status}. */
  private static Counts counts(ResultSet rs, int first) throws SQLException {
    Map<Status, Integer> byStatus = new EnumMap<>(Status.class);
    for (Status s : Status.values()) {
      byStatus.put(s, rs.getInt(first + s.ordinal()));
    }
    return new Counts(byStatus);
  }
}
