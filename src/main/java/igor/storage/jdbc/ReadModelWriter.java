package igor.storage.jdbc;

import igor.domain.Identifiers;
import igor.domain.JobEvent;
import igor.domain.JobEvent.JobCreated;
import igor.domain.JobEvent.TasksAdded;
import igor.domain.LayerPlan;
import igor.domain.LayerTransition;
import igor.domain.ObjectKind;
import igor.domain.PauseChange;
import igor.domain.Status;
import igor.domain.TaskPlan;
import igor.domain.TaskTransition;
import igor.domain.Text;
import igor.domain.Transitions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.postgresql.PGConnection;
import org.postgresql.PGStatement;

/**
 * Writes events into the read model's tables, on the projection's connection and transaction. It
 * re-derives no rule: what an event changes is what {@link Transitions#of} reads from it, the
 * reading the job entity (igor.domain.JobEvolution) applies too, so statuses, messages, attempts
 * and revisions, and with them the etags, are the entity's (ADR 0008).
 */
final class ReadModelWriter {
  private static final String[] COUNT_COLUMNS = countColumns();

  /**
   * Rows sent to PostgreSQL per JDBC batch: the driver holds every row of a batch, encoded, until
   * it is sent, so a 100,000-task job in one batch held them all at once (docs/operations.md,
   * "Sizing").
   */
  static final int BATCH_ROWS = 1000;

  private final Connection c;

  /** Per object id (layer or job), how its task counts change in this transaction. */
  private final Map<String, int[]> layerDeltas = new HashMap<>();

  private final Map<String, int[]> jobDeltas = new HashMap<>();

  /** The tasks this group of events touches, read once and written once. */
  private final Map<String, TaskChange> tasks = new java.util.LinkedHashMap<>();

  /** The attempts started, ended and failed, per 10-second bucket and task type. */
  private final TaskActivity activity;

  ReadModelWriter(Connection connection) {
    this(connection, null);
  }

  /** {@code activity}: where to count the attempts for the dashboard, or null not to. */
  ReadModelWriter(Connection connection, TaskActivity activity) {
    this.c = connection;
    this.activity = activity;
  }

  /**
   * Applies the events in order; {@link #finish()} then writes the changed counts. The creation
   * events insert their rows from their plans; every other change is the one {@link Transitions#of}
   * reads from the event (an event of an unknown type is an error).
   */
  void apply(JobEvent event) throws SQLException {
    if (event instanceof JobCreated e) {
      created(e);
      return;
    }
    if (event instanceof TasksAdded e) {
      added(e);
      return;
    }
    Transitions transitions = Transitions.of(event);
    long at = event.at();
    changeTasks(transitions.tasks(), at);
    for (LayerTransition layer : transitions.layers()) {
      layerStatus(layer.layerId(), layer.to(), at);
    }
    if (transitions.job().isPresent()) {
      update(
          "UPDATE igor_jobs SET status = ?, updated_at = ?, revision = revision + 1 WHERE id = ?",
          transitions.job().get().name(),
          seconds(at),
          uuid(event.jobId()));
    }
    if (transitions.pause().isPresent()) {
      PauseChange pause = transitions.pause().get();
      paused(pause.kind(), pause.id(), seconds(pause.pausedAtMillis()), at);
    }
    // The audit (ActionTaken) has no row: its effects come as their own events.
  }

  /** Writes the tasks and the task counts changed by the events applied. */
  void finish() throws SQLException {
    flushTasks();
    if (activity != null) {
      activity.flush(c);
    }
    flushCounts("igor_layers", layerDeltas);
    flushCounts("igor_jobs", jobDeltas);
    layerDeltas.clear();
    jobDeltas.clear();
  }

