package igor.http;

import static org.assertj.core.api.Assertions.assertThat;

import igor.domain.Action;
import igor.domain.JobEvent;
import igor.domain.LayerPlan;
import igor.domain.ObjectKind;
import igor.domain.ReportedAttempt;
import igor.domain.Status;
import igor.domain.TaskAttempt;
import igor.domain.TaskPlan;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Pins the wire form of every event on GET /api/v1/events, byte for byte: the names and fields of
 * the stream are a public contract (README, docs/architecture.md), so a change here is a change of
 * the API, not a refactoring.
 */
class EventViewsTest {
  private static final String JOB = "00000000-0000-4000-8000-000000000001";
  private static final String LAYER = "00000000-0000-4000-8000-000000000002";
  private static final String TASK = "00000000-0000-4000-8000-000000000003";
  private static final String OTHER = "00000000-0000-4000-8000-000000000004";

  /** 1,700,000,001 s and 999 ms: the stream shows whole seconds, rounded down. */
  private static final long AT = 1_700_000_001_999L;

  private static final String J = "{\"job_id\":\"" + JOB + "\"";
  private static final String END = ",\"at\":1700000001}";

  /** An event, the name it is streamed under, and the JSON of its data. */
  record Pinned(JobEvent event, String name, String json) {
    @Override
    public String toString() {
      return name + " of " + event.getClass().getSimpleName();
    }
  }

