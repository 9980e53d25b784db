package igor.storage.jdbc;

import igor.domain.TaskOutput;
import igor.storage.StorageUnavailableException;
import igor.storage.TaskOutputStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import javax.sql.DataSource;

/**
 * Task output in igor_task_output and igor_task_logs (migration V10), one transaction per batch:
 * per attempt an upsert that counts its lines (and so numbers the new ones: the row lock makes two
 * nodes storing lines of one attempt take turns), one multi-row insert of the lines, and a delete
 * of those beyond {@code linesPerAttempt}. Attempts are locked in key order, so two batches never
 * wait on each other in a circle.
 */
public final class JdbcTaskOutput implements TaskOutputStore {
  private static final String COUNT =
      "INSERT INTO igor_task_output AS o (task_id, attempt, job_id, progress, progress_at, lines,"
          + " worker) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (task_id, attempt) DO UPDATE SET"
          + " lines = o.lines + EXCLUDED.lines,"
          + " progress = COALESCE(EXCLUDED.progress, o.progress),"
          + " progress_at = COALESCE(EXCLUDED.progress_at, o.progress_at),"
          + " worker = EXCLUDED.worker"
          + " RETURNING lines";

  private final DataSource dataSource;
  private final Executor executor;
  private final int linesPerAttempt;

  JdbcTaskOutput(DataSource dataSource, Executor executor, int linesPerAttempt) {
    this.dataSource = dataSource;
    this.executor = executor;
    this.linesPerAttempt = linesPerAttempt;
  }

  private record Key(String taskId, int attempt) implements Comparable<Key> {
    @Override
    public int compareTo(Key o) {
      int c = taskId.compareTo(o.taskId);
      return c != 0 ? c : Integer.compare(attempt, o.attempt);
    }
  }

  @Override
  public CompletionStage<List<TaskOutput.Entry>> store(List<TaskOutput.Entry> entries) {
    if (entries.isEmpty()) {
      return CompletableFuture.completedFuture(List.of());
    }
    return Transactions.inTransaction(
        dataSource, executor, "task output could not be stored", c -> storeIn(c, entries));
  }

  private List<TaskOutput.Entry> storeIn(Connection c, List<TaskOutput.Entry> entries)
      throws SQLException {
    Map<String, String> jobOf = jobsOf(c, entries);
    Map<Key, List<TaskOutput.Entry>> byAttempt = new TreeMap<>();
    List<TaskOutput.Entry> kept = new ArrayList<>();
    for (TaskOutput.Entry e : entries) {
      if (e.jobId().equals(jobOf.get(e.taskId()))) {
        byAttempt.computeIfAbsent(new Key(e.taskId(), e.attempt()), k -> new ArrayList<>()).add(e);
        kept.add(e);
      }
    }
    try (PreparedStatement count = c.prepareStatement(COUNT);
        PreparedStatement insert =
            c.prepareStatement(
                "INSERT INTO igor_task_logs (task_id, attempt, seq, job_id, at, level, line)"
                    + " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING");
        PreparedStatement trim =
            c.prepareStatement(
                "DELETE FROM igor_task_logs WHERE task_id = ? AND attempt = ? AND seq <= ?")) {
      boolean trimming = false;
      for (Map.Entry<Key, List<TaskOutput.Entry>> group : byAttempt.entrySet()) {
        List<TaskOutput.Entry> attempt = group.getValue();
        List<TaskOutput.Entry> lines =
            attempt.stream().filter(e -> e.kind() == TaskOutput.Kind.LOG).toList();
        TaskOutput.Entry progress = null;
        for (TaskOutput.Entry e : attempt) {
          if (e.kind() == TaskOutput.Kind.PROGRESS) {
            progress = e;
          }
        }
        TaskOutput.Entry first = attempt.get(0);
        UUID task = UUID.fromString(first.taskId());
        UUID job = UUID.fromString(first.jobId());
        count.setObject(1, task);
        count.setInt(2, first.attempt());
        count.setObject(3, job);
        if (progress == null) {
          count.setNull(4, Types.DOUBLE);
          count.setNull(5, Types.BIGINT);
        } else {
          count.setDouble(4, progress.progress());
          count.setLong(5, progress.at());
        }
        count.setLong(6, lines.size());
        count.setString(7, attempt.get(attempt.size() - 1).worker());
        long total;
        try (ResultSet rs = count.executeQuery()) {
          rs.next();
          total = rs.getLong(1);
        }
        long firstSeq = total - lines.size() + 1;
        // only the newest linesPerAttempt of this batch can be kept
        for (int i = Math.max(0, lines.size() - linesPerAttempt); i < lines.size(); i++) {
          TaskOutput.Entry line = lines.get(i);
          insert.setObject(1, task);
          insert.setInt(2, line.attempt());
          insert.setLong(3, firstSeq + i);
          insert.setObject(4, job);
          insert.setLong(5, line.at());
          insert.setString(6, line.level().wireName());
          insert.setString(7, line.line());
          insert.addBatch();
        }
        if (total > linesPerAttempt && !lines.isEmpty()) {
          trim.setObject(1, task);
          trim.setInt(2, first.attempt());
          trim.setLong(3, total - linesPerAttempt);
          trim.addBatch();
          trimming = true;
        }
      }
      insert.executeBatch();
      if (trimming) {
        trim.executeBatch();
      }
    }
    return kept;
  }