  private void created(JobCreated e) throws SQLException {
    long at = seconds(e.at());
    update(
        "INSERT INTO igor_jobs (id, revision, status, name, paused_at, created_at, updated_at,"
            + " start_at) VALUES (?, 0, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING",
        uuid(e.jobId()),
        Transitions.of(e).job().orElseThrow().name(),
        Text.sanitise(e.name()),
        seconds(e.pausedAtMillis()),
        at,
        at,
        seconds(e.startAt()));
    String sql =
        "INSERT INTO igor_layers (id, job_id, revision, status, name, priority, paused_at,"
            + " created_at, updated_at) VALUES (?, ?, 0, ?, ?, ?, ?, ?, ?)"
            + " ON CONFLICT (id) DO NOTHING";
    try (PreparedStatement s = c.prepareStatement(sql)) {
      for (LayerPlan l : e.layers()) {
        s.setObject(1, uuid(l.layerId()));
        s.setObject(2, uuid(e.jobId()));
        s.setString(3, Status.PENDING.name());
        s.setString(4, Text.sanitise(l.name()));
        s.setInt(5, l.priority());
        s.setLong(6, seconds(l.pausedAtMillis()));
        s.setLong(7, at);
        s.setLong(8, at);
        s.addBatch();
      }
      s.executeBatch();
    }
  }

  /**
   * Takes the added tasks that have no row yet into the group's tasks: {@link #finish()} inserts
   * each once, in the state the group's later events left it in, so a task added and queued (or
   * even finished) in one group leaves one row version, not one per event (ADR 0020). A task that
   * has a row already (its event applied before) is neither counted nor changed again.
   */
  private void added(TasksAdded e) throws SQLException {
    long at = seconds(e.at());
    java.util.Set<String> existing = existing(e.tasks());
    for (TaskPlan t : e.tasks()) {
      if (existing.contains(t.taskId()) || tasks.containsKey(t.taskId())) {
        continue;
      }
      count(e.jobId(), t.layerId(), null, Status.PENDING);
      TaskChange change =
          new TaskChange(
              t.taskId(), e.jobId(), t.layerId(), Text.sanitise(t.type()), Status.PENDING, 0);
      change.plan = t;
      change.createdAt = at;
      change.updatedAt = at;
      tasks.put(t.taskId(), change);
    }
  }

  /**
   * The ids of these tasks that have a row, {@link #BATCH_ROWS} per statement: one probe of the
   * primary key per id. (With {@code id = ANY (?)} and no statistics yet, PostgreSQL scanned the
   * whole table and compared each row with the whole list: a 100,000-task job took minutes.)
   */
  private java.util.Set<String> existing(List<TaskPlan> plans) throws SQLException {
    java.util.Set<String> found = new java.util.HashSet<>();
    try (PreparedStatement s =
        c.prepareStatement(
            "SELECT t.id FROM unnest(?::uuid[]) AS u(id) JOIN igor_tasks t ON t.id = u.id")) {
      perExecutionPlan(s);
      for (int from = 0; from < plans.size(); from += BATCH_ROWS) {
        List<TaskPlan> batch = plans.subList(from, Math.min(plans.size(), from + BATCH_ROWS));
        s.setArray(1, c.createArrayOf("uuid", batch.stream().map(t -> uuid(t.taskId())).toArray()));
        try (ResultSet rs = s.executeQuery()) {
          while (rs.next()) {
            found.add(rs.getString(1));
          }
        }
      }
    }
    return found;
  }

  /**
   * Moves tasks as their transitions say: one more revision each, a new attempt when queued, the
   * message when the transition carries one and the result when it changes it. Kept in memory until
   * {@link #finish()}, which writes each changed task once.
   */
  private void changeTasks(List<TaskTransition> transitions, long at) throws SQLException {
    if (transitions.isEmpty()) {
      return;
    }
    load(transitions.stream().map(TaskTransition::taskId).toList());
    for (TaskTransition transition : transitions) {
      TaskChange t = tasks.get(transition.taskId());
      if (t == null) {
        continue;
      }
      count(t.jobId, t.layerId, t.status, transition.to());
      if (activity != null) {
        activity.statusChange(t.type, t.status, transition.to());
      }
      t.status = transition.to();
      if (transition.step() == TaskTransition.Step.QUEUED) {
        t.attempts++;
        t.queuedAt = seconds(at);
      }
      if (activity != null) {
        activity.count(transition, t.type, seconds(at));
      }
      t.updatedAt = seconds(at);
      t.revisions++;
      if (transition.message() != null) {
        t.message = transition.message();
      }
      if (transition.changesResult()) {
        t.setResult = true;
        t.result = transition.result();
      }
    }
  }

