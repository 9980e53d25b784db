package igor.storage.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import igor.config.IgorSettings;
import igor.domain.Action;
import igor.domain.Identifiers;
import igor.domain.Job;
import igor.domain.JobEvent;
import igor.domain.LayerPlan;
import igor.domain.ObjectKind;
import igor.domain.ReportedAttempt;
import igor.domain.Status;
import igor.domain.TaskAttempt;
import igor.domain.TaskPlan;
import igor.storage.ReadModel;
import igor.testing.TestDatabase;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Each event becomes the row changes it names, with the entity's etags, including the steering
 * events that the decider does not emit yet.
 */
class ReadModelWriterTest {
  private static TestDatabase db;
  private static JdbcStorage storage;
  private static JdbcReadModel readModel;

  private final String job = Identifiers.newId();
  private final String layer = Identifiers.newId();
  private final String next = Identifiers.newId();
  private final String task = Identifiers.newId();
  private final String other = Identifiers.newId();

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
  void eventsTheEntityKnowsGiveItsEtagsStatusesAndAttempts() throws Exception {
    List<JobEvent> events = new java.util.ArrayList<>(queuedAndStarted());
    events.addAll(
        List.of(
            new JobEvent.TaskFailed(job, task, 1, "again", 9_000, 5_000),
            new JobEvent.TasksQueued(job, List.of(task), 9_000),
            new JobEvent.TaskCompleted(job, task, 2, new byte[] {7}, "done", 10_000),
            new JobEvent.TaskFailed(job, other, 1, "no", 0, 10_500),
            new JobEvent.LayerFinished(job, layer, Status.ERRORED, 11_000),
            new JobEvent.JobStatusChanged(job, Status.ERRORED, 11_000)));
    write(events);
    Job entity = Job.empty();
    events.forEach(entity::apply);

    ReadModel.TaskRow t = task(task);
    assertThat(t.status()).isEqualTo(Status.COMPLETED);
    assertThat(t.attempts()).isEqualTo(2);
    assertThat(t.message()).isEqualTo("done");
    assertThat(t.result()).containsExactly(7);
    assertThat(t.queueTaskId()).isEmpty();
    assertThat(t.updatedAt()).isEqualTo(10);
    assertThat(Identifiers.etag(task, t.revision()))
        .isEqualTo(entity.findTask(task).snapshot().etag());
    assertThat(task(other).status()).isEqualTo(Status.ERRORED);
    assertThat(Identifiers.etag(other, task(other).revision()))
        .isEqualTo(entity.findTask(other).snapshot().etag());
    ReadModel.LayerRow l = layer(layer);
    assertThat(l.status()).isEqualTo(Status.ERRORED);
    assertThat(Identifiers.etag(layer, l.revision()))
        .isEqualTo(entity.findLayer(layer).snapshot().etag());
    assertThat(l.counts().byStatus())
        .containsEntry(Status.COMPLETED, 1)
        .containsEntry(Status.ERRORED, 1)
        .containsEntry(Status.PENDING, 0);
    ReadModel.JobRow j = jobRow();
    assertThat(j.status()).isEqualTo(Status.ERRORED);
    assertThat(Identifiers.etag(job, j.revision())).isEqualTo(entity.snapshot().etag());
  }

