package igor.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import igor.client.AuditEntry;
import igor.client.Igor;
import igor.client.IgorClient;
import igor.client.IgorException;
import igor.client.Job;
import igor.client.JobSpec;
import igor.client.Layer;
import igor.client.LayerSpec;
import igor.client.Ref;
import igor.client.Schedule;
import igor.client.ScheduleSpec;
import igor.client.Status;
import igor.client.Task;
import igor.testing.TestNode;
import igor.testing.TestTime;
import igor.worker.api.TaskSpec;
import igor.worker.builtin.BuiltinHandlers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The in-cluster API inside a test node: the node's own JobService and entities, no HTTP. */
class ClusterIgorTest {
  private static final Duration WAIT = TestTime.scaled(Duration.ofSeconds(20));
  private static TestNode.Running running;
  private static Igor inCluster;

  @BeforeAll
  static void startNode() {
    running = TestNode.running(BuiltinHandlers.all());
    inCluster = running.node().igor().as("billing-service");
  }

  @AfterAll
  static void stopNode() {
    running.close();
  }

  @Test
  void aJobCreatedInTheClusterRunsAndLooksAsItDoesOverHttp() {
    Job job =
        inCluster.create(
            JobSpec.named("in-cluster")
                .layer(
                    LayerSpec.priority(0)
                        .task(
                            TaskSpec.of("echo", "hi".getBytes(StandardCharsets.UTF_8))
                                .withRetries(1))));

    Job done = inCluster.awaitFinished(job.id(), WAIT);

    assertThat(done.status()).isEqualTo(Status.COMPLETED);
    assertThat(done.tasks().get(0).resultAsText()).isEqualTo("hi");
    assertThat(done.tasks().get(0).retries()).isEqualTo(1);
    IgorClient http = IgorClient.connect("http://127.0.0.1:" + running.node().httpPort());
    Job overHttp = http.job(job.id());
    assertThat(overHttp.etag()).isEqualTo(done.etag());
    assertThat(overHttp.counts()).isEqualTo(done.counts());
    assertThat(overHttp.layers().get(0).counts()).isEqualTo(done.layers().get(0).counts());
    assertThat(overHttp.createdAt()).isEqualTo(done.createdAt());
  }

  @Test
  void aJobCreatedInTheClusterToStartLaterWaitsAndIsStartedNow() {
    Job job =
        inCluster.create(
            JobSpec.named("later")
                .startAfter(Duration.ofMinutes(30))
                .layer(LayerSpec.priority(0).task(TaskSpec.of("noop", null))));

    assertThat(job.status()).isEqualTo(Status.PENDING);
    assertThat(job.startAt()).isPositive();
    assertThat(inCluster.act(igor.client.Action.START, List.of(igor.client.Ref.of(job))))
        .isEqualTo(1);
    assertThat(inCluster.awaitFinished(job.id(), WAIT).status()).isEqualTo(Status.COMPLETED);
    assertThatThrownBy(
            () ->
                inCluster.create(
                    JobSpec.named("far")
                        .startAt(java.time.Instant.now().plus(Duration.ofDays(90)))))
        .isInstanceOfSatisfying(
            igor.client.IgorException.BadRequest.class,
            e -> assertThat(e.error()).contains("igor.limits.max-start-delay"));
  }

  @Test
  void tasksAreAddedAndActionsAreAuditedUnderTheServicesName() {
    Job job =
        inCluster.create(
            JobSpec.named("steered")
                .paused()
                .layer(LayerSpec.priority(0).task(TaskSpec.of("noop", null)))
                .layer(LayerSpec.priority(1).named("later")));
    Layer later = job.layer("later").orElseThrow();
    String layer = later.id();

    List<Task> added = inCluster.addTasks(layer, List.of(TaskSpec.of("noop", null)));
    assertThat(added)
        .singleElement()
        .satisfies(t -> assertThat(t.status()).isEqualTo(Status.PENDING));
    assertThat(inCluster.pause(Ref.of(later))).isEqualTo(1);
    assertThat(inCluster.unpause(Ref.layer(layer)))
        .as("no etag: acts on what is current")
        .isEqualTo(1);
    assertThat(inCluster.pause(Ref.of(later))).as("the etag of the create, stale now").isZero();
    assertThat(inCluster.job(job.id()).layer("later").orElseThrow().isPaused()).isFalse();
    assertThat(inCluster.unpause(Ref.of(job))).isEqualTo(1);

    assertThat(inCluster.awaitFinished(job.id(), WAIT).status()).isEqualTo(Status.COMPLETED);
    List<AuditEntry> audit = inCluster.audit(job.id());
    assertThat(audit).extracting(AuditEntry::action).containsExactly("pause", "unpause", "unpause");
    assertThat(audit).extracting(AuditEntry::kind).containsExactly("Layer", "Layer", "Job");
    assertThat(audit).extracting(AuditEntry::by).containsOnly("billing-service");
  }

