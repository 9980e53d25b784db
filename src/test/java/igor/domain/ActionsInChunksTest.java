package igor.domain;

import static igor.domain.Events.all;
import static igor.domain.Events.types;
import static igor.domain.Plans.aJob;
import static igor.domain.Plans.aLayer;
import static igor.domain.Refs.jobRef;
import static igor.domain.Refs.layerRef;
import static igor.domain.Refs.taskRef;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import igor.domain.JobEvent.ActionTaken;
import igor.domain.JobEvent.JobStatusChanged;
import igor.domain.JobEvent.LayerFinished;
import igor.domain.JobEvent.LayerReopened;
import igor.domain.JobEvent.Paused;
import igor.domain.JobEvent.TaskKilled;
import igor.domain.JobEvent.TaskReset;
import igor.domain.JobEvent.TaskWithdrawn;
import igor.domain.JobEvent.TasksKilled;
import igor.domain.JobEvent.TasksQueued;
import igor.domain.JobEvent.TasksReset;
import igor.domain.JobEvent.TasksWithdrawn;
import igor.domain.JobEvent.Unpaused;
import igor.domain.Plans.LayerBuilder;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Pause, unpause, kill and retry of a layer or a job change its tasks in events about many tasks
 * each, cut in chunks of igor.jobs.tasks-per-event (here 4, to see the cuts), so that an action on
 * a job of 100,000 tasks journals a hundred events, not a hundred thousand (issue 18 item 4). An
 * action on one task still journals that task's own event.
 */
class ActionsInChunksTest {
  private static final int PER_EVENT = 4;
  private final LayerBuilder layer = aLayer().withTasks(10);
  private final JobScenario job = JobScenario.created(aJob().with(layer), PER_EVENT);
  private final List<String> ids = layer.taskIds();

  @Test
  void killingAJobKillsItsAttemptsInChunksEachNamingTheAttemptItStops() {
    job.start(ids.get(1));
    job.release(ids.get(2)); // given back and queued again: its second attempt is in flight

    int updated = job.act(Action.KILL, jobRef(job.jobId()));

    assertThat(updated).isEqualTo(1);
    assertThat(types(job.lastEvents()))
        .containsExactly(
            ActionTaken.class,
            TasksKilled.class,
            TasksKilled.class,
            TasksKilled.class,
            LayerFinished.class,
            JobStatusChanged.class);
    List<TasksKilled> chunks = all(job.lastEvents(), TasksKilled.class);
    assertThat(chunks).extracting(e -> e.attempts().size()).containsExactly(4, 4, 2);
    List<TaskAttempt> attempts = new ArrayList<>();
    chunks.forEach(e -> attempts.addAll(e.attempts()));
    assertThat(attempts).extracting(TaskAttempt::taskId).containsExactlyElementsOf(ids);
    assertThat(attempts).contains(new TaskAttempt(ids.get(2), 2), new TaskAttempt(ids.get(1), 1));
    for (String id : ids) {
      assertThat(job.statusOfTask(id)).isEqualTo(Status.ERRORED);
      assertThat(job.task(id).snapshot().message()).isEqualTo("killed");
    }
    assertThat(job.job().tasksInFlight()).isEmpty();
    assertThat(job.status()).isEqualTo(Status.ERRORED);
    assertThat(job.complete(ids.get(1))).as("the killed attempt's late result").isEmpty();
  }

  @Test
  void killingALayerKillsOnlyItsTasksInFlight() {
    job.complete(ids.get(0));
    job.act(Action.PAUSE, taskRef(ids.get(9))); // withdrawn: PENDING

    job.act(Action.KILL, layerRef(layer.id()));

    List<TaskAttempt> killed = new ArrayList<>();
    all(job.lastEvents(), TasksKilled.class).forEach(e -> killed.addAll(e.attempts()));
    assertThat(killed).extracting(TaskAttempt::taskId).containsExactlyElementsOf(ids.subList(1, 9));
    assertThat(all(job.lastEvents(), TasksKilled.class))
        .extracting(e -> e.attempts().size())
        .containsExactly(4, 4);
    assertThat(job.statusOfTask(ids.get(0))).isEqualTo(Status.COMPLETED);
    assertThat(job.statusOfTask(ids.get(9))).isEqualTo(Status.PENDING);
  }

  @Test
  void skippingAJobSkipsItsTasksInFlightInChunksEachNamingTheAttemptItStops() {
    job.complete(ids.get(0));
    job.start(ids.get(1));
    job.act(Action.PAUSE, taskRef(ids.get(9))); // withdrawn: PENDING, not in flight

    job.act(Action.SKIP, jobRef(job.jobId()));

    assertThat(types(job.lastEvents()))
        .containsExactly(
            ActionTaken.class,
            JobEvent.TasksSkipped.class,
            JobEvent.TasksSkipped.class,
            JobEvent.TasksSkipped.class,
            JobEvent.LayerSkipped.class,
            JobStatusChanged.class);
    List<JobEvent.TasksSkipped> chunks = all(job.lastEvents(), JobEvent.TasksSkipped.class);
    assertThat(chunks)
        .extracting(e -> e.taskIds().size() + e.inFlight().size())
        .containsExactly(4, 4, 1);
    List<TaskAttempt> inFlight = new ArrayList<>();
    chunks.forEach(e -> inFlight.addAll(e.inFlight()));
    assertThat(inFlight)
        .extracting(TaskAttempt::taskId)
        .containsExactlyElementsOf(ids.subList(1, 9));
    assertThat(inFlight).extracting(TaskAttempt::attempt).containsOnly(1);
    assertThat(chunks.get(2).taskIds()).containsExactly(ids.get(9));
    for (String id : ids.subList(1, 10)) {
      assertThat(job.statusOfTask(id)).isEqualTo(Status.SKIPPED);
    }
    assertThat(job.statusOfTask(ids.get(0))).isEqualTo(Status.COMPLETED);
    assertThat(job.job().tasksInFlight()).isEmpty();
    assertThat(job.complete(ids.get(1))).as("the skipped attempt's late result").isEmpty();
  }