  /** What the events of this group did to one task, written by {@link #finish()}. */
  private static final class TaskChange {
    final String id;
    final String jobId;
    final String layerId;
    final String type;
    Status status;
    int attempts;
    long updatedAt;

    /** When the group queued the task's attempt (unix seconds), else null. */
    Long queuedAt;

    int revisions;
    String message;
    boolean setResult;
    byte[] result;

    /** The task's new paused_at when an event of the group set it, else null. */
    Long pausedAt;

    /** The task's plan when the group added it (its row is inserted, not updated), else null. */
    TaskPlan plan;

    /** When the group added the task (unix seconds); only with {@link #plan}. */
    long createdAt;

    TaskChange(String id, String jobId, String layerId, String type, Status status, int attempts) {
      this.id = id;
      this.jobId = jobId;
      this.layerId = layerId;
      this.type = type;
      this.status = status;
      this.attempts = attempts;
    }
  }

  /**
   * Reads (and locks) the tasks of the group not read yet, {@link #BATCH_ROWS} per statement: the
   * bulk events of an action on a 100,000-task job name them all.
   */
  private void load(java.util.Collection<String> taskIds) throws SQLException {
    List<String> missing = new ArrayList<>();
    for (String id : taskIds) {
      if (!tasks.containsKey(id)) {
        missing.add(id);
      }
    }
    if (missing.isEmpty()) {
      return;
    }
    try (PreparedStatement s =
        c.prepareStatement(
            "SELECT id, job_id, layer_id, status, attempts, type FROM igor_tasks"
                + " WHERE id = ANY (?) FOR UPDATE")) {
      perExecutionPlan(s);
      for (int from = 0; from < missing.size(); from += BATCH_ROWS) {
        List<String> batch = missing.subList(from, Math.min(missing.size(), from + BATCH_ROWS));
        s.setArray(1, c.createArrayOf("uuid", batch.stream().map(UUID::fromString).toArray()));
        try (ResultSet rs = s.executeQuery()) {
          while (rs.next()) {
            String id = rs.getString(1);
            tasks.put(
                id,
                new TaskChange(
                    id,
                    rs.getString(2),
                    rs.getString(3),
                    rs.getString(6),
                    Status.valueOf(rs.getString(4)),
                    rs.getInt(5)));
          }
        }
      }
    }
  }

  /**
   * Reads every task the events will change, in one statement, before they are applied. The tasks
   * of {@link TasksAdded} are new: {@link #apply} inserts them.
   */
  void prefetch(List<JobEvent> events) throws SQLException {
    java.util.Set<String> ids = new java.util.LinkedHashSet<>();
    for (JobEvent event : events) {
      if (event instanceof TasksAdded) {
        continue;
      }
      for (TaskTransition task : Transitions.of(event).tasks()) {
        ids.add(task.taskId());
      }
    }
    load(ids);
  }

  /**
   * Writes each task the group touched once: one INSERT of its final state for a task the group
   * added, one UPDATE for a task the group changed; a task the group only read is not written.
   */
  private void flushTasks() throws SQLException {
    List<TaskChange> inserts = new ArrayList<>();
    List<TaskChange> updates = new ArrayList<>();
    for (TaskChange t : tasks.values()) {
      if (t.plan != null) {
        inserts.add(t);
      } else if (t.revisions > 0) {
        updates.add(t);
      }
    }
    insertTasks(inserts);
    updateTasks(updates);
    tasks.clear();
  }

