package igor.storage.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import igor.config.IgorSettings;
import igor.domain.Identifiers;
import igor.domain.JobEvent;
import igor.domain.LayerPlan;
import igor.domain.TaskPlan;
import igor.storage.ReadModel;
import igor.testing.TestDatabase;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.persistence.query.Offset;
import org.apache.pekko.projection.eventsourced.EventEnvelope;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The projection writes a group's task rows with one statement per {@link
 * ReadModelWriter#BATCH_ROWS} rows, and a row the database refuses in such a statement still costs
 * only its own event.
 */
class SetBasedReadModelWritesTest {
  private static TestDatabase db;
  private static JdbcStorage storage;
  private static JdbcReadModel readModel;

  @BeforeAll
  static void migrate() {
    db = TestDatabase.create();
    storage = JdbcStorage.open(new IgorSettings.Database(db.url(), db.user(), "", 2, true));
    storage.migrate();
    readModel = storage.readModel();
  }

  @AfterAll
  static void close() {
    storage.close();
    db.close();
  }

  @Test
  void writesAGroupsNewTasksInOneStatementPerThousandRowsAndItsChangedTasksLikewise()
      throws Exception {
    String job = Identifiers.newId();
    String layer = Identifiers.newId();
    int count = ReadModelWriter.BATCH_ROWS * 2 + 500;
    List<TaskPlan> plans = plans(layer, count, "task");
    List<String> ids = plans.stream().map(TaskPlan::taskId).toList();

    Map<String, AtomicInteger> added =
        statementsRun(
            List.of(
                created(job, layer, "many"),
                new JobEvent.TasksAdded(job, plans, 2_000),
                new JobEvent.LayersStarted(job, List.of(layer), 3_000)));
    assertThat(runs(added, "INSERT INTO igor_tasks")).isEqualTo(3);
    assertThat(runs(added, "UPDATE igor_tasks")).isZero();

    Map<String, AtomicInteger> queued =
        statementsRun(List.of(new JobEvent.TasksQueued(job, ids, 4_000)));
    assertThat(runs(queued, "UPDATE igor_tasks")).isEqualTo(3);
    assertThat(runs(queued, "INSERT INTO igor_tasks")).isZero();

    assertThat(statuses(job)).containsExactly(Map.entry("QUEUED", (long) count));
    ReadModel.TaskRow last = readModel.task(ids.get(count - 1)).toCompletableFuture().get().get();
    assertThat(last.attempts()).isEqualTo(1);
    assertThat(last.queueTaskId()).isEqualTo(Identifiers.deliveryId(ids.get(count - 1), 1));
    assertThat(last.updatedAt()).isEqualTo(4);
    assertThat(last.revision()).isEqualTo(1);
    assertThat(last.name()).isEqualTo("task" + (count - 1));
  }

  /**
   * A name longer than its column (varchar 255), journaled before the edge checked it, fails the
   * group's set-based INSERT as a whole; the group is then written event by event and only the
   * event holding that row is skipped: the tasks of the events before and after it are written.
   */
  @Test
  void aRefusedRowInASetBasedWriteFallsBackToEventByEventAndSkipsOnlyItsEvent() throws Exception {
    String before = Identifiers.newId();
    String poisoned = Identifiers.newId();
    String after = Identifiers.newId();
    String beforeLayer = Identifiers.newId();
    String poisonedLayer = Identifiers.newId();
    String afterLayer = Identifiers.newId();
    List<TaskPlan> tooLong =
        List.of(
            new TaskPlan(
                Identifiers.newId(), poisonedLayer, "noop", "n".repeat(300), new byte[0], 0, 0));
    List<JobEvent> events =
        List.of(
            created(before, beforeLayer, "before"),
            new JobEvent.TasksAdded(before, plans(beforeLayer, 600, "b"), 2_000),
            created(poisoned, poisonedLayer, "poisoned"),
            new JobEvent.TasksAdded(poisoned, tooLong, 2_000),
            created(after, afterLayer, "after"),
            new JobEvent.TasksAdded(after, plans(afterLayer, 600, "a"), 2_000));
    List<EventEnvelope<JobEvent>> envelopes = new ArrayList<>();
    for (int i = 0; i < events.size(); i++) {
      envelopes.add(EventEnvelope.create(Offset.sequence(i + 1), "p", i + 1, events.get(i), 0L));
    }
    PGSimpleDataSource dataSource = new PGSimpleDataSource();
    dataSource.setURL(db.url());
    dataSource.setUser(db.user());
    AtomicInteger skipped = new AtomicInteger();

    ReadModelProjection.Session session = new ReadModelProjection.Session(dataSource);
    try {
      ReadModelProjection.write(session, envelopes, skipped::incrementAndGet);
      session.commit();
    } finally {
      session.close();
    }

    assertThat(skipped.get()).as("events skipped").isEqualTo(1);
    assertThat(statuses(before)).containsExactly(Map.entry("PENDING", 600L));
    assertThat(statuses(after)).containsExactly(Map.entry("PENDING", 600L));
    assertThat(statuses(poisoned)).isEmpty();
    assertThat(readModel.task(tooLong.get(0).taskId()).toCompletableFuture().get()).isEmpty();
  }

