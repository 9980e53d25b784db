package igor.entity;

import static org.assertj.core.api.Assertions.assertThat;

import igor.domain.Action;
import igor.domain.AuditEntry;
import igor.domain.JobEvent;
import igor.domain.JobSnapshot;
import igor.domain.LayerPlan;
import igor.domain.LayerSnapshot;
import igor.domain.ObjectKind;
import igor.domain.ReportedAttempt;
import igor.domain.ReportedAttempt.Outcome;
import igor.domain.Status;
import igor.domain.TaskAttempt;
import igor.domain.TaskPlan;
import igor.domain.TaskSnapshot;
import igor.testing.SerializationConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.Serializer;
import org.apache.pekko.serialization.Serializers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Events and snapshots are forever (docs/adr/0002-persisted-names.md): each released form is kept
 * as a golden file, and must still be written the same and read back to the same value. When a
 * field is added, the file of the earlier form moves to legacy/ (it must still be read) and the new
 * form gets the golden file: run with {@code -Digor.golden.update=true}, which only writes missing
 * files.
 */
class PersistedFormatTest {
  private static final Path GOLDEN = Path.of("src/test/resources/golden");
  private static ActorTestKit testKit;
  private static Serialization serialization;

  @BeforeAll
  static void start() {
    // Loaded as a node loads it: over Pekko's reference.conf, then resolved (the file adds to a
    // list).
    testKit = ActorTestKit.create(SerializationConfig.serializers());
    serialization = SerializationExtension.get(Adapter.toClassic(testKit.system()));
  }

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  static final String JOB = "6f1c1f5e-4a43-4b8e-9d55-0c2f1c0ad001";
  static final String LAYER = "6f1c1f5e-4a43-4b8e-9d55-0c2f1c0ad002";
  static final String TASK = "6f1c1f5e-4a43-4b8e-9d55-0c2f1c0ad003";
  static final long AT = 1_790_000_000_123L;