  /**
   * Inserts the new tasks, {@link #BATCH_ROWS} rows per statement: one INSERT of the rows of
   * parallel arrays (one array per column, {@code unnest}), not one INSERT per row. Each statement
   * is planned with its arrays ({@link #perExecutionPlan}).
   */
  private void insertTasks(List<TaskChange> inserts) throws SQLException {
    String sql =
        "INSERT INTO igor_tasks (id, job_id, layer_id, revision, status, name, type, args,"
            + " paused_at, retries, timeout_seconds, attempts, message, result, queue_task_id,"
            + " created_at, updated_at, queued_at)"
            + " SELECT * FROM unnest(?::uuid[], ?::uuid[], ?::uuid[], ?::int8[], ?::text[],"
            + " ?::text[], ?::text[], ?::bytea[], ?::int8[], ?::int4[], ?::int4[], ?::int4[],"
            + " ?::text[], ?::bytea[], ?::text[], ?::int8[], ?::int8[], ?::int8[])"
            + " ON CONFLICT (id) DO NOTHING";
    setBased(
        sql,
        inserts,
        rows -> {
          int n = rows.size();
          UUID[] id = new UUID[n];
          UUID[] jobId = new UUID[n];
          UUID[] layerId = new UUID[n];
          long[] revision = new long[n];
          String[] status = new String[n];
          String[] name = new String[n];
          String[] type = new String[n];
          byte[][] args = new byte[n][];
          long[] pausedAt = new long[n];
          int[] retries = new int[n];
          int[] timeout = new int[n];
          int[] attempts = new int[n];
          String[] message = new String[n];
          byte[][] result = new byte[n][];
          String[] queueTaskId = new String[n];
          long[] createdAt = new long[n];
          long[] updatedAt = new long[n];
          long[] queuedAt = new long[n];
          for (int i = 0; i < n; i++) {
            TaskChange t = rows.get(i);
            TaskPlan p = t.plan;
            id[i] = uuid(t.id);
            jobId[i] = uuid(t.jobId);
            layerId[i] = uuid(t.layerId);
            revision[i] = t.revisions;
            status[i] = t.status.name();
            name[i] = Text.sanitise(p.name());
            type[i] = t.type;
            args[i] = p.args();
            pausedAt[i] = t.pausedAt != null ? t.pausedAt : seconds(p.pausedAtMillis());
            retries[i] = p.retries();
            timeout[i] = p.timeoutSeconds();
            attempts[i] = t.attempts;
            message[i] = t.message == null ? "" : Text.sanitise(t.message);
            result[i] = t.setResult ? t.result : null;
            queueTaskId[i] = queueTaskId(t);
            createdAt[i] = t.createdAt;
            updatedAt[i] = t.updatedAt;
            queuedAt[i] = t.queuedAt == null ? 0 : t.queuedAt;
          }
          return new Object[][] {
            {"uuid", id},
            {"uuid", jobId},
            {"uuid", layerId},
            {"int8", revision},
            {"text", status},
            {"text", name},
            {"text", type},
            {"bytea", args},
            {"int8", pausedAt},
            {"int4", retries},
            {"int4", timeout},
            {"int4", attempts},
            {"text", message},
            {"bytea", result},
            {"text", queueTaskId},
            {"int8", createdAt},
            {"int8", updatedAt},
            {"int8", queuedAt}
          };
        });
  }