  static Stream<Pinned> everyEventKind() {
    return Stream.of(
        new Pinned(
            new JobEvent.JobCreated(
                JOB, "nightly", 7_000, List.of(new LayerPlan(LAYER, "l", -2, 5_000)), AT),
            "job_created",
            J
                + ",\"name\":\"nightly\",\"paused_at\":7,\"start_at\":0,\"status\":\"RUNNING\","
                + "\"layers\":[{\"id\":\""
                + LAYER
                + "\",\"name\":\"l\",\"priority\":-2,\"paused_at\":5}]"
                + END),
        new Pinned(
            new JobEvent.JobCreated(JOB, "later", 0, List.of(), AT, AT + 60_000),
            "job_created",
            J
                + ",\"name\":\"later\",\"paused_at\":0,\"start_at\":1700000061,"
                + "\"status\":\"PENDING\",\"layers\":[]"
                + END),
        new Pinned(
            new JobEvent.JobStarted(JOB, AT), "job_started", J + ",\"status\":\"RUNNING\"" + END),
        new Pinned(
            new JobEvent.TasksAdded(
                JOB,
                List.of(new TaskPlan(TASK, LAYER, "echo", "t", new byte[] {1}, 9_000, 2, 30)),
                AT),
            "tasks_added",
            J
                + ",\"tasks\":[{\"id\":\""
                + TASK
                + "\",\"layer_id\":\""
                + LAYER
                + "\",\"type\":\"echo\",\"name\":\"t\",\"paused_at\":9,\"retries\":2,"
                + "\"timeout\":30}]"
                + END),
        new Pinned(
            new JobEvent.LayersStarted(JOB, List.of(LAYER), AT),
            "layers_started",
            J + ",\"layer_ids\":[\"" + LAYER + "\"],\"status\":\"RUNNING\"" + END),
        new Pinned(
            new JobEvent.TasksQueued(JOB, List.of(TASK, OTHER), AT),
            "tasks_queued",
            J + ",\"task_ids\":[\"" + TASK + "\",\"" + OTHER + "\"],\"status\":\"QUEUED\"" + END),
        new Pinned(
            new JobEvent.TaskStarted(JOB, TASK, 3, "worker-1", AT),
            "task_started",
            J
                + ",\"task_id\":\""
                + TASK
                + "\",\"attempt\":3,\"status\":\"RUNNING\","
                + "\"worker\":\"worker-1\""
                + END),
        new Pinned(
            new JobEvent.TaskCompleted(
                JOB, TASK, 1, "hi".getBytes(StandardCharsets.UTF_8), "done", AT),
            "task_completed",
            J
                + ",\"task_id\":\""
                + TASK
                + "\",\"attempt\":1,\"status\":\"COMPLETED\","
                + "\"message\":\"done\",\"result\":\"aGk=\""
                + END),
        new Pinned(
            new JobEvent.TaskCompleted(JOB, TASK, 1, null, "", AT),
            "task_completed",
            J
                + ",\"task_id\":\""
                + TASK
                + "\",\"attempt\":1,\"status\":\"COMPLETED\","
                + "\"message\":\"\""
                + END),
        new Pinned(
            new JobEvent.TaskFailed(JOB, TASK, 2, "boom", 1_700_000_031_500L, AT),
            "task_failed",
            J
                + ",\"task_id\":\""
                + TASK
                + "\",\"attempt\":2,\"status\":\"PENDING\","
                + "\"message\":\"boom\",\"retry_at\":1700000031"
                + END),
        new Pinned(
            new JobEvent.TaskFailed(JOB, TASK, 2, "boom", 0, AT),
            "task_failed",
            J
                + ",\"task_id\":\""
                + TASK
                + "\",\"attempt\":2,\"status\":\"ERRORED\","
                + "\"message\":\"boom\",\"retry_at\":0"
                + END),
        new Pinned(
            new JobEvent.TaskSkipped(JOB, TASK, 1, "not needed", AT),
            "task_skipped",
            J
                + ",\"task_id\":\""
                + TASK
                + "\",\"attempt\":1,\"status\":\"SKIPPED\","
                + "\"message\":\"not needed\""
                + END),
        new Pinned(
            new JobEvent.TaskSkipped(JOB, TASK, 0, "skipped", AT),
            "task_skipped",
            J
                + ",\"task_id\":\""
                + TASK
                + "\",\"attempt\":0,\"status\":\"SKIPPED\","
                + "\"message\":\"skipped\""
                + END),
        new Pinned(
            new JobEvent.TasksSkipped(JOB, List.of(TASK, OTHER), AT),
            "tasks_skipped",
            J
                + ",\"task_ids\":[\""
                + TASK
                + "\",\""
                + OTHER
                + "\"],\"status\":\"SKIPPED\","
                + "\"message\":\"skipped\""
                + END),
        new Pinned(
            new JobEvent.TasksSkipped(JOB, List.of(OTHER), AT, List.of(new TaskAttempt(TASK, 2))),
            "tasks_skipped",
            J
                + ",\"task_ids\":[\""
                + OTHER
                + "\",\""
                + TASK
                + "\"],\"status\":\"SKIPPED\","
                + "\"message\":\"skipped\""
                + END),
        new Pinned(
            new JobEvent.TasksRedelivered(JOB, List.of(TASK), "not claimed within 120 s", AT),
            "tasks_redelivered",
            J + ",\"task_ids\":[\"" + TASK + "\"],\"message\":\"not claimed within 120 s\"" + END),
        new Pinned(
            new JobEvent.TaskKilled(JOB, TASK, 4, AT),
            "task_killed",
            J
                + ",\"task_id\":\""
                + TASK
                + "\",\"attempt\":4,\"status\":\"ERRORED\","
                + "\"message\":\"killed\""
                + END),
        new Pinned(
            new JobEvent.TaskReset(JOB, TASK, AT),
            "task_reset",
            J + ",\"task_id\":\"" + TASK + "\",\"status\":\"PENDING\"" + END),
        new Pinned(
            new JobEvent.TaskTimedOut(JOB, TASK, 2, 1_700_000_061_000L, AT),
            "task_timed_out",
            J
                + ",\"task_id\":\""
                + TASK
                + "\",\"attempt\":2,\"status\":\"PENDING\","
                + "\"message\":\"timed out\",\"retry_at\":1700000061"
                + END),
        new Pinned(
            new JobEvent.TaskTimedOut(JOB, TASK, 2, 0, AT),
            "task_timed_out",
            J
                + ",\"task_id\":\""
                + TASK
                + "\",\"attempt\":2,\"status\":\"ERRORED\","
                + "\"message\":\"timed out\",\"retry_at\":0"
                + END),
        new Pinned(
            new JobEvent.TaskWithdrawn(JOB, TASK, 1, "paused while queued", AT),
            "task_withdrawn",
            J
                + ",\"task_id\":\""
                + TASK
                + "\",\"attempt\":1,\"status\":\"PENDING\","
                + "\"message\":\"paused while queued\""
                + END),
        new Pinned(
            new JobEvent.TasksKilled(
                JOB, List.of(new TaskAttempt(TASK, 4), new TaskAttempt(OTHER, 1)), AT),
            "tasks_killed",
            J
                + ",\"tasks\":[{\"id\":\""
                + TASK
                + "\",\"attempt\":4},{\"id\":\""
                + OTHER
                + "\",\"attempt\":1}],\"status\":\"ERRORED\","
                + "\"message\":\"killed\""
                + END),
        new Pinned(
            new JobEvent.TasksWithdrawn(
                JOB,
                List.of(new TaskAttempt(TASK, 2), new TaskAttempt(OTHER, 1)),
                "paused while queued",
                AT),
            "tasks_withdrawn",
            J
                + ",\"tasks\":[{\"id\":\""
                + TASK
                + "\",\"attempt\":2},{\"id\":\""
                + OTHER
                + "\",\"attempt\":1}],\"status\":\"PENDING\","
                + "\"message\":\"paused while queued\""
                + END),
        new Pinned(
            new JobEvent.TasksReset(JOB, List.of(TASK, OTHER), AT),
            "tasks_reset",
            J + ",\"task_ids\":[\"" + TASK + "\",\"" + OTHER + "\"],\"status\":\"PENDING\"" + END),
        new Pinned(
            new JobEvent.LayerFinished(JOB, LAYER, Status.ERRORED, AT),
            "layer_finished",
            J + ",\"layer_id\":\"" + LAYER + "\",\"status\":\"ERRORED\"" + END),
        new Pinned(
            new JobEvent.LayerFinished(JOB, LAYER, Status.COMPLETED, AT),
            "layer_finished",
            J + ",\"layer_id\":\"" + LAYER + "\",\"status\":\"COMPLETED\"" + END),
        new Pinned(
            new JobEvent.LayerSkipped(JOB, LAYER, AT),
            "layer_skipped",
            J + ",\"layer_id\":\"" + LAYER + "\",\"status\":\"SKIPPED\"" + END),
        new Pinned(
            new JobEvent.LayerReopened(JOB, LAYER, AT),
            "layer_reopened",
            J + ",\"layer_id\":\"" + LAYER + "\",\"status\":\"RUNNING\"" + END),
        new Pinned(
            new JobEvent.JobStatusChanged(JOB, Status.SKIPPED, AT),
            "job_status_changed",
            J + ",\"status\":\"SKIPPED\"" + END),
        new Pinned(
            new JobEvent.ActionTaken(JOB, Action.RETRY, ObjectKind.LAYER, LAYER, "ops", AT),
            "action_taken",
            J
                + ",\"action\":\"retry\",\"kind\":\"Layer\",\"id\":\""
                + LAYER
                + "\","
                + "\"by\":\"ops\""
                + END),
        new Pinned(
            new JobEvent.Paused(JOB, ObjectKind.TASK, TASK, 1_700_000_001_000L, AT),
            "paused",
            J + ",\"kind\":\"Task\",\"id\":\"" + TASK + "\",\"paused_at\":1700000001" + END),
        new Pinned(
            new JobEvent.Unpaused(JOB, ObjectKind.JOB, JOB, AT),
            "unpaused",
            J + ",\"kind\":\"Job\",\"id\":\"" + JOB + "\"" + END));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("everyEventKind")
  void everyEventIsStreamedUnderItsNameWithTheSameJsonAsBefore(Pinned pinned) throws Exception {
    EventViews.View view = EventViews.of(pinned.event());

    assertThat(view.name()).isEqualTo(pinned.name());
    assertThat(ApiJson.MAPPER.writeValueAsString(view.data())).isEqualTo(pinned.json());
  }

  @Test
  void anEventAboutNoTasksNamesNoStatus() throws Exception {
    EventViews.View view = EventViews.of(new JobEvent.TasksQueued(JOB, List.of(), AT));

    assertThat(ApiJson.MAPPER.writeValueAsString(view.data()))
        .isEqualTo(J + ",\"task_ids\":[]" + END);
  }

  /**
   * A batch of reports is streamed as the events it stands for, each under its own name with the
   * same JSON as when it was journaled alone (pinned above): a start, then the end.
   */
  @Test
  void aBatchOfReportsIsStreamedAsTheStartsAndEndsItHolds() throws Exception {
    JobEvent batch =
        new JobEvent.AttemptsReported(
            JOB,
            List.of(
                new ReportedAttempt(
                    TASK,
                    1,
                    true,
                    "worker-1",
                    ReportedAttempt.Outcome.COMPLETED,
                    "done",
                    "hi".getBytes(StandardCharsets.UTF_8),
                    0),
                ReportedAttempt.started(TASK, 3, "worker-1"),
                ReportedAttempt.ended(
                    TASK, 2, ReportedAttempt.Outcome.FAILED, "boom", null, 1_700_000_031_500L),
                ReportedAttempt.ended(
                    TASK, 1, ReportedAttempt.Outcome.SKIPPED, "not needed", null, 0),
                ReportedAttempt.ended(
                    TASK, 1, ReportedAttempt.Outcome.WITHDRAWN, "paused while queued", null, 0)),
            AT);
    List<JobEvent> alone =
        List.of(
            new JobEvent.TaskStarted(JOB, TASK, 1, "worker-1", AT),
            new JobEvent.TaskCompleted(
                JOB, TASK, 1, "hi".getBytes(StandardCharsets.UTF_8), "done", AT),
            new JobEvent.TaskStarted(JOB, TASK, 3, "worker-1", AT),
            new JobEvent.TaskFailed(JOB, TASK, 2, "boom", 1_700_000_031_500L, AT),
            new JobEvent.TaskSkipped(JOB, TASK, 1, "not needed", AT),
            new JobEvent.TaskWithdrawn(JOB, TASK, 1, "paused while queued", AT));

    List<EventViews.View> views = EventViews.all(batch);

    assertThat(views)
        .extracting(EventViews.View::name)
        .containsExactly(
            "task_started",
            "task_completed",
            "task_started",
            "task_failed",
            "task_skipped",
            "task_withdrawn");
    for (int i = 0; i < alone.size(); i++) {
      // each of these single events is pinned byte for byte by the test above
      assertThat(ApiJson.MAPPER.writeValueAsString(views.get(i).data()))
          .isEqualTo(ApiJson.MAPPER.writeValueAsString(EventViews.of(alone.get(i)).data()));
    }
    assertThat(EventViews.all(alone.get(0))).hasSize(1);
  }

  @Test
  void everyKindOfEventIsPinned() {
    Set<Class<?>> pinned =
        everyEventKind().map(p -> p.event().getClass()).collect(Collectors.toSet());
    // streamed as the events it stands for: aBatchOfReportsIsStreamedAsTheStartsAndEndsItHolds
    pinned.add(JobEvent.AttemptsReported.class);

    assertThat(pinned).containsExactlyInAnyOrder(JobEvent.class.getPermittedSubclasses());
  }
}