  @Test
  void refusalsAreTheSameTypedExceptionsAsOverHttp() {
    assertThatThrownBy(() -> inCluster.job("00000000-0000-4000-8000-000000000000"))
        .isInstanceOf(IgorException.NotFound.class);
    assertThatThrownBy(
            () ->
                inCluster.addTasks(
                    "00000000-0000-4000-8000-000000000000", List.of(TaskSpec.of("noop", null))))
        .isInstanceOf(IgorException.NotFound.class);
    assertThatThrownBy(
            () ->
                inCluster.create(
                    JobSpec.named("typeless")
                        .layer(LayerSpec.priority(0).task(TaskSpec.of("", null)))))
        .isInstanceOfSatisfying(
            IgorException.BadRequest.class, e -> assertThat(e.error()).contains("no type"));
    Job done =
        inCluster.create(
            JobSpec.named("done").layer(LayerSpec.priority(0).task(TaskSpec.of("noop", null))));
    inCluster.awaitFinished(done.id(), WAIT);
    assertThatThrownBy(
            () -> inCluster.addTasks(done.layers().get(0).id(), List.of(TaskSpec.of("noop", null))))
        .isInstanceOf(IgorException.Conflict.class);
  }

  @Test
  void aScheduleIsCreatedReadListedPausedTriggeredAndDeletedInTheClusterAsOverHttp() {
    Schedule created =
        inCluster.createSchedule(
            ScheduleSpec.of(
                    "0 0 3 1 1 *",
                    JobSpec.named("yearly")
                        .layer(LayerSpec.priority(0).task(TaskSpec.of("noop", null))))
                .named("in-cluster schedule")
                .catchUpLast());

    assertThat(created.name()).isEqualTo("in-cluster schedule");
    assertThat(created.timeZone()).isEqualTo("UTC");
    assertThat(created.overlap()).isEqualTo("skip");
    assertThat(created.catchUp()).isEqualTo("last");
    assertThat(created.nextFireAt()).isGreaterThan(System.currentTimeMillis() / 1000);
    assertThat(inCluster.schedule(created.id())).isEqualTo(created);
    assertThat(inCluster.schedules()).extracting(Schedule::id).contains(created.id());

    assertThat(inCluster.pauseSchedule(created.id()).paused()).isTrue();
    Schedule triggered = inCluster.triggerSchedule(created.id());
    Schedule.Fire fire = triggered.lastFire().orElseThrow();
    assertThat(fire.manual()).isTrue();
    Job fired = awaitCreated(fire.jobId());
    assertThat(fired.name()).startsWith("yearly@");
    assertThat(inCluster.awaitFinished(fired.id(), WAIT).status()).isEqualTo(Status.COMPLETED);
    IgorClient http = IgorClient.connect("http://127.0.0.1:" + running.node().httpPort());
    Schedule read = inCluster.schedule(created.id());
    assertThat(http.schedule(created.id())).isEqualTo(read);
    assertThat(inCluster.unpauseSchedule(created.id()).paused()).isFalse();

    assertThat(inCluster.deleteSchedule(created.id()).id()).isEqualTo(created.id());
    assertThatThrownBy(() -> inCluster.schedule(created.id()))
        .isInstanceOfSatisfying(
            IgorException.NotFound.class, e -> assertThat(e.status()).isEqualTo(404));
    assertThatThrownBy(() -> inCluster.deleteSchedule(created.id()))
        .isInstanceOf(IgorException.NotFound.class);
    assertThat(inCluster.schedules()).extracting(Schedule::id).doesNotContain(created.id());
  }

  @Test
  void aScheduleIsCheckedInTheClusterAsOverHttp() {
    JobSpec job =
        JobSpec.named("checked").layer(LayerSpec.priority(0).task(TaskSpec.of("noop", null)));
    assertThatThrownBy(() -> inCluster.createSchedule(ScheduleSpec.of("0 0 31 2 *", job)))
        .isInstanceOfSatisfying(
            IgorException.BadRequest.class, e -> assertThat(e.error()).contains("'cron'"));
    assertThatThrownBy(
            () ->
                inCluster.createSchedule(ScheduleSpec.of("0 3 * * *", job).inTimeZone("Mars/Base")))
        .isInstanceOfSatisfying(
            IgorException.BadRequest.class, e -> assertThat(e.error()).contains("'time_zone'"));
    assertThatThrownBy(
            () -> inCluster.createSchedule(ScheduleSpec.of("0 3 * * *", job).catchUpAll(100_000)))
        .isInstanceOfSatisfying(
            IgorException.BadRequest.class,
            e -> assertThat(e.error()).contains("igor.schedules.max-catch-up"));
    assertThatThrownBy(
            () ->
                inCluster.createSchedule(
                    ScheduleSpec.of(
                        "0 3 * * *",
                        JobSpec.named("typeless")
                            .layer(LayerSpec.priority(0).task(TaskSpec.of("", null))))))
        .isInstanceOfSatisfying(
            IgorException.BadRequest.class, e -> assertThat(e.error()).contains("no type"));
    assertThatThrownBy(() -> inCluster.pauseSchedule("not-an-id"))
        .isInstanceOf(IgorException.BadRequest.class);
  }

  /** A fired job is created after the schedule answers: ask until it exists. */
  private static Job awaitCreated(String jobId) {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (true) {
      try {
        return inCluster.job(jobId);
      } catch (IgorException.NotFound e) {
        if (System.nanoTime() > deadline) {
          throw e;
        }
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
  }
}