  /** The job of each task the entries name, for the tasks that exist. */
  private static Map<String, String> jobsOf(Connection c, List<TaskOutput.Entry> entries)
      throws SQLException {
    Object[] tasks = entries.stream().map(e -> UUID.fromString(e.taskId())).distinct().toArray();
    Map<String, String> jobs = new HashMap<>();
    try (PreparedStatement s =
        c.prepareStatement(
            "SELECT task_id, job_id FROM igor_task_directory WHERE task_id = ANY (?)")) {
      s.setArray(1, c.createArrayOf("uuid", tasks));
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          jobs.put(rs.getString(1), rs.getString(2));
        }
      }
    }
    return jobs;
  }

  @Override
  public CompletionStage<Optional<Logs>> read(
      String taskId, Integer attempt, long after, int limit) {
    return CompletableFuture.supplyAsync(
        () -> {
          try (Connection c = dataSource.getConnection()) {
            c.setReadOnly(true);
            return readIn(c, UUID.fromString(taskId), attempt, after, limit);
          } catch (SQLException e) {
            throw new StorageUnavailableException("task output could not be read", e);
          }
        },
        executor);
  }

  private static Optional<Logs> readIn(
      Connection c, UUID taskId, Integer only, long after, int limit) throws SQLException {
    String jobId;
    try (PreparedStatement s =
        c.prepareStatement("SELECT job_id FROM igor_task_directory WHERE task_id = ?")) {
      s.setObject(1, taskId);
      try (ResultSet rs = s.executeQuery()) {
        if (!rs.next()) {
          return Optional.empty();
        }
        jobId = rs.getString(1);
      }
    }
    List<AttemptLogs> attempts = new ArrayList<>();
    try (PreparedStatement s =
            c.prepareStatement(
                "SELECT attempt, progress, lines FROM igor_task_output WHERE task_id = ?"
                    + (only == null ? "" : " AND attempt = ?")
                    + " ORDER BY attempt");
        PreparedStatement lines =
            c.prepareStatement(
                "SELECT seq, at, level, line FROM igor_task_logs"
                    + " WHERE task_id = ? AND attempt = ? AND seq > ? ORDER BY seq LIMIT ?");
        PreparedStatement oldest =
            c.prepareStatement(
                "SELECT coalesce(min(seq), 0) FROM igor_task_logs"
                    + " WHERE task_id = ? AND attempt = ?")) {
      s.setObject(1, taskId);
      if (only != null) {
        s.setInt(2, only);
      }
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          int attempt = rs.getInt(1);
          double p = rs.getDouble(2);
          Double progress = rs.wasNull() ? null : p;
          long sent = rs.getLong(3);
          oldest.setObject(1, taskId);
          oldest.setInt(2, attempt);
          long first;
          try (ResultSet o = oldest.executeQuery()) {
            o.next();
            first = o.getLong(1);
          }
          long dropped = first == 0 ? sent : first - 1;
          lines.setObject(1, taskId);
          lines.setInt(2, attempt);
          lines.setLong(3, after);
          lines.setInt(4, limit + 1);
          List<Line> page = new ArrayList<>();
          try (ResultSet l = lines.executeQuery()) {
            while (l.next()) {
              page.add(new Line(l.getLong(1), l.getLong(2), l.getString(3), l.getString(4)));
            }
          }
          boolean more = page.size() > limit;
          attempts.add(
              new AttemptLogs(
                  attempt, progress, sent, dropped, more ? page.subList(0, limit) : page, more));
        }
      }
    }
    return Optional.of(new Logs(taskId.toString(), jobId, attempts));
  }
}
