package igor.storage.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import igor.config.IgorSettings;
import igor.domain.Action;
import igor.domain.Identifiers;
import igor.domain.Job;
import igor.domain.JobEvent;
import igor.domain.LayerPlan;
import igor.domain.ObjectKind;
import igor.domain.Status;
import igor.domain.TaskPlan;
import igor.storage.ReadModel;
import igor.testing.TestDatabase;
import java.sql.Connection;
import java.util.List;
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
    List<JobEvent> events =
        List.of(
            created(),
            added(),
            new JobEvent.LayersStarted(job, List.of(layer), 3_000),
            new JobEvent.TasksQueued(job, List.of(task, other), 3_000),
            new JobEvent.TaskStarted(job, task, 1, "w", 4_000),
            new JobEvent.TaskFailed(job, task, 1, "again", 9_000, 5_000),
            new JobEvent.TasksQueued(job, List.of(task), 9_000),
            new JobEvent.TaskCompleted(job, task, 2, new byte[] {7}, "done", 10_000),
            new JobEvent.TaskFailed(job, other, 1, "no", 0, 10_500),
            new JobEvent.LayerFinished(job, layer, Status.ERRORED, 11_000),
            new JobEvent.JobStatusChanged(job, Status.ERRORED, 11_000));
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
            new JobEvent.Paused(job, ObjectKind.TASK, task, 6, 6_000),
            new JobEvent.Paused(job, ObjectKind.LAYER, next, 6, 6_000),
            new JobEvent.Paused(job, ObjectKind.JOB, job, 6, 6_000)));
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
            new JobEvent.Paused(job, ObjectKind.TASK, other, 5, 5_000),
            new JobEvent.TaskWithdrawn(job, other, 1, "paused while queued", 5_000),
            new JobEvent.Unpaused(job, ObjectKind.TASK, other, 6_000),
            new JobEvent.TasksQueued(job, List.of(other), 6_000),
            new JobEvent.TaskStarted(job, other, 2, "w", 6_500),
            new JobEvent.TaskTimedOut(job, other, 2, 0, 7_000),
            new JobEvent.TaskStarted(job, task, 2, "w", 7_000),
            new JobEvent.TaskCompleted(job, task, 2, null, "", 8_000),
            new JobEvent.LayerFinished(job, layer, Status.ERRORED, 8_000),
            new JobEvent.JobStatusChanged(job, Status.ERRORED, 8_000),
            new JobEvent.Paused(job, ObjectKind.LAYER, next, 9, 9_000),
            new JobEvent.Paused(job, ObjectKind.JOB, job, 9, 9_000));
    write(events);
    Job entity = Job.empty();
    events.forEach(entity::apply);

    for (String id : List.of(task, other)) {
      var expected = entity.findTask(id).snapshot();
      ReadModel.TaskRow row = task(id);
      assertThat(Identifiers.etag(id, row.revision())).as("etag of " + id).isEqualTo(expected.etag());
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
      assertThat(layer(id).pausedAt()).isEqualTo(expected.pausedAt());
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

  private JobEvent created() {
    return new JobEvent.JobCreated(
        job,
        "written",
        0,
        List.of(new LayerPlan(layer, "one", 0, 0), new LayerPlan(next, "two", 1, 0)),
        2_000);
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
            List.of(job), List.of(), List.of(), List.of(), List.of(), null, null, null, null, null,
            10, 0);
    return readModel.jobs(onlyThisJob).toCompletableFuture().get().get(0);
  }
}