  @Test
  void steeringEventsChangeTheRowsTheyName() throws Exception {
    write(
        List.of(
            created(),
            added(),
            new JobEvent.LayersStarted(job, List.of(layer), 3_000),
            new JobEvent.TasksQueued(job, List.of(task, other), 3_000)));
    long taskRevision = task(task).revision();

    write(List.of(new JobEvent.ActionTaken(job, Action.KILL, ObjectKind.TASK, task, "", 4_000)));
    assertThat(task(task).revision()).isEqualTo(taskRevision);

    write(List.of(new JobEvent.TaskKilled(job, task, 1, 4_000)));
    ReadModel.TaskRow killed = task(task);
    assertThat(killed.status()).isEqualTo(Status.ERRORED);
    assertThat(killed.message()).isEqualTo("killed");
    assertThat(killed.queueTaskId()).isEmpty();
    assertThat(killed.revision()).isEqualTo(taskRevision + 1);

    write(List.of(new JobEvent.TaskReset(job, task, 5_000)));
    assertThat(task(task).status()).isEqualTo(Status.PENDING);
    assertThat(task(task).attempts()).isEqualTo(1);

    write(
        List.of(
            new JobEvent.Paused(job, ObjectKind.TASK, task, 6_000, 6_000),
            new JobEvent.Paused(job, ObjectKind.LAYER, next, 6_000, 6_000),
            new JobEvent.Paused(job, ObjectKind.JOB, job, 6_000, 6_000)));
    assertThat(task(task).pausedAt()).isEqualTo(6);
    assertThat(layer(next).pausedAt()).isEqualTo(6);
    assertThat(jobRow().pausedAt()).isEqualTo(6);
    write(List.of(new JobEvent.Unpaused(job, ObjectKind.TASK, task, 7_000)));
    assertThat(task(task).pausedAt()).isZero();

    write(
        List.of(
            new JobEvent.TaskSkipped(job, other, 0, "skipped", 8_000),
            new JobEvent.LayerSkipped(job, next, 8_000)));
    assertThat(task(other).status()).isEqualTo(Status.SKIPPED);
    assertThat(layer(next).status()).isEqualTo(Status.SKIPPED);

    write(
        List.of(
            new JobEvent.LayerFinished(job, layer, Status.COMPLETED, 9_000),
            new JobEvent.LayerReopened(job, layer, 10_000)));
    ReadModel.LayerRow reopened = layer(layer);
    assertThat(reopened.status()).isEqualTo(Status.RUNNING);
    assertThat(reopened.updatedAt()).isEqualTo(10);
    assertThat(reopened.counts().byStatus())
        .containsEntry(Status.PENDING, 1)
        .containsEntry(Status.SKIPPED, 1)
        .containsEntry(Status.QUEUED, 0)
        .containsEntry(Status.ERRORED, 0);
    assertThat(jobRow().counts()).isEqualTo(reopened.counts());
  }

  @Test
  void steeringAndWorkerEventsGiveTheEntitysEtagsStatusesAndMessages() throws Exception {
    List<JobEvent> events =
        List.of(
            created(),
            added(),
            new JobEvent.LayersStarted(job, List.of(layer), 3_000),
            new JobEvent.TasksQueued(job, List.of(task, other), 3_000),
            new JobEvent.TaskStarted(job, task, 1, "w", 3_500),
            new JobEvent.ActionTaken(job, Action.RETRY, ObjectKind.TASK, task, "ops", 4_000),
            new JobEvent.TaskKilled(job, task, 1, 4_000),
            new JobEvent.TaskReset(job, task, 4_000),
            new JobEvent.TasksQueued(job, List.of(task), 4_000),
            new JobEvent.Paused(job, ObjectKind.TASK, other, 5_000, 5_000),
            new JobEvent.TaskWithdrawn(job, other, 1, "paused while queued", 5_000),
            new JobEvent.Unpaused(job, ObjectKind.TASK, other, 6_000),
            new JobEvent.TasksQueued(job, List.of(other), 6_000),
            new JobEvent.TaskStarted(job, other, 2, "w", 6_500),
            new JobEvent.TaskTimedOut(job, other, 2, 0, 7_000),
            new JobEvent.TaskStarted(job, task, 2, "w", 7_000),
            new JobEvent.TaskCompleted(job, task, 2, null, "", 8_000),
            new JobEvent.LayerFinished(job, layer, Status.ERRORED, 8_000),
            new JobEvent.JobStatusChanged(job, Status.ERRORED, 8_000),
            new JobEvent.Paused(job, ObjectKind.LAYER, next, 9_000, 9_000),
            new JobEvent.Paused(job, ObjectKind.JOB, job, 9_000, 9_000));
    write(events);
    Job entity = Job.empty();
    events.forEach(entity::apply);

    for (String id : List.of(task, other)) {
      var expected = entity.findTask(id).snapshot();
      ReadModel.TaskRow row = task(id);
      assertThat(Identifiers.etag(id, row.revision()))
          .as("etag of " + id)
          .isEqualTo(expected.etag());
      assertThat(row.status()).isEqualTo(expected.status());
      assertThat(row.message()).isEqualTo(expected.message());
      assertThat(row.attempts()).isEqualTo(expected.attempts());
      assertThat(row.queueTaskId()).isEqualTo(expected.queueTaskId());
    }
    assertThat(task(other).message()).isEqualTo("timed out");
    for (String id : List.of(layer, next)) {
      var expected = entity.findLayer(id).snapshot();
      assertThat(Identifiers.etag(id, layer(id).revision())).isEqualTo(expected.etag());
      assertThat(layer(id).status()).isEqualTo(expected.status());
      assertThat(layer(id).pausedAt()).isEqualTo(expected.pausedAtMillis() / 1000);
    }
    assertThat(Identifiers.etag(job, jobRow().revision())).isEqualTo(entity.snapshot().etag());
    assertThat(jobRow().pausedAt()).isEqualTo(9);
  }