  /**
   * Updates the changed tasks, {@link #BATCH_ROWS} rows per statement: one UPDATE joined with the
   * rows of parallel arrays by id, not one UPDATE per row. A null message, paused_at or queued_at
   * keeps the row's; the result is set only where the group changed it (it may become null).
   *
   * <p>The ids are named a second time, as {@code t.id = ANY (...)}: with that, PostgreSQL reads
   * only those rows of igor_tasks (by the primary key, or filtered in one pass when it believes the
   * table small) and joins them with the arrays. With the join alone and statistics taken while the
   * table was small (autovacuum off), it hashed every row of the table for each statement: 1,000
   * rows of a 40,000-row table took 225 ms instead of 57
   * (docs/adr/0032-set-based-read-model-writes.md).
   */
  private void updateTasks(List<TaskChange> updates) throws SQLException {
    String sql =
        "UPDATE igor_tasks t SET status = u.status, attempts = u.attempts,"
            + " queue_task_id = u.queue_task_id, updated_at = u.updated_at,"
            + " revision = t.revision + u.revisions,"
            + " message = COALESCE(u.message, t.message),"
            + " result = CASE WHEN u.set_result THEN u.result ELSE t.result END,"
            + " paused_at = COALESCE(u.paused_at, t.paused_at),"
            + " queued_at = COALESCE(u.queued_at, t.queued_at)"
            + " FROM unnest(?::uuid[], ?::text[], ?::int4[], ?::text[], ?::int8[], ?::int4[],"
            + " ?::text[], ?::bool[], ?::bytea[], ?::int8[], ?::int8[])"
            + " AS u(id, status, attempts, queue_task_id, updated_at, revisions, message,"
            + " set_result, result, paused_at, queued_at)"
            + " WHERE t.id = u.id AND t.id = ANY (?::uuid[])";
    setBased(
        sql,
        updates,
        rows -> {
          int n = rows.size();
          UUID[] id = new UUID[n];
          String[] status = new String[n];
          int[] attempts = new int[n];
          String[] queueTaskId = new String[n];
          long[] updatedAt = new long[n];
          int[] revisions = new int[n];
          String[] message = new String[n];
          boolean[] setResult = new boolean[n];
          byte[][] result = new byte[n][];
          Long[] pausedAt = new Long[n];
          Long[] queuedAt = new Long[n];
          for (int i = 0; i < n; i++) {
            TaskChange t = rows.get(i);
            id[i] = uuid(t.id);
            status[i] = t.status.name();
            attempts[i] = t.attempts;
            queueTaskId[i] = queueTaskId(t);
            updatedAt[i] = t.updatedAt;
            revisions[i] = t.revisions;
            message[i] = t.message == null ? null : Text.sanitise(t.message);
            setResult[i] = t.setResult;
            result[i] = t.setResult ? t.result : null;
            pausedAt[i] = t.pausedAt;
            queuedAt[i] = t.queuedAt;
          }
          return new Object[][] {
            {"uuid", id},
            {"text", status},
            {"int4", attempts},
            {"text", queueTaskId},
            {"int8", updatedAt},
            {"int4", revisions},
            {"text", message},
            {"bool", setResult},
            {"bytea", result},
            {"int8", pausedAt},
            {"int8", queuedAt},
            {"uuid", id}
          };
        });
  }

  /** The id of the task's current delivery while it is queued or running, else "". */
  private static String queueTaskId(TaskChange t) {
    boolean inFlight = t.status == Status.QUEUED || t.status == Status.RUNNING;
    return inFlight ? Identifiers.deliveryId(t.id, t.attempts) : "";
  }

  /** The statement's parameters for some rows: per column, its array type and its array. */
  private interface Columns {
    Object[][] of(List<TaskChange> rows);
  }

  /**
   * Runs {@code sql} once per {@link #BATCH_ROWS} rows, each parameter an array of one column of
   * those rows.
   */
  private void setBased(String sql, List<TaskChange> rows, Columns columns) throws SQLException {
    if (rows.isEmpty()) {
      return;
    }
    PGConnection pg = c.unwrap(PGConnection.class);
    try (PreparedStatement s = c.prepareStatement(sql)) {
      perExecutionPlan(s);
      for (int from = 0; from < rows.size(); from += BATCH_ROWS) {
        Object[][] arrays =
            columns.of(rows.subList(from, Math.min(rows.size(), from + BATCH_ROWS)));
        for (int i = 0; i < arrays.length; i++) {
          s.setArray(i + 1, pg.createArrayOf((String) arrays[i][0], arrays[i][1]));
        }
        s.executeUpdate();
      }
    }
  }

