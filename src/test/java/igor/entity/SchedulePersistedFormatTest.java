package igor.entity;

import igor.domain.JobPlan;
import igor.domain.LayerPlan;
import igor.domain.Schedule;
import igor.domain.ScheduleEvent;
import igor.domain.ScheduleSpec;
import igor.domain.TaskPlan;
import igor.testing.SerializationConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A schedule's events and snapshot are forever, as a job's are ({@link PersistedFormatTest}): each
 * released form is a golden file under golden/schedule/, written the same and read back the same.
 * {@code -Digor.golden.update=true} writes missing files only.
 */
class SchedulePersistedFormatTest {
  private static final Path GOLDEN = Path.of("src/test/resources/golden/schedule");
  private static final String SCHEDULE = "7a2c1f5e-4a43-4b8e-9d55-0c2f1c0ad001";
  private static final String JOB = "7a2c1f5e-4a43-4b8e-9d55-0c2f1c0ad002";
  private static final long AT = 1_790_000_000_123L;
  private static final long DUE = 1_790_000_000_000L;
  private static ActorTestKit testKit;
  private static Serialization serialization;

  @BeforeAll
  static void start() {
    testKit = ActorTestKit.create(SerializationConfig.serializers());
    serialization = SerializationExtension.get(Adapter.toClassic(testKit.system()));
  }

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  private static ScheduleSpec spec() {
    return new ScheduleSpec(
        "nightly",
        "0 30 2 * * *",
        "Europe/Paris",
        new JobPlan(
            "6f1c1f5e-4a43-4b8e-9d55-0c2f1c0ad001",
            "report",
            0,
            List.of(new LayerPlan("6f1c1f5e-4a43-4b8e-9d55-0c2f1c0ad002", "build", -1, 7_000)),
            List.of(
                new TaskPlan(
                    "6f1c1f5e-4a43-4b8e-9d55-0c2f1c0ad003",
                    "6f1c1f5e-4a43-4b8e-9d55-0c2f1c0ad002",
                    "echo",
                    "say",
                    new byte[] {104, 105},
                    0,
                    2,
                    30))),
        ScheduleSpec.Overlap.SKIP,
        ScheduleSpec.CatchUp.ALL,
        5);
  }

  /** One example of every persisted type of schedules, with every field set. */
  static Map<String, Object> examples() {
    Map<String, Object> e = new LinkedHashMap<>();
    e.put("ScheduleCreated", new ScheduleEvent.ScheduleCreated(SCHEDULE, spec(), AT));
    e.put("SchedulePaused", new ScheduleEvent.SchedulePaused(SCHEDULE, "ops", AT));
    e.put("ScheduleUnpaused", new ScheduleEvent.ScheduleUnpaused(SCHEDULE, "ops", AT));
    e.put("ScheduleFired", new ScheduleEvent.ScheduleFired(SCHEDULE, DUE, JOB, false, AT));
    e.put("FiredJobCreated", new ScheduleEvent.FiredJobCreated(SCHEDULE, DUE, JOB, AT));
    e.put(
        "FiredJobRefused",
        new ScheduleEvent.FiredJobRefused(SCHEDULE, DUE, JOB, "too many tasks", AT));
    e.put(
        "FiresSkipped", new ScheduleEvent.FiresSkipped(SCHEDULE, DUE - 60_000, DUE, "missed", AT));
    e.put("ScheduleDeleted", new ScheduleEvent.ScheduleDeleted(SCHEDULE, "ops", AT));
    Schedule.Fire fire = new Schedule.Fire(DUE, JOB, false, AT, Schedule.Fire.PENDING);
    e.put(
        "Schedule",
        new Schedule(
            SCHEDULE, spec(), AT, AT, true, false, DUE, JOB, List.of(fire), List.of(fire), 4, 1));
    return e;
  }

  static Stream<String> names() {
    return examples().keySet().stream();
  }

  @ParameterizedTest
  @MethodSource("names")
  void isWrittenAsItsGoldenFileAndReadBackTheSame(String name) throws IOException {
    GoldenFiles.assertWrittenAsGoldenFileAndReadBack(
        serialization, GOLDEN, name, examples().get(name));
  }
}