  @Test
  void tasksOfMoreThanOneBatchAreAllWrittenAndCounted() throws Exception {
    int count = ReadModelWriter.BATCH_ROWS * 2 + 7;
    List<TaskPlan> many = new java.util.ArrayList<>();
    for (int i = 0; i < count; i++) {
      many.add(new TaskPlan(Identifiers.newId(), layer, "noop", "", new byte[0], 0, 0));
    }
    List<String> ids = many.stream().map(TaskPlan::taskId).toList();
    write(
        List.of(
            created(),
            new JobEvent.TasksAdded(job, many, 2_000),
            new JobEvent.LayersStarted(job, List.of(layer), 3_000),
            new JobEvent.TasksQueued(job, ids, 3_000)));

    assertThat(layer(layer).counts().byStatus()).containsEntry(Status.QUEUED, count);
    assertThat(task(ids.get(count - 1)).status()).isEqualTo(Status.QUEUED);
    assertThat(task(ids.get(ReadModelWriter.BATCH_ROWS)).attempts()).isEqualTo(1);
  }

  /**
   * A task added, queued, started and finished in one group is inserted once in its final state:
   * the group writes no other version of its row (ADR 0020). The same group applied again (its
   * tasks have rows now) changes no row and no count.
   */
  @Test
  void aTaskAddedAndFinishedInOneGroupIsWrittenOnce() throws Exception {
    List<JobEvent> events = new java.util.ArrayList<>(queuedAndStarted());
    events.add(new JobEvent.TaskCompleted(job, task, 1, new byte[] {7}, "done", 5_000));
    assertThat(rowWrites(events)).containsExactly(2L, 0L);
    ReadModel.TaskRow t = task(task);
    assertThat(t.status()).isEqualTo(Status.COMPLETED);
    assertThat(t.attempts()).isEqualTo(1);
    assertThat(t.message()).isEqualTo("done");
    assertThat(t.result()).containsExactly(7);
    assertThat(t.revision()).isEqualTo(3);
    assertThat(t.createdAt()).isEqualTo(2);
    assertThat(t.updatedAt()).isEqualTo(5);
    ReadModel.TaskRow o = task(other);
    assertThat(o.status()).isEqualTo(Status.QUEUED);
    assertThat(o.queueTaskId()).isEqualTo(Identifiers.deliveryId(other, 1));
    assertThat(layer(layer).counts().byStatus())
        .containsEntry(Status.COMPLETED, 1)
        .containsEntry(Status.QUEUED, 1)
        .containsEntry(Status.PENDING, 0);

    assertThat(rowWrites(List.of(added()))).containsExactly(0L, 0L);
    assertThat(layer(layer).counts().byStatus())
        .containsEntry(Status.QUEUED, 1)
        .containsEntry(Status.PENDING, 0);
  }

  /** Writes the events as one prefetched group; the rows of igor_tasks it inserted and updated. */
  private static List<Long> rowWrites(List<JobEvent> events) throws Exception {
    try (Connection c = db.connect()) {
      c.setAutoCommit(false);
      applyGroup(c, events, null);
      List<Long> writes;
      try (java.sql.Statement s = c.createStatement();
          java.sql.ResultSet rs =
              s.executeQuery(
                  "SELECT n_tup_ins, n_tup_upd FROM pg_stat_xact_user_tables"
                      + " WHERE relname = 'igor_tasks'")) {
        writes = rs.next() ? List.of(rs.getLong(1), rs.getLong(2)) : List.of(0L, 0L);
      }
      c.commit();
      return writes;
    }
  }