  /** One example of every persisted type, with every field set. */
  static Map<String, Object> examples() {
    Map<String, Object> e = new LinkedHashMap<>();
    e.put(
        "JobCreated",
        new JobEvent.JobCreated(
            JOB, "nightly", 0, List.of(new LayerPlan(LAYER, "build", -1, 7_000)), AT, 0));
    e.put("JobStarted", new JobEvent.JobStarted(JOB, AT));
    e.put(
        "JobCreatedTraced",
        new JobEvent.JobCreated(
            JOB,
            "nightly",
            0,
            List.of(new LayerPlan(LAYER, "build", -1, 7_000)),
            AT,
            0,
            "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"));
    e.put(
        "TasksAdded",
        new JobEvent.TasksAdded(
            JOB,
            List.of(new TaskPlan(TASK, LAYER, "echo", "say", new byte[] {104, 105}, 0, 2)),
            AT));
    e.put(
        "TasksAddedWithFlow",
        new JobEvent.TasksAdded(
            JOB,
            List.of(
                new TaskPlan(
                    TASK,
                    LAYER,
                    "echo",
                    "say",
                    new byte[] {104, 105},
                    0,
                    2,
                    0,
                    new igor.domain.TaskFlow(5, "customer-7", "tenant-a"))),
            AT));
    e.put("LayersStarted", new JobEvent.LayersStarted(JOB, List.of(LAYER), AT));
    e.put("TasksQueued", new JobEvent.TasksQueued(JOB, List.of(TASK), AT));
    e.put("TaskStarted", new JobEvent.TaskStarted(JOB, TASK, 1, "worker-1", AT));
    e.put(
        "TaskCompleted", new JobEvent.TaskCompleted(JOB, TASK, 1, new byte[] {1, 2, 3}, "ok", AT));
    e.put("TaskFailed", new JobEvent.TaskFailed(JOB, TASK, 1, "boom", AT + 1000, AT));
    e.put("TaskSkipped", new JobEvent.TaskSkipped(JOB, TASK, 1, "not needed", AT));
    e.put("LayerFinished", new JobEvent.LayerFinished(JOB, LAYER, Status.COMPLETED, AT));
    e.put("JobStatusChanged", new JobEvent.JobStatusChanged(JOB, Status.ERRORED, AT));
    e.put(
        "JobSnapshot",
        new JobSnapshot(
            JOB,
            "nightly",
            Status.RUNNING,
            0,
            AT,
            AT,
            3,
            List.of(
                new LayerSnapshot(
                    LAYER, JOB, "build", -1, Status.RUNNING, 0, AT, AT, 2, List.of(TASK))),
            List.of(
                new TaskSnapshot(
                    TASK,
                    JOB,
                    LAYER,
                    "echo",
                    "say",
                    new byte[] {104, 105},
                    Status.RUNNING,
                    0,
                    2,
                    1,
                    "",
                    null,
                    "worker-1",
                    AT,
                    AT,
                    0,
                    4,
                    0,
                    0,
                    0,
                    null)),
            List.of(new AuditEntry(Action.PAUSE, ObjectKind.LAYER, LAYER, "ops", AT)),
            0));
    JobSnapshot s = (JobSnapshot) e.get("JobSnapshot");
    e.put(
        "JobSnapshotTraced",
        new JobSnapshot(
            s.id(),
            s.name(),
            s.status(),
            s.pausedAtMillis(),
            s.createdAt(),
            s.updatedAt(),
            s.revision(),
            s.layers(),
            s.tasks(),
            s.audit(),
            s.startAt(),
            "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"));
    e.put(
        "ActionTaken",
        new JobEvent.ActionTaken(JOB, Action.RETRY, ObjectKind.TASK, TASK, "ops", AT));
    e.put("Paused", new JobEvent.Paused(JOB, ObjectKind.LAYER, LAYER, 1_790_000_000_000L, AT));
    e.put("Unpaused", new JobEvent.Unpaused(JOB, ObjectKind.JOB, JOB, AT));
    e.put("LayerSkipped", new JobEvent.LayerSkipped(JOB, LAYER, AT));
    e.put("TasksSkipped", new JobEvent.TasksSkipped(JOB, List.of(TASK), AT));
    e.put(
        "TasksSkippedInFlight",
        new JobEvent.TasksSkipped(JOB, List.of(TASK), AT, List.of(new TaskAttempt(LAYER, 2))));
    e.put("TaskKilled", new JobEvent.TaskKilled(JOB, TASK, 2, AT));
    e.put("TaskReset", new JobEvent.TaskReset(JOB, TASK, AT));
    e.put("LayerReopened", new JobEvent.LayerReopened(JOB, LAYER, AT));
    e.put("TaskTimedOut", new JobEvent.TaskTimedOut(JOB, TASK, 2, AT + 5000, AT));
    e.put("TaskWithdrawn", new JobEvent.TaskWithdrawn(JOB, TASK, 1, "paused while queued", AT));
    e.put(
        "TasksRedelivered",
        new JobEvent.TasksRedelivered(JOB, List.of(TASK), "not claimed within 120 s", AT));
    e.put("TasksKilled", new JobEvent.TasksKilled(JOB, List.of(new TaskAttempt(TASK, 2)), AT));
    e.put(
        "TasksWithdrawn",
        new JobEvent.TasksWithdrawn(
            JOB, List.of(new TaskAttempt(TASK, 1)), "paused while queued", AT));
    e.put("TasksReset", new JobEvent.TasksReset(JOB, List.of(TASK), AT));
    e.put(
        "AttemptsReported",
        new JobEvent.AttemptsReported(
            JOB,
            List.of(
                new ReportedAttempt(
                    TASK, 1, true, "worker-1", Outcome.COMPLETED, "ok", new byte[] {1, 2, 3}, 0),
                ReportedAttempt.started(LAYER, 2, "worker-2"),
                ReportedAttempt.ended(JOB, 3, Outcome.FAILED, "boom", null, AT + 1000),
                ReportedAttempt.ended(TASK, 2, Outcome.SKIPPED, "not needed", null, 0),
                ReportedAttempt.ended(LAYER, 1, Outcome.WITHDRAWN, "given back by w", null, 0)),
            AT));
    return e;
  }

  static Stream<String> names() {
    return examples().keySet().stream();
  }

  /** Earlier forms of a type, from before fields were added: "Type.n.json" under legacy/. */
  static Stream<String> legacyFiles() throws IOException {
    try (Stream<Path> files = Files.list(GOLDEN.resolve("legacy"))) {
      return files.map(f -> f.getFileName().toString()).sorted().toList().stream();
    }
  }

  @ParameterizedTest
  @MethodSource("legacyFiles")
  void anEarlierFormIsStillReadWithTheNewFieldsAtTheirDefaults(String file) throws IOException {
    String name = file.substring(0, file.indexOf('.'));
    Object example = examples().get(name);
    Serializer serializer = serialization.findSerializerFor(example);

    Object read =
        serialization
            .deserialize(
                Files.readAllBytes(GOLDEN.resolve("legacy").resolve(file)),
                serializer.identifier(),
                Serializers.manifestFor(serializer, example))
            .get();

    assertThat(read).usingRecursiveComparison().isEqualTo(example);
  }

  @ParameterizedTest
  @MethodSource("names")
  void isWrittenAsItsGoldenFileAndReadBackTheSame(String name) throws IOException {
    GoldenFiles.assertWrittenAsGoldenFileAndReadBack(
        serialization, GOLDEN, name, examples().get(name));
  }
}