  @Test
  void killingOneTaskStillJournalsThatTasksOwnEvent() {
    job.act(Action.KILL, taskRef(ids.get(3)));

    assertThat(types(job.lastEvents())).containsExactly(ActionTaken.class, TaskKilled.class);
  }

  @Test
  void pausingAJobWithdrawsItsQueuedAttemptsInChunksAndLeavesRunningOnesAlone() {
    job.start(ids.get(0));
    job.start(ids.get(5));

    job.act(Action.PAUSE, jobRef(job.jobId()));

    assertThat(types(job.lastEvents()))
        .containsExactly(
            ActionTaken.class, Paused.class, TasksWithdrawn.class, TasksWithdrawn.class);
    List<TasksWithdrawn> chunks = all(job.lastEvents(), TasksWithdrawn.class);
    assertThat(chunks).extracting(e -> e.attempts().size()).containsExactly(4, 4);
    assertThat(chunks).extracting(TasksWithdrawn::reason).containsOnly("paused while queued");
    List<String> withdrawn = new ArrayList<>();
    chunks.forEach(e -> e.attempts().forEach(a -> withdrawn.add(a.taskId())));
    List<String> queued = new ArrayList<>(ids);
    queued.removeAll(List.of(ids.get(0), ids.get(5)));
    assertThat(withdrawn).containsExactlyElementsOf(queued);
    for (String id : queued) {
      assertThat(job.statusOfTask(id)).isEqualTo(Status.PENDING);
      assertThat(job.task(id).queueTaskId()).isEmpty();
      assertThat(job.task(id).snapshot().message()).isEqualTo("paused while queued");
    }
    assertThat(job.statusOfTask(ids.get(0))).isEqualTo(Status.RUNNING);
    assertThat(job.statusOfTask(ids.get(5))).isEqualTo(Status.RUNNING);
    assertThat(job.complete(ids.get(2))).as("the withdrawn attempt's late result").isEmpty();
  }

  @Test
  void pausingOneTaskStillJournalsThatTasksOwnEvent() {
    job.act(Action.PAUSE, taskRef(ids.get(3)));

    assertThat(types(job.lastEvents()))
        .containsExactly(ActionTaken.class, Paused.class, TaskWithdrawn.class);
  }

  @Test
  void unpausingAJobQueuesItsTasksAgainInChunksWithANewAttemptThatUsesNoRetry() {
    job.act(Action.PAUSE, jobRef(job.jobId()));

    job.act(Action.UNPAUSE, jobRef(job.jobId()));

    assertThat(types(job.lastEvents()))
        .containsExactly(
            ActionTaken.class,
            Unpaused.class,
            TasksQueued.class,
            TasksQueued.class,
            TasksQueued.class);
    assertThat(all(job.lastEvents(), TasksQueued.class))
        .extracting(e -> e.taskIds().size())
        .containsExactly(4, 4, 2);
    for (String id : ids) {
      assertThat(job.statusOfTask(id)).isEqualTo(Status.QUEUED);
      assertThat(job.task(id).attempts()).isEqualTo(2);
    }
  }

  @Test
  void retryingAJobResetsItsErroredTasksInChunksAndQueuesThemAgain() {
    job.act(Action.KILL, jobRef(job.jobId()));
    assertThat(job.status()).isEqualTo(Status.ERRORED);

    int updated = job.act(Action.RETRY, jobRef(job.jobId()));

    assertThat(updated).isEqualTo(1);
    assertThat(types(job.lastEvents()))
        .containsExactly(
            ActionTaken.class,
            TasksReset.class,
            TasksReset.class,
            TasksReset.class,
            LayerReopened.class,
            TasksQueued.class,
            TasksQueued.class,
            TasksQueued.class,
            JobStatusChanged.class);
    List<String> reset = new ArrayList<>();
    all(job.lastEvents(), TasksReset.class).forEach(e -> reset.addAll(e.taskIds()));
    assertThat(reset).containsExactlyElementsOf(ids);
    for (String id : ids) {
      assertThat(job.statusOfTask(id)).isEqualTo(Status.QUEUED);
      assertThat(job.task(id).attempts()).isEqualTo(2);
      assertThat(job.task(id).snapshot().message()).isEmpty();
    }
    assertThat(job.status()).isEqualTo(Status.RUNNING);
  }

  @Test
  void retryingOneTaskStillJournalsThatTasksOwnEvents() {
    job.act(Action.RETRY, taskRef(ids.get(3)));

    assertThat(types(job.lastEvents()))
        .containsExactly(ActionTaken.class, TaskKilled.class, TaskReset.class, TasksQueued.class);
  }

  @Test
  void byDefaultAThousandTasksGoInOneEvent() {
    LayerBuilder big = aLayer().withTasks(2 * JobDecider.TASKS_PER_EVENT + 500);
    JobScenario job = JobScenario.created(aJob().with(big));

    job.act(Action.KILL, layerRef(big.id()));

    assertThat(all(job.lastEvents(), TasksKilled.class))
        .extracting(e -> e.attempts().size())
        .containsExactly(1000, 1000, 500);
  }

  @Test
  void aDeciderRefusesEventsOfNoTasks() {
    assertThatThrownBy(
            () ->
                new JobDecider(
                    JobScenario.RETRY_POLICY, 10, PlanBounds.CEILINGS, /* per event */ 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("tasksPerEvent");
  }
}