  private static JobEvent created(String job, String layer, String name) {
    return new JobEvent.JobCreated(job, name, 0, List.of(new LayerPlan(layer, "l", 0, 0)), 2_000);
  }

  private static List<TaskPlan> plans(String layer, int count, String prefix) {
    List<TaskPlan> plans = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      plans.add(new TaskPlan(Identifiers.newId(), layer, "noop", prefix + i, new byte[] {1}, 0, 0));
    }
    return plans;
  }

  /** The number of task rows of the job per status. */
  private static Map<String, Long> statuses(String job) throws Exception {
    Map<String, Long> byStatus = new java.util.TreeMap<>();
    try (Connection c = db.connect();
        PreparedStatement s =
            c.prepareStatement(
                "SELECT status, count(*) FROM igor_tasks WHERE job_id = ?::uuid GROUP BY status")) {
      s.setString(1, job);
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          byStatus.put(rs.getString(1), rs.getLong(2));
        }
      }
    }
    return byStatus;
  }

  private static int runs(Map<String, AtomicInteger> statements, String prefix) {
    return statements.entrySet().stream()
        .filter(e -> e.getKey().startsWith(prefix))
        .mapToInt(e -> e.getValue().get())
        .sum();
  }

  /**
   * Writes the events as one prefetched group, as the projection does, and counts the statements
   * PostgreSQL ran per SQL text: each execution, and each row added to a JDBC batch (a batch runs
   * its statement once per row).
   */
  private static Map<String, AtomicInteger> statementsRun(List<JobEvent> events) throws Exception {
    Map<String, AtomicInteger> runs = new ConcurrentHashMap<>();
    try (Connection real = db.connect()) {
      Connection counted = counting(real, runs);
      ReadModelWriter writer = new ReadModelWriter(counted);
      writer.prefetch(events);
      for (JobEvent e : events) {
        writer.apply(e);
      }
      writer.finish();
    }
    return runs;
  }

  private static Connection counting(Connection real, Map<String, AtomicInteger> runs) {
    InvocationHandler connection =
        (proxy, method, args) -> {
          Object result = invoke(method, real, args);
          if (method.getName().equals("prepareStatement")
              && result instanceof PreparedStatement s) {
            AtomicInteger n = runs.computeIfAbsent((String) args[0], k -> new AtomicInteger());
            return Proxy.newProxyInstance(
                SetBasedReadModelWritesTest.class.getClassLoader(),
                new Class<?>[] {PreparedStatement.class},
                (p, m, a) -> {
                  switch (m.getName()) {
                    case "execute", "executeUpdate", "executeQuery", "addBatch" ->
                        n.incrementAndGet();
                    default -> {}
                  }
                  return invoke(m, s, a);
                });
          }
          return result;
        };
    return (Connection)
        Proxy.newProxyInstance(
            SetBasedReadModelWritesTest.class.getClassLoader(),
            new Class<?>[] {Connection.class},
            connection);
  }

  private static Object invoke(java.lang.reflect.Method method, Object target, Object[] args)
      throws Throwable {
    try {
      return method.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }
}
