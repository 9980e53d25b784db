package igor.entity;

import static org.assertj.core.api.Assertions.assertThat;

import igor.domain.Identifiers;
import igor.domain.JobEvent;
import igor.domain.JobPlan;
import igor.domain.LayerPlan;
import igor.domain.Rejection;
import igor.domain.Status;
import igor.domain.TaskPlan;
import igor.domain.WorkerReport;
import igor.queue.WireFormat;
import igor.testing.SerializationConfig;
import igor.testing.TestRedis;
import java.time.Duration;
import java.util.List;
import org.apache.pekko.Done;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.redisson.client.codec.StringCodec;

/**
 * The job entity with Pekko's persistence test kit (in-memory journal, every command, event and
 * reply serialized on the way) and the real Redis queue.
 */
class JobEntityTest {
  private static ActorTestKit testKit;
  private static TestRedis redis;

  private EventSourcedBehaviorTestKit<JobEntity.Command, JobEvent, igor.domain.Job> kit;
  private String jobId;

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
    kit =
        entity(
            new EntitySettings(
                100, Duration.ofMinutes(1), Duration.ofMillis(200), Duration.ofSeconds(30)));
  }

  private EventSourcedBehaviorTestKit<JobEntity.Command, JobEvent, igor.domain.Job> entity(
      EntitySettings settings) {
    return JobEntityKits.jobEntity(testKit, redis, jobId, settings);
  }

  private JobPlan twoLayers(String firstTask) {
    String first = Identifiers.newId();
    String second = Identifiers.newId();
    return new JobPlan(
        jobId,
        "entity",
        0,
        List.of(new LayerPlan(first, "first", 0, 0), new LayerPlan(second, "second", 1, 0)),
        List.of(
            new TaskPlan(firstTask, first, "noop", "", new byte[] {1, 2}, 0, 0),
            new TaskPlan(Identifiers.newId(), second, "noop", "", null, 0, 0)));
  }

  private JobEntity.JobResult create(JobPlan plan) {
    return kit.<JobEntity.JobResult>runCommand(r -> new JobEntity.Create(plan, r)).reply();
  }

  private void report(WorkerReport.Kind kind, String taskId, int attempt) {
    var result =
        kit.<Done>runCommand(
            r ->
                new JobEntity.ApplyReports(
                    List.of(
                        new WorkerReport(
                            kind,
                            jobId,
                            taskId,
                            attempt,
                            "w",
                            "",
                            null,
                            true,
                            System.currentTimeMillis())),
                    r));
    assertThat(result.reply()).isEqualTo(Done.getInstance());
  }

  @Test
  void createsTheJobJournalsItAndHandsItsFirstLayerToTheQueue() {
    String taskId = Identifiers.newId();
    var result =
        kit.<JobEntity.JobResult>runCommand(r -> new JobEntity.Create(twoLayers(taskId), r));

    assertThat(result.reply().rejection()).isNull();
    assertThat(result.reply().job().status()).isEqualTo(Status.RUNNING);
    assertThat(result.events())
        .extracting(e -> e.getClass().getSimpleName())
        .containsExactly("JobCreated", "TasksAdded", "LayersStarted", "TasksQueued");
    var queue =
        redis.client().<String>getList(redis.prefix() + ":queue:noop", StringCodec.INSTANCE);
    long deadline = System.currentTimeMillis() + 5000;
    List<String> mine = List.of();
    while (mine.isEmpty() && System.currentTimeMillis() < deadline) {
      mine = queue.readAll().stream().filter(m -> m.contains(taskId)).toList();
    }
    assertThat(mine).singleElement().asString().contains("\"attempt\":1");
  }

  @Test
  void appliesWorkerReportsUntilTheJobCompletes() throws Exception {
    String taskId = Identifiers.newId();
    JobEntity.JobResult created = create(twoLayers(taskId));
    String second = created.job().tasks().get(1).id();

    report(WorkerReport.Kind.STARTED, taskId, 1);
    report(WorkerReport.Kind.COMPLETED, taskId, 1);
    assertThat(kit.getState().findTask(second).status()).isEqualTo(Status.QUEUED);
    report(WorkerReport.Kind.COMPLETED, second, 1);

    assertThat(kit.getState().status()).isEqualTo(Status.COMPLETED);
    var read = kit.<JobEntity.JobResult>runCommand(JobEntity.Get::new).reply();
    assertThat(read.job().tasks())
        .allSatisfy(t -> assertThat(t.status()).isEqualTo(Status.COMPLETED));
  }

  @Test
  void recoversTheSameStateFromItsJournal() {
    String taskId = Identifiers.newId();
    create(twoLayers(taskId));
    report(WorkerReport.Kind.STARTED, taskId, 1);
    var before = kit.getState().snapshot();

    var restarted = kit.restart();

    assertThat(restarted.state().snapshot()).usingRecursiveComparison().isEqualTo(before);
  }

  @Test
  void recoversTheSameStateFromASnapshotAndTheEventsAfterIt() {
    kit =
        entity(
            new EntitySettings(
                2, Duration.ofMinutes(1), Duration.ofMillis(200), Duration.ofSeconds(30)));
    String taskId = Identifiers.newId();
    create(twoLayers(taskId));
    report(WorkerReport.Kind.STARTED, taskId, 1);
    report(WorkerReport.Kind.FAILED, taskId, 1);
    var before = kit.getState().snapshot();

    var restarted = kit.restart();

    assertThat(restarted.state().snapshot()).usingRecursiveComparison().isEqualTo(before);
    assertThat(restarted.state().status()).isEqualTo(Status.ERRORED);
  }

  @Test
  void refusesTasksForALayerThatRunsAndJournalsNothing() {
    JobEntity.JobResult created = create(twoLayers(Identifiers.newId()));
    String running = created.job().layers().get(0).id();

    var result =
        kit.<JobEntity.TasksResult>runCommand(
            r ->
                new JobEntity.AddTasks(
                    List.of(new TaskPlan(Identifiers.newId(), running, "noop", "", null, 0, 0)),
                    r));

    assertThat(result.reply().rejection().kind()).isEqualTo(Rejection.Kind.CONFLICT);
    assertThat(result.events()).isEmpty();
  }

  @Test
  void addsTasksToALayerThatHasNotStarted() {
    JobEntity.JobResult created = create(twoLayers(Identifiers.newId()));
    String pending = created.job().layers().get(1).id();
    String added = Identifiers.newId();

    var result =
        kit.<JobEntity.TasksResult>runCommand(
            r ->
                new JobEntity.AddTasks(
                    List.of(new TaskPlan(added, pending, "echo", "more", null, 0, 3)), r));

    assertThat(result.reply().rejection()).isNull();
    assertThat(result.reply().tasks())
        .singleElement()
        .satisfies(
            t -> {
              assertThat(t.id()).isEqualTo(added);
              assertThat(t.status()).isEqualTo(Status.PENDING);
              assertThat(t.retries()).isEqualTo(3);
            });
  }

  @Test
  void refusesToCreateAJobTwice() {
    JobPlan plan = twoLayers(Identifiers.newId());
    create(plan);

    JobEntity.JobResult again = create(plan);

    assertThat(again.rejection().kind()).isEqualTo(Rejection.Kind.CONFLICT);
  }

  @Test
  void answersNotFoundForAJobNeverCreatedAndIgnoresReportsForIt() {
    var read = kit.<JobEntity.JobResult>runCommand(JobEntity.Get::new);
    report(WorkerReport.Kind.COMPLETED, Identifiers.newId(), 1);

    assertThat(read.reply().rejection().kind()).isEqualTo(Rejection.Kind.NOT_FOUND);
    assertThat(kit.getState().exists()).isFalse();
  }

  @Test
  void deliveryOnTheQueueFollowsTheWorkerProtocol() throws Exception {
    String taskId = Identifiers.newId();
    create(twoLayers(taskId));
    var queue =
        redis.client().<String>getList(redis.prefix() + ":queue:noop", StringCodec.INSTANCE);
    long deadline = System.currentTimeMillis() + 5000;
    String message = null;
    while (message == null && System.currentTimeMillis() < deadline) {
      message = queue.readAll().stream().filter(m -> m.contains(taskId)).findFirst().orElse(null);
    }

    var delivery = WireFormat.parseDelivery(message);
    assertThat(delivery.jobId()).isEqualTo(jobId);
    assertThat(delivery.attempt()).isEqualTo(1);
    assertThat(delivery.args()).containsExactly(1, 2);
    assertThat(delivery.deliveryId()).isEqualTo(Identifiers.deliveryId(taskId, 1));
  }

  @Test
  void aJobWhoseJournaledTimeOutIsPastPekkosTimerLimitStillRunsAndRecovers() {
    String layer = Identifiers.newId();
    String taskId = Identifiers.newId();
    long at = System.currentTimeMillis();
    // as an earlier version journaled it, before time-outs were bounded at the edge
    kit.persistenceTestKit()
        .persistForRecovery(
            "Job|" + jobId,
            List.of(
                new JobEvent.JobCreated(
                    jobId, "long time-out", 0, List.of(new LayerPlan(layer, "only", 0, 0)), at),
                new JobEvent.TasksAdded(
                    jobId,
                    List.of(new TaskPlan(taskId, layer, "noop", "", null, 0, 0, Integer.MAX_VALUE)),
                    at),
                new JobEvent.LayersStarted(jobId, List.of(layer), at),
                new JobEvent.TasksQueued(jobId, List.of(taskId), at)));
    kit.restart();

    report(WorkerReport.Kind.STARTED, taskId, 1);
    var restarted = kit.restart();
    assertThat(restarted.state().findTask(taskId).status()).isEqualTo(Status.RUNNING);
    report(WorkerReport.Kind.COMPLETED, taskId, 1);

    var read = kit.<JobEntity.JobResult>runCommand(JobEntity.Get::new).reply();
    assertThat(read.job().status()).isEqualTo(Status.COMPLETED);
  }

  @Test
  void clampsEveryTimerDelayToWhatPekkoAccepts() {
    assertThat(JobTimers.timerDelay(Duration.ofSeconds(Integer.MAX_VALUE)))
        .isEqualTo(JobTimers.MAX_TIMER_DELAY);
    assertThat(JobTimers.timerDelay(Duration.ofMillis(-5))).isEqualTo(Duration.ZERO);
    assertThat(JobTimers.timerDelay(Duration.ofSeconds(3))).isEqualTo(Duration.ofSeconds(3));
    assertThat(JobTimers.MAX_TIMER_DELAY).isLessThan(Duration.ofSeconds(21_474_835));
  }

  @Test
  void aJobThatCannotBeRecoveredAnswersWhyInsteadOfTimingOut() {
    create(twoLayers(Identifiers.newId()));
    String ghost = Identifiers.newId();
    kit.persistenceTestKit()
        .persistForRecovery(
            "Job|" + jobId,
            List.of(new JobEvent.TaskStarted(jobId, ghost, 1, "w", System.currentTimeMillis())));

    kit.restart();

    var read = kit.<JobEntity.JobResult>runCommand(JobEntity.Get::new).reply();
    assertThat(read.rejection().kind()).isEqualTo(Rejection.Kind.UNAVAILABLE);
    assertThat(read.rejection().reason()).contains(jobId).contains("cannot be recovered");
    var summary = kit.<JobEntity.SummaryResult>runCommand(JobEntity.GetSummary::new).reply();
    assertThat(summary.rejection().kind()).isEqualTo(Rejection.Kind.UNAVAILABLE);
  }
}