  /**
   * Pins, event by event, the rows of the three read-model tables that a history holding every kind
   * of event changes, column by column, against src/test/resources/read-model/every-event-rows.txt
   * (on a mismatch the rows written are left in target/every-event-rows.actual.txt). The file was
   * written by the writer before it read events through igor.domain.Transitions, so that change
   * moved no row. The same history written as one prefetched group, as the projection writes it,
   * ends in the same rows.
   */
  @Test
  void everyKindOfEventChangesThePinnedRows() throws Exception {
    Map<String, String> names = new java.util.LinkedHashMap<>();
    List<JobEvent> history = everyKindOfEvent(ids("event by event", names));
    assertThat(
            java.util.stream.Stream.concat(
                    history.stream().map(Object::getClass),
                    // its rows are those of the events it stands for:
                    // aBatchOfReportsWritesTheRowsOfTheEventsItStandsFor
                    java.util.stream.Stream.of(JobEvent.AttemptsReported.class))
                .distinct())
        .as("the history holds every kind of event")
        .containsExactlyInAnyOrder(JobEvent.class.getPermittedSubclasses());
    // The entity takes the history: every status change in it is one the contract allows.
    history.forEach(Job.empty()::apply);
    StringBuilder trace = new StringBuilder();
    List<String> before = List.of();
    for (JobEvent e : history) {
      writePrefetched(List.of(e));
      List<String> after = rows(names);
      trace.append(e.getClass().getSimpleName()).append('\n');
      for (String row : after) {
        if (!before.contains(row)) {
          trace.append("  ").append(row).append('\n');
        }
      }
      before = after;
    }
    String expected = pinnedRows();
    if (!trace.toString().equals(expected)) {
      java.nio.file.Files.writeString(
          java.nio.file.Path.of("target", "every-event-rows.actual.txt"), trace);
    }
    assertThat(trace.toString()).isEqualTo(expected);

    Map<String, String> groupNames = new java.util.LinkedHashMap<>();
    writePrefetched(everyKindOfEvent(ids("one group", groupNames)));
    assertThat(rows(groupNames)).isEqualTo(before);
  }

  /**
   * A batch of reports (ADR 0019) writes the rows, counts and activity that the events it stands
   * for write one by one: attempts begun and ended in it, begun only, ended only, failed with a
   * retry, skipped and given back.
   */
  @Test
  void aBatchOfReportsWritesTheRowsOfTheEventsItStandsFor() throws Exception {
    Map<String, String> singleNames = new java.util.LinkedHashMap<>();
    TaskActivity singleActivity = new TaskActivity("batch-singles", 3600);
    writePrefetched(reportsHistory(ids("reports one by one", singleNames), false), singleActivity);
    Map<String, String> batchNames = new java.util.LinkedHashMap<>();
    TaskActivity batchActivity = new TaskActivity("batch-batched", 3600);
    List<JobEvent> batched = reportsHistory(ids("reports in batches", batchNames), true);
    writePrefetched(batched, batchActivity);

    assertThat(batched.stream().filter(JobEvent.AttemptsReported.class::isInstance)).hasSize(2);
    assertThat(rows(batchNames)).isNotEmpty().isEqualTo(rows(singleNames));
    assertThat(activity("batch-batched")).isNotEmpty().isEqualTo(activity("batch-singles"));
  }

  /** Reports on five tasks, as single events or as two batches, with ids from {@code id}. */
  private static List<JobEvent> reportsHistory(Function<String, String> id, boolean batched) {
    String j = id.apply("J");
    String l1 = id.apply("L1");
    List<TaskPlan> plans = new java.util.ArrayList<>();
    for (String t : List.of("a", "b", "c", "d", "e")) {
      plans.add(new TaskPlan(id.apply(t), l1, "echo", "task " + t, new byte[] {1}, 0, 2));
    }
    String a = id.apply("a");
    String b = id.apply("b");
    String c = id.apply("c");
    String d = id.apply("d");
    String e = id.apply("e");
    List<JobEvent> events = new java.util.ArrayList<>();
    events.add(new JobEvent.JobCreated(j, "batches", 0, List.of(new LayerPlan(l1, "l", 0, 0)), 1));
    events.add(new JobEvent.TasksAdded(j, plans, 1_000));
    events.add(new JobEvent.LayersStarted(j, List.of(l1), 2_000));
    events.add(new JobEvent.TasksQueued(j, List.of(a, b, c, d, e), 2_000));
    if (batched) {
      events.add(
          new JobEvent.AttemptsReported(
              j,
              List.of(
                  new ReportedAttempt(
                      a,
                      1,
                      true,
                      "w1",
                      ReportedAttempt.Outcome.COMPLETED,
                      "done",
                      new byte[] {9},
                      0),
                  new ReportedAttempt(
                      b, 1, true, "w1", ReportedAttempt.Outcome.FAILED, "flaky", null, 90_000),
                  ReportedAttempt.started(c, 1, "w2"),
                  ReportedAttempt.ended(d, 1, ReportedAttempt.Outcome.SKIPPED, "no", null, 0),
                  new ReportedAttempt(
                      e, 1, true, "w2", ReportedAttempt.Outcome.WITHDRAWN, "given back", null, 0)),
              13_000));
      events.add(
          new JobEvent.AttemptsReported(
              j,
              List.of(
                  ReportedAttempt.ended(
                      c, 1, ReportedAttempt.Outcome.COMPLETED, "", new byte[] {8}, 0)),
              24_000));
    } else {
      events.add(new JobEvent.TaskStarted(j, a, 1, "w1", 13_000));
      events.add(new JobEvent.TaskCompleted(j, a, 1, new byte[] {9}, "done", 13_000));
      events.add(new JobEvent.TaskStarted(j, b, 1, "w1", 13_000));
      events.add(new JobEvent.TaskFailed(j, b, 1, "flaky", 90_000, 13_000));
      events.add(new JobEvent.TaskStarted(j, c, 1, "w2", 13_000));
      events.add(new JobEvent.TaskSkipped(j, d, 1, "no", 13_000));
      events.add(new JobEvent.TaskStarted(j, e, 1, "w2", 13_000));
      events.add(new JobEvent.TaskWithdrawn(j, e, 1, "given back", 13_000));
      events.add(new JobEvent.TaskCompleted(j, c, 1, new byte[] {8}, "", 24_000));
    }
    return events;
  }

