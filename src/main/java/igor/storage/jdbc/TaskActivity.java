package igor.storage.jdbc;

import igor.domain.Status;
import igor.domain.TaskTransition;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Map;
import java.util.TreeMap;

/**
 * The attempts one slice of the projection saw start, end (completed, failed, timed out, or skipped
 * by its handler: an outcome; a kill is not one) and fail (failed or timed out), per {@value
 * #BUCKET_SECONDS} seconds and task type: the rows of igor_task_activity (V9) that the dashboard
 * sums. Written in the transaction of the read model's rows, so each event is counted exactly once;
 * each slice (tag) writes rows of its own, so the projections never wait on each other. Buckets
 * older than {@code keepSeconds} are deleted by the slice once per new bucket. It keeps the number
 * of tasks QUEUED per type too (igor_queued_tasks), as each slice's changes. Used by one projection
 * at a time.
 */
final class TaskActivity {
  static final int BUCKET_SECONDS = 10;

  private final String slice;
  private final long keepSeconds;

  /** Per (bucket, type), the started, ended and failed attempts of the group being written. */
  private final Map<Key, int[]> deltas = new TreeMap<>();

  /** Per type, how the group changed the number of its tasks QUEUED. */
  private final Map<String, Integer> queued = new TreeMap<>();

  private long prunedBefore = -1;

  TaskActivity(String slice, long keepSeconds) {
    this.slice = slice;
    this.keepSeconds = keepSeconds;
  }

  private record Key(long bucket, String type) implements Comparable<Key> {
    @Override
    public int compareTo(Key o) {
      int byBucket = Long.compare(bucket, o.bucket);
      return byBucket != 0 ? byBucket : type.compareTo(o.type);
    }
  }

  /** Forgets what a group that was not written counted. */
  void begin() {
    deltas.clear();
    queued.clear();
  }

  /** A task of this type moved from one status to another (from is null for a new task). */
  void statusChange(String type, Status from, Status to) {
    int change = (to == Status.QUEUED ? 1 : 0) - (from == Status.QUEUED ? 1 : 0);
    if (change != 0 && type != null) {
      queued.merge(type, change, Integer::sum);
    }
  }

  /** Counts one transition of a task of this type at this time (unix seconds). */
  void count(TaskTransition transition, String type, long at) {
    int kind =
        switch (transition.step()) {
          case STARTED -> 0;
            // an attempt's outcome; a skip by a person while no attempt was in flight names none
          case COMPLETED, SKIPPED -> transition.attempt() == 0 ? -1 : 1;
          case FAILED, TIMED_OUT -> 2;
            // Igor stopped it (kill): no outcome, and often an attempt that never started
          case ADDED, QUEUED, WITHDRAWN, RESET, KILLED -> -1;
        };
    if (kind < 0 || type == null) {
      return;
    }
    int[] d = deltas.computeIfAbsent(new Key(bucketOf(at), type), k -> new int[3]);
    if (kind == 2) {
      d[1]++;
      d[2]++;
    } else {
      d[kind]++;
    }
  }

  private void flushQueued(Connection c) throws SQLException {
    boolean any = false;
    try (PreparedStatement s =
        c.prepareStatement(
            "INSERT INTO igor_queued_tasks (type, slice, queued) VALUES (?, ?, ?)"
                + " ON CONFLICT (type, slice) DO UPDATE"
                + " SET queued = igor_queued_tasks.queued + EXCLUDED.queued")) {
      for (Map.Entry<String, Integer> e : queued.entrySet()) {
        if (e.getValue() != 0) {
          s.setString(1, e.getKey());
          s.setString(2, slice);
          s.setLong(3, e.getValue());
          s.addBatch();
          any = true;
        }
      }
      if (any) {
        s.executeBatch();
      }
    }
    queued.clear();
  }

  static long bucketOf(long seconds) {
    return Math.floorDiv(seconds, BUCKET_SECONDS) * BUCKET_SECONDS;
  }

  /** Adds the counts of the group to the slice's rows, and deletes its rows past keeping. */
  void flush(Connection c) throws SQLException {
    flushQueued(c);
    if (deltas.isEmpty()) {
      return;
    }
    long newest = 0;
    try (PreparedStatement s =
        c.prepareStatement(
            "INSERT INTO igor_task_activity (bucket, type, slice, started, ended, failed)"
                + " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (bucket, type, slice) DO UPDATE SET"
                + " started = igor_task_activity.started + EXCLUDED.started,"
                + " ended = igor_task_activity.ended + EXCLUDED.ended,"
                + " failed = igor_task_activity.failed + EXCLUDED.failed")) {
      for (Map.Entry<Key, int[]> e : deltas.entrySet()) {
        s.setLong(1, e.getKey().bucket());
        s.setString(2, e.getKey().type());
        s.setString(3, slice);
        s.setInt(4, e.getValue()[0]);
        s.setInt(5, e.getValue()[1]);
        s.setInt(6, e.getValue()[2]);
        s.addBatch();
        newest = Math.max(newest, e.getKey().bucket());
      }
      s.executeBatch();
    }
    deltas.clear();
    long before = newest - keepSeconds;
    if (before > prunedBefore) {
      try (PreparedStatement s =
          c.prepareStatement("DELETE FROM igor_task_activity WHERE bucket < ? AND slice = ?")) {
        s.setLong(1, before);
        s.setString(2, slice);
        s.executeUpdate();
      }
      prunedBefore = before;
    }
  }
}