  /**
   * Has PostgreSQL plan the statement at each execution, with its arrays' lengths known, rather
   * than reuse a plan made once for any array (pgjdbc prepares a statement on the server from its
   * fifth execution on, and PostgreSQL may then keep a generic plan). A generic plan made while
   * igor_tasks was small may join by scanning the whole table, which at a million rows costs far
   * more than one probe of the primary key per row (docs/adr/0032-set-based-read-model-writes.md).
   */
  private static void perExecutionPlan(PreparedStatement s) throws SQLException {
    s.unwrap(PGStatement.class).setPrepareThreshold(0);
  }

  private void layerStatus(String layerId, Status to, long at) throws SQLException {
    update(
        "UPDATE igor_layers SET status = ?, updated_at = ?, revision = revision + 1 WHERE id = ?",
        to.name(),
        seconds(at),
        uuid(layerId));
  }

  /** {@code pausedAt} in unix seconds, as the read model keeps every time. */
  private void paused(ObjectKind kind, String id, long pausedAt, long at) throws SQLException {
    if (kind == ObjectKind.TASK) {
      load(List.of(id));
      TaskChange t = tasks.get(id);
      if (t != null) {
        t.pausedAt = pausedAt;
        t.updatedAt = seconds(at);
        t.revisions++;
      }
      return;
    }
    String table =
        switch (kind) {
          case JOB -> "igor_jobs";
          case LAYER -> "igor_layers";
          case TASK -> "igor_tasks";
        };
    update(
        "UPDATE "
            + table
            + " SET paused_at = ?, updated_at = ?, revision = revision + 1 WHERE id = ?",
        pausedAt,
        seconds(at),
        uuid(id));
  }

  private void count(String jobId, String layerId, Status from, Status to) {
    if (from == to) {
      return;
    }
    int[] layer = layerDeltas.computeIfAbsent(layerId, k -> new int[COUNT_COLUMNS.length]);
    int[] job = jobDeltas.computeIfAbsent(jobId, k -> new int[COUNT_COLUMNS.length]);
    if (from != null) {
      layer[from.ordinal()]--;
      job[from.ordinal()]--;
    }
    layer[to.ordinal()]++;
    job[to.ordinal()]++;
  }

  private void flushCounts(String table, Map<String, int[]> deltas) throws SQLException {
    if (deltas.isEmpty()) {
      return;
    }
    StringBuilder sql = new StringBuilder("UPDATE ").append(table).append(" SET ");
    for (int i = 0; i < COUNT_COLUMNS.length; i++) {
      sql.append(i == 0 ? "" : ", ")
          .append(COUNT_COLUMNS[i])
          .append(" = ")
          .append(COUNT_COLUMNS[i])
          .append(" + ?");
    }
    sql.append(" WHERE id = ?");
    try (PreparedStatement s = c.prepareStatement(sql.toString())) {
      for (Map.Entry<String, int[]> d : deltas.entrySet()) {
        for (int i = 0; i < COUNT_COLUMNS.length; i++) {
          s.setInt(i + 1, d.getValue()[i]);
        }
        s.setObject(COUNT_COLUMNS.length + 1, uuid(d.getKey()));
        s.addBatch();
      }
      s.executeBatch();
    }
  }

  private void update(String sql, Object... params) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(sql)) {
      for (int i = 0; i < params.length; i++) {
        s.setObject(i + 1, params[i]);
      }
      s.executeUpdate();
    }
  }

  /** The count column of each status, in the order of {@link Status}. */
  static String[] countColumns() {
    Status[] all = Status.values();
    String[] columns = new String[all.length];
    for (Status s : all) {
      columns[s.ordinal()] = "count_" + s.name().toLowerCase(java.util.Locale.ROOT);
    }
    return columns;
  }

  private static UUID uuid(String id) {
    return UUID.fromString(id);
  }

  private static long seconds(long millis) {
    return millis / 1000;
  }
}