  private static String pinnedRows() throws Exception {
    try (var in =
        ReadModelWriterTest.class.getResourceAsStream("/read-model/every-event-rows.txt")) {
      return in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  /** Ids named by {@code names}, the same for a name within one {@code run}. */
  private static Function<String, String> ids(String run, Map<String, String> names) {
    return name ->
        names.computeIfAbsent(
            name,
            n ->
                java.util
                    .UUID
                    .nameUUIDFromBytes((run + "/" + n).getBytes(StandardCharsets.UTF_8))
                    .toString());
  }

  /** A history that holds every kind of event, with ids from {@code id}. */
  private static List<JobEvent> everyKindOfEvent(Function<String, String> id) {
    String j = id.apply("J");
    String l1 = id.apply("L1");
    String l2 = id.apply("L2");
    String l3 = id.apply("L3");
    List<TaskPlan> plans = new java.util.ArrayList<>();
    for (String t : List.of("a", "b", "c", "d", "e")) {
      plans.add(new TaskPlan(id.apply(t), l1, "echo", "task " + t, new byte[] {1, 2}, 0, 2));
    }
    plans.add(new TaskPlan(id.apply("f"), l2, "echo\u0007", "f", new byte[0], 0, 0));
    plans.add(new TaskPlan(id.apply("g"), l2, "echo", "g", new byte[0], 0, 0));
    plans.add(new TaskPlan(id.apply("h"), l3, "echo", "h", new byte[] {3}, 7_000, 0));
    String a = id.apply("a");
    String b = id.apply("b");
    String c = id.apply("c");
    String d = id.apply("d");
    String e = id.apply("e");
    String f = id.apply("f");
    String g = id.apply("g");
    String h = id.apply("h");
    return List.of(
        new JobEvent.JobCreated(
            j,
            "pinned\u0000job",
            0,
            List.of(
                new LayerPlan(l1, "first", 0, 0),
                new LayerPlan(l2, "second", 1, 0),
                new LayerPlan(l3, "third", 2, 5_000)),
            1_000,
            1_800),
        new JobEvent.TasksAdded(j, plans, 1_500),
        new JobEvent.JobStarted(j, 1_800),
        new JobEvent.LayersStarted(j, List.of(l1), 2_000),
        new JobEvent.TasksQueued(j, List.of(a, b, c, d, e), 2_000),
        new JobEvent.TaskStarted(j, a, 1, "w1", 2_500),
        new JobEvent.TaskCompleted(j, a, 1, new byte[] {9}, "done\u0001", 3_000),
        new JobEvent.TaskStarted(j, b, 1, "w1", 3_100),
        new JobEvent.TaskFailed(j, b, 1, "flaky\u0000", 9_000, 3_200),
        new JobEvent.TasksQueued(j, List.of(b), 9_000),
        new JobEvent.TaskStarted(j, b, 2, "w2", 9_100),
        new JobEvent.TaskFailed(j, b, 2, "broken", 0, 9_200),
        new JobEvent.TaskStarted(j, c, 1, "w1", 10_000),
        new JobEvent.TaskTimedOut(j, c, 1, 12_000, 11_000),
        new JobEvent.TasksQueued(j, List.of(c), 12_000),
        new JobEvent.TaskStarted(j, c, 2, "w1", 12_100),
        new JobEvent.TaskTimedOut(j, c, 2, 0, 13_000),
        new JobEvent.ActionTaken(j, Action.KILL, ObjectKind.TASK, d, "ops", 14_000),
        new JobEvent.TaskKilled(j, d, 1, 14_000),
        new JobEvent.ActionTaken(j, Action.RETRY, ObjectKind.TASK, d, "ops", 15_000),
        new JobEvent.TaskReset(j, d, 15_000),
        new JobEvent.Paused(j, ObjectKind.TASK, e, 16_000, 16_000),
        new JobEvent.TaskWithdrawn(j, e, 1, "paused while queued", 16_000),
        new JobEvent.Unpaused(j, ObjectKind.TASK, e, 17_000),
        new JobEvent.TasksQueued(j, List.of(d, e), 17_000),
        new JobEvent.TasksRedelivered(j, List.of(d, e), "not claimed within 120 s", 17_500),
        new JobEvent.TaskStarted(j, d, 2, "w3", 18_000),
        new JobEvent.TaskCompleted(j, d, 2, null, "", 19_000),
        new JobEvent.TaskSkipped(j, e, 2, "not needed", 20_000),
        new JobEvent.LayerFinished(j, l1, Status.ERRORED, 21_000),
        new JobEvent.ActionTaken(j, Action.RETRY, ObjectKind.TASK, b, "ops", 21_500),
        new JobEvent.TaskReset(j, b, 21_500),
        new JobEvent.LayerReopened(j, l1, 21_500),
        new JobEvent.TasksQueued(j, List.of(b), 21_500),
        new JobEvent.TaskStarted(j, b, 3, "w2", 21_600),
        new JobEvent.TaskCompleted(j, b, 3, new byte[] {4}, "fine", 21_700),
        new JobEvent.LayerFinished(j, l1, Status.ERRORED, 21_800),
        new JobEvent.Paused(j, ObjectKind.LAYER, l2, 22_000, 22_000),
        new JobEvent.Paused(j, ObjectKind.JOB, j, 22_000, 22_000),
        new JobEvent.Unpaused(j, ObjectKind.LAYER, l2, 23_000),
        new JobEvent.Unpaused(j, ObjectKind.JOB, j, 23_000),
        new JobEvent.LayersStarted(j, List.of(l2), 24_000),
        new JobEvent.TasksQueued(j, List.of(f, g), 24_000),
        new JobEvent.TaskStarted(j, f, 1, "w1", 25_000),
        new JobEvent.TaskCompleted(j, f, 1, new byte[] {5}, "ok", 26_000),
        new JobEvent.TaskSkipped(j, g, 1, "skipped by handler", 27_000),
        new JobEvent.LayerFinished(j, l2, Status.COMPLETED, 28_000),
        new JobEvent.ActionTaken(j, Action.SKIP, ObjectKind.LAYER, l3, "ops", 31_000),
        new JobEvent.TasksSkipped(j, List.of(h), 31_000),
        new JobEvent.LayerSkipped(j, l3, 31_000),
        new JobEvent.JobStatusChanged(j, Status.ERRORED, 44_000),
        // the bulk events of actions on a whole job
        new JobEvent.ActionTaken(j, Action.RETRY, ObjectKind.JOB, j, "ops", 45_000),
        new JobEvent.TasksReset(j, List.of(c), 45_000),
        new JobEvent.LayerReopened(j, l1, 45_000),
        new JobEvent.TasksQueued(j, List.of(c), 45_000),
        new JobEvent.JobStatusChanged(j, Status.RUNNING, 45_000),
        new JobEvent.ActionTaken(j, Action.PAUSE, ObjectKind.JOB, j, "ops", 46_000),
        new JobEvent.Paused(j, ObjectKind.JOB, j, 46_000, 46_000),
        new JobEvent.TasksWithdrawn(
            j, List.of(new TaskAttempt(c, 3)), "paused while queued", 46_000),
        new JobEvent.ActionTaken(j, Action.UNPAUSE, ObjectKind.JOB, j, "ops", 47_000),
        new JobEvent.Unpaused(j, ObjectKind.JOB, j, 47_000),
        new JobEvent.TasksQueued(j, List.of(c), 47_000),
        new JobEvent.ActionTaken(j, Action.KILL, ObjectKind.JOB, j, "ops", 48_000),
        new JobEvent.TasksKilled(j, List.of(new TaskAttempt(c, 4)), 48_000),
        new JobEvent.LayerFinished(j, l1, Status.ERRORED, 48_000),
        new JobEvent.JobStatusChanged(j, Status.ERRORED, 48_000));
  }

  /**
   * The attempts of the history that holds every kind of event, counted per 10 s and type for the
   * dashboard: the same whether written event by event or as one group, and pinned: 8 attempts
   * start; 10 end with an outcome (4 completed, 2 failed, 2 timed out, 2 skipped by their handler
   * with no start seen; the 2 kills are no outcome) and 4 fail.
   */
  @Test
  void theAttemptsAreCountedPerBucketAndTypeAlikeEventByEventAndInOneGroup() throws Exception {
    TaskActivity byEvent = new TaskActivity("activity-by-event", 3600);
    long mostQueued = 0;
    for (JobEvent e : everyKindOfEvent(ids("activity by event", new java.util.HashMap<>()))) {
      writePrefetched(List.of(e), byEvent);
      long queued = queued("activity-by-event");
      assertThat(queued).as("tasks QUEUED after " + e).isBetween(0L, 5L);
      mostQueued = Math.max(mostQueued, queued);
    }
    assertThat(mostQueued).as("the first layer's five tasks queued at once").isEqualTo(5);
    assertThat(queued("activity-by-event")).as("none left QUEUED").isZero();
    TaskActivity grouped = new TaskActivity("activity-grouped", 3600);
    writePrefetched(everyKindOfEvent(ids("activity grouped", new java.util.HashMap<>())), grouped);

    List<String> rows = activity("activity-by-event");
    assertThat(rows).isEqualTo(activity("activity-grouped"));
    long[] totals = new long[3];
    for (String row : rows) {
      String[] f = row.split(" ");
      for (int i = 0; i < 3; i++) {
        totals[i] += Long.parseLong(f[f.length - 3 + i].split("=")[1]);
      }
    }
    assertThat(totals).as("started, ended, failed in " + rows).containsExactly(8, 10, 4);
    assertThat(rows)
        .containsExactly(
            "bucket=0 type=echo started=3 ended=3 failed=2",
            "bucket=10 type=echo started=3 ended=3 failed=2",
            "bucket=20 type=echo started=1 ended=3 failed=0",
            "bucket=20 type=echo\uFFFD started=1 ended=1 failed=0");
  }

  @Test
  void aSliceDeletesItsBucketsPastKeepingAsNewOnesBegin() throws Exception {
    TaskActivity kept = new TaskActivity("activity-kept", 10);
    for (JobEvent e : everyKindOfEvent(ids("activity kept", new java.util.HashMap<>()))) {
      writePrefetched(List.of(e), kept);
    }
    // the last outcome is at 27 s (bucket 20; the kills after it count for nothing): bucket 0 is
    // gone, 10 is kept
    assertThat(activity("activity-kept"))
        .containsExactly(
            "bucket=10 type=echo started=3 ended=3 failed=2",
            "bucket=20 type=echo started=1 ended=3 failed=0",
            "bucket=20 type=echo\uFFFD started=1 ended=1 failed=0");
  }

  /** The tasks QUEUED as a slice counted them. */
  private static long queued(String slice) throws Exception {
    try (Connection c = db.connect();
        java.sql.PreparedStatement s =
            c.prepareStatement(
                "SELECT COALESCE(sum(queued), 0) FROM igor_queued_tasks WHERE slice = ?")) {
      s.setString(1, slice);
      try (java.sql.ResultSet rs = s.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  /** The activity rows of a slice, oldest first. */
  private static List<String> activity(String slice) throws Exception {
    List<String> rows = new java.util.ArrayList<>();
    try (Connection c = db.connect();
        java.sql.PreparedStatement s =
            c.prepareStatement(
                "SELECT bucket, type, started, ended, failed FROM igor_task_activity"
                    + " WHERE slice = ? ORDER BY bucket, type")) {
      s.setString(1, slice);
      try (java.sql.ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          rows.add(
              "bucket="
                  + rs.getLong(1)
                  + " type="
                  + rs.getString(2)
                  + " started="
                  + rs.getInt(3)
                  + " ended="
                  + rs.getInt(4)
                  + " failed="
                  + rs.getInt(5));
        }
      }
    }
    return rows;
  }

  /** Writes a group of events as the projection does: prefetched, applied, finished. */
  private static void writePrefetched(List<JobEvent> events) throws Exception {
    writePrefetched(events, null);
  }

  private static void writePrefetched(List<JobEvent> events, TaskActivity activity)
      throws Exception {
    try (Connection c = db.connect()) {
      if (activity != null) {
        activity.begin();
      }
      applyGroup(c, events, activity);
    }
  }

  /** Applies the events as one group, prefetched, as the projection does. */
  private static void applyGroup(Connection c, List<JobEvent> events, TaskActivity activity)
      throws Exception {
    ReadModelWriter writer = new ReadModelWriter(c, activity);
    writer.prefetch(events);
    for (JobEvent e : events) {
      writer.apply(e);
    }
    writer.finish();
  }

  /**
   * Every column of every row of the named objects, one line per row, sorted, with ids (and
   * delivery ids) written as their names.
   */
  private static List<String> rows(Map<String, String> names) throws Exception {
    Map<String, String> byId = new java.util.HashMap<>();
    names.forEach(
        (name, uuid) -> {
          byId.put(uuid, name);
          for (int attempt = 1; attempt <= 5; attempt++) {
            byId.put(Identifiers.deliveryId(uuid, attempt), name + "#" + attempt);
          }
        });
    List<String> lines = new java.util.ArrayList<>();
    try (Connection c = db.connect()) {
      for (String table : List.of("igor_jobs", "igor_layers", "igor_tasks")) {
        try (java.sql.Statement s = c.createStatement();
            java.sql.ResultSet rs = s.executeQuery("SELECT * FROM " + table)) {
          java.sql.ResultSetMetaData meta = rs.getMetaData();
          while (rs.next()) {
            String rowId = byId.get(rs.getString("id"));
            if (rowId == null) {
              continue;
            }
            java.util.TreeMap<String, String> columns = new java.util.TreeMap<>();
            for (int i = 1; i <= meta.getColumnCount(); i++) {
              String column = meta.getColumnName(i);
              if (column.equals("id")) {
                continue;
              }
              Object value = rs.getObject(i);
              String text;
              if (value == null) {
                text = "NULL";
              } else if (value instanceof byte[] bytes) {
                text = "x" + java.util.HexFormat.of().formatHex(bytes);
              } else {
                text = byId.getOrDefault(value.toString(), value.toString());
              }
              columns.put(column, escaped(text));
            }
            StringBuilder line = new StringBuilder(table).append(' ').append(rowId);
            columns.forEach((k, v) -> line.append(' ').append(k).append('=').append(v));
            lines.add(line.toString());
          }
        }
      }
    }
    java.util.Collections.sort(lines);
    return lines;
  }

  /** Text with every character outside printable ASCII written as a Java escape. */
  private static String escaped(String text) {
    StringBuilder b = new StringBuilder();
    for (char ch : text.toCharArray()) {
      if (ch < 0x20 || ch > 0x7e) {
        b.append(String.format("<U+%04X>", (int) ch));
      } else {
        b.append(ch);
      }
    }
    return b.toString();
  }

  private JobEvent created() {
    return new JobEvent.JobCreated(
        job,
        "written",
        0,
        List.of(new LayerPlan(layer, "one", 0, 0), new LayerPlan(next, "two", 1, 0)),
        2_000);
  }

  /** The job created, both tasks queued, {@code task} started. */
  private List<JobEvent> queuedAndStarted() {
    return List.of(
        created(),
        added(),
        new JobEvent.LayersStarted(job, List.of(layer), 3_000),
        new JobEvent.TasksQueued(job, List.of(task, other), 3_000),
        new JobEvent.TaskStarted(job, task, 1, "w", 4_000));
  }

  private JobEvent added() {
    return new JobEvent.TasksAdded(
        job,
        List.of(
            new TaskPlan(task, layer, "noop", "t", new byte[0], 0, 1),
            new TaskPlan(other, layer, "noop", "o", new byte[] {1}, 0, 0)),
        2_000);
  }

  private static void write(List<JobEvent> events) throws Exception {
    try (Connection c = db.connect()) {
      ReadModelWriter writer = new ReadModelWriter(c);
      for (JobEvent e : events) {
        writer.apply(e);
      }
      writer.finish();
    }
  }

  private static ReadModel.TaskRow task(String id) throws Exception {
    return readModel.task(id).toCompletableFuture().get().orElseThrow();
  }

  private static ReadModel.LayerRow layer(String id) throws Exception {
    return readModel.layer(id).toCompletableFuture().get().orElseThrow();
  }

  private ReadModel.JobRow jobRow() throws Exception {
    ReadModel.Filter onlyThisJob =
        new ReadModel.Filter(
            List.of(job),
            List.of(),
            List.of(),
            List.of(),
            List.of(),
            null,
            null,
            null,
            null,
            null,
            10,
            0);
    return readModel.jobs(onlyThisJob).toCompletableFuture().get().get(0);
  }
}
