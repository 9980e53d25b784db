package igor.entity;

import static org.assertj.core.api.Assertions.assertThat;

import igor.domain.Action;
import igor.domain.Identifiers;
import igor.domain.JobEvent;
import igor.domain.JobPlan;
import igor.domain.LayerPlan;
import igor.domain.ObjectKind;
import igor.domain.ObjectRef;
import igor.domain.Status;
import igor.domain.TaskPlan;
import igor.testing.SerializationConfig;
import igor.testing.TestRedis;
import java.time.Duration;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.redisson.client.codec.StringCodec;

/**
 * A job entity whose job waits for its start time (Pekko's persistence test kit, the real Redis
 * queue): its timer starts it, a restarted entity arms the timer again from the journal, and a job
 * whose time passed while no entity ran starts as soon as it is recovered.
 */
class DelayedStartEntityTest {
  private static ActorTestKit testKit;
  private static TestRedis redis;

  private EventSourcedBehaviorTestKit<JobEntity.Command, JobEvent, igor.domain.Job> kit;
  private String jobId;
  private String layerId;
  private String taskId;

  @BeforeAll
  static void start() {
    testKit = ActorTestKit.create(SerializationConfig.withTestJournal());
    redis = TestRedis.create();
  }

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
    redis.close();
  }

  @BeforeEach
  void newEntity() {
    jobId = Identifiers.newId();
    layerId = Identifiers.newId();
    taskId = Identifiers.newId();
    kit =
        JobEntityKits.jobEntity(
            testKit,
            redis,
            jobId,
            new EntitySettings(
                100, Duration.ofMinutes(1), Duration.ofMillis(200), Duration.ofSeconds(30)));
  }

  private JobPlan startingAt(long startAtMillis) {
    return new JobPlan(
        jobId,
        "later",
        0,
        List.of(new LayerPlan(layerId, "only", 0, 0)),
        List.of(new TaskPlan(taskId, layerId, "noop", "", null, 0, 0)),
        startAtMillis);
  }

  private igor.domain.JobSnapshot read() {
    return kit.<JobEntity.JobResult>runCommand(JobEntity.Get::new).reply().job();
  }

  private igor.domain.JobSnapshot awaitStatus(Status status, Duration within) {
    long deadline = System.nanoTime() + within.toNanos();
    igor.domain.JobSnapshot job = read();
    while (job.status() != status && System.nanoTime() < deadline) {
      sleep(20);
      job = read();
    }
    assertThat(job.status()).as("job status within %s", within).isEqualTo(status);
    return job;
  }

  private boolean queued() {
    return redis
        .client()
        .<String>getList(redis.prefix() + ":queue:noop", StringCodec.INSTANCE)
        .readAll()
        .stream()
        .anyMatch(m -> m.contains(taskId));
  }

  @Test
  void aJobCreatedToStartLaterIsJournaledWaitingAndItsTimerStartsItAtItsTime() {
    long startAt = System.currentTimeMillis() + 1_500;

    var created =
        kit.<JobEntity.JobResult>runCommand(r -> new JobEntity.Create(startingAt(startAt), r));

    assertThat(created.reply().job().status()).isEqualTo(Status.PENDING);
    assertThat(created.reply().job().startAt()).isEqualTo(startAt);
    assertThat(created.events())
        .extracting(e -> e.getClass().getSimpleName())
        .containsExactly("JobCreated", "TasksAdded");
    assertThat(queued()).isFalse();
    assertThat(JobEffects.isAtRest(kit.getState())).as("a waiting job stays in memory").isFalse();

    awaitStatus(Status.RUNNING, Duration.ofSeconds(10));
    long startedAt = System.currentTimeMillis();

    assertThat(startedAt).isGreaterThanOrEqualTo(startAt);
    assertThat(kit.persistenceTestKit().persistedInStorage("Job|" + jobId))
        .extracting(e -> e.getClass().getSimpleName())
        .containsSubsequence("JobCreated", "JobStarted", "LayersStarted", "TasksQueued");
    long deadline = System.currentTimeMillis() + 5_000;
    while (!queued() && System.currentTimeMillis() < deadline) {
      sleep(20);
    }
    assertThat(queued()).isTrue();
  }

  @Test
  void aRestartedEntityArmsItsTimerAgainFromTheJournal() {
    long startAt = System.currentTimeMillis() + 1_500;
    kit.<JobEntity.JobResult>runCommand(r -> new JobEntity.Create(startingAt(startAt), r));

    var restarted = kit.restart();

    assertThat(restarted.state().status()).isEqualTo(Status.PENDING);
    assertThat(restarted.state().nextWakeAt()).isEqualTo(startAt);
    awaitStatus(Status.RUNNING, Duration.ofSeconds(10));
  }

  @Test
  void aJobWhoseTimePassedWhileNoEntityRanStartsWhenItIsRecovered() {
    long created = System.currentTimeMillis() - 60_000;
    kit.persistenceTestKit()
        .persistForRecovery(
            "Job|" + jobId,
            List.of(
                new JobEvent.JobCreated(
                    jobId,
                    "missed",
                    0,
                    List.of(new LayerPlan(layerId, "only", 0, 0)),
                    created,
                    created + 30_000),
                new JobEvent.TasksAdded(
                    jobId,
                    List.of(new TaskPlan(taskId, layerId, "noop", "", null, 0, 0)),
                    created)));

    kit.restart();

    igor.domain.JobSnapshot job = awaitStatus(Status.RUNNING, Duration.ofSeconds(5));
    assertThat(job.startAt()).isEqualTo(created + 30_000);
  }

  @Test
  void startNowStartsAWaitingJobAndItsTimerThenFindsNothingToDo() {
    long startAt = System.currentTimeMillis() + 60_000;
    kit.<JobEntity.JobResult>runCommand(r -> new JobEntity.Create(startingAt(startAt), r));

    var acted =
        kit.<JobEntity.ActResult>runCommand(
            r ->
                new JobEntity.Act(
                    Action.START, List.of(new ObjectRef(ObjectKind.JOB, jobId, "")), "ops", r));

    assertThat(acted.reply().updated()).isEqualTo(1);
    assertThat(acted.events())
        .extracting(e -> e.getClass().getSimpleName())
        .containsExactly("ActionTaken", "JobStarted", "LayersStarted", "TasksQueued");
    assertThat(kit.getState().status()).isEqualTo(Status.RUNNING);
    assertThat(kit.getState().nextWakeAt()).isZero();
  }

  @Test
  void aStartMonthsAheadIsWaitedForInStepsOfTheLongestTimerPekkoAccepts() {
    long startAt = System.currentTimeMillis() + 170L * 24 * 3600 * 1000;

    kit.<JobEntity.JobResult>runCommand(r -> new JobEntity.Create(startingAt(startAt), r));
    var restarted = kit.restart();

    assertThat(restarted.state().status()).isEqualTo(Status.PENDING);
    assertThat(restarted.state().nextWakeAt()).isEqualTo(startAt);
    assertThat(JobTimers.timerDelay(Duration.ofMillis(startAt - System.currentTimeMillis())))
        .isEqualTo(JobTimers.MAX_TIMER_DELAY);
    assertThat(read().status()).as("the entity still answers").isEqualTo(Status.PENDING);
  }

  @Test
  void aStartTimeBeyondTheLimitIsRefusedAndNothingIsJournaled() {
    long tooFar = System.currentTimeMillis() + 200L * 24 * 3600 * 1000;

    var refused =
        kit.<JobEntity.JobResult>runCommand(r -> new JobEntity.Create(startingAt(tooFar), r));

    assertThat(refused.reply().rejection().reason()).contains("igor.limits.max-start-delay");
    assertThat(refused.events()).isEmpty();
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
