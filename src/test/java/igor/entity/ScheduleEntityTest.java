package igor.entity;

import static org.assertj.core.api.Assertions.assertThat;

import igor.domain.Identifiers;
import igor.domain.JobPlan;
import igor.domain.LayerPlan;
import igor.domain.Schedule;
import igor.domain.ScheduleDecider;
import igor.domain.ScheduleEvent;
import igor.domain.ScheduleEvent.FiredJobCreated;
import igor.domain.ScheduleEvent.FiresSkipped;
import igor.domain.ScheduleEvent.ScheduleCreated;
import igor.domain.ScheduleEvent.ScheduleFired;
import igor.domain.ScheduleSpec;
import igor.domain.ScheduleSpec.CatchUp;
import igor.domain.ScheduleSpec.Overlap;
import igor.domain.TaskPlan;
import igor.entity.ScheduleEntity.ScheduleResult;
import igor.entity.ScheduledJobs.Created;
import igor.entity.ScheduledJobs.Outcome;
import igor.schedule.CronDueTimes;
import igor.testing.SerializationConfig;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The schedule entity with Pekko's persistence test kit (in-memory journal; every command, event
 * and reply serialized on the way) and a manual clock: due times come when the test says so.
 */
class ScheduleEntityTest {
  private static final long T0 = 1_800_000_000_000L;
  private static ActorTestKit testKit;

  private final AtomicLong clock = new AtomicLong(T0);
  private final FakeJobs jobs = new FakeJobs();
  private EventSourcedBehaviorTestKit<ScheduleEntity.Command, ScheduleEvent, Schedule> kit;
  private String scheduleId;

  /** Jobs as a schedule sees them: each creation recorded, answered as the test says. */
  static final class FakeJobs implements ScheduledJobs {
    final ConcurrentLinkedQueue<JobPlan> created = new ConcurrentLinkedQueue<>();
    final AtomicReference<Outcome> outcome = new AtomicReference<>(Outcome.CREATED);
    final AtomicBoolean answer = new AtomicBoolean(true);
    final AtomicBoolean unfinished = new AtomicBoolean(false);

    @Override
    public CompletionStage<Created> create(JobPlan plan) {
      created.add(plan);
      if (!answer.get()) {
        return new CompletableFuture<>(); // never answered: the node died meanwhile
      }
      return CompletableFuture.completedFuture(new Created(outcome.get(), "because"));
    }

    @Override
    public CompletionStage<Boolean> unfinished(String jobId) {
      return CompletableFuture.completedFuture(unfinished.get());
    }
  }

  @BeforeAll
  static void start() {
    testKit = ActorTestKit.create(SerializationConfig.withTestJournal());
  }

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  @BeforeEach
  void newEntity() {
    scheduleId = Identifiers.newId();
    kit =
        EventSourcedBehaviorTestKit.create(
            testKit.system(),
            ScheduleBehavior.create(
                scheduleId,
                new ScheduleBehavior.Dependencies(
                    new ScheduleDecider(60_000),
                    spec -> CronDueTimes.of(spec.cron(), spec.zone()),
                    jobs,
                    clock::get,
                    ScheduleBehavior.ScheduleObserver.NONE,
                    Duration.ofMillis(50),
                    100),
                self -> {}),
            EventSourcedBehaviorTestKit.enabledSerializationSettings()
                .withVerifyState(false)
                .withVerifyEquality(false));
  }

  private static ScheduleSpec spec(Overlap overlap) {
    return new ScheduleSpec(
        "every ten seconds",
        "*/10 * * * * *",
        "UTC",
        new JobPlan(
            "template",
            "report",
            0,
            List.of(new LayerPlan("l", "only", 0, 0)),
            List.of(new TaskPlan("t", "l", "noop", "", new byte[] {7}, 0, 2))),
        overlap,
        CatchUp.NONE,
        0);
  }

  private ScheduleResult create(Overlap overlap) {
    return kit.<ScheduleResult>runCommand(r -> new ScheduleEntity.Create(spec(overlap), r)).reply();
  }

  private List<ScheduleEvent> events() {
    return kit.persistenceTestKit().persistedInStorage("Schedule|" + scheduleId).stream()
        .map(ScheduleEvent.class::cast)
        .toList();
  }

  private static void eventually(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not met within 10 s");
      }
      Thread.sleep(20);
    }
  }

  @Test
  void aScheduleIsCreatedOnceAndAnswersItsNextDueTime() {
    ScheduleResult first = create(Overlap.ALLOW);
    ScheduleResult again = create(Overlap.ALLOW);
    assertThat(first.rejection()).isNull();
    assertThat(first.nextDueAt()).isEqualTo(T0 + 10_000);
    assertThat(again.schedule().createdAt()).isEqualTo(T0);
    assertThat(events()).hasSize(1).first().isInstanceOf(ScheduleCreated.class);
  }

  @Test
  void aDueTimeIsJournaledAsFiredBeforeItsJobIsCreatedAndTheCreationAfter() throws Exception {
    create(Overlap.ALLOW);
    clock.set(T0 + 10_300);
    kit.runCommand(new ScheduleEntity.Tick());
    eventually(() -> events().size() == 3);
    String jobId = ScheduleDecider.jobIdOf(scheduleId, T0 + 10_000);
    assertThat(events().get(1))
        .isEqualTo(new ScheduleFired(scheduleId, T0 + 10_000, jobId, false, T0 + 10_300));
    assertThat(events().get(2))
        .isEqualTo(new FiredJobCreated(scheduleId, T0 + 10_000, jobId, T0 + 10_300));
    assertThat(jobs.created).extracting(JobPlan::jobId).containsExactly(jobId);
    assertThat(jobs.created.peek().name()).isEqualTo("report@2027-01-15T08:00:10Z");
    // the same tick again fires nothing more
    kit.runCommand(new ScheduleEntity.Tick());
    assertThat(kit.getState().fires()).isEqualTo(1);
  }

  @Test
  void aCreationThatFailsIsTriedAgainAsTheSameJobUntilItExists() throws Exception {
    create(Overlap.ALLOW);
    jobs.outcome.set(Outcome.UNAVAILABLE);
    clock.set(T0 + 10_000);
    kit.runCommand(new ScheduleEntity.Tick());
    eventually(() -> jobs.created.size() >= 3);
    jobs.outcome.set(Outcome.CREATED);
    eventually(() -> kit.getState().pending().isEmpty());
    assertThat(jobs.created)
        .extracting(JobPlan::jobId)
        .containsOnly(ScheduleDecider.jobIdOf(scheduleId, T0 + 10_000));
    assertThat(kit.getState().fires()).isEqualTo(1);
  }

  @Test
  void aFireWhoseJobWasNotConfirmedBeforeARestartCreatesTheSameJobAfterIt() throws Exception {
    create(Overlap.ALLOW);
    jobs.answer.set(false);
    clock.set(T0 + 10_000);
    kit.runCommand(new ScheduleEntity.Tick());
    eventually(() -> jobs.created.size() == 1);
    JobPlan before = jobs.created.peek();
    jobs.answer.set(true);
    kit.restart();
    eventually(() -> kit.getState().pending().isEmpty());
    assertThat(jobs.created).hasSize(2);
    JobPlan after = jobs.created.stream().skip(1).findFirst().orElseThrow();
    assertThat(after.jobId()).isEqualTo(before.jobId());
    assertThat(after.tasks().get(0).taskId()).isEqualTo(before.tasks().get(0).taskId());
    assertThat(events()).filteredOn(ScheduleFired.class::isInstance).hasSize(1);
  }

  @Test
  void afterARestartTheDueTimesPassedMeanwhileFireOnceEach() throws Exception {
    create(Overlap.ALLOW);
    clock.set(T0 + 10_000);
    kit.runCommand(new ScheduleEntity.Tick());
    eventually(() -> kit.getState().pending().isEmpty());
    clock.set(T0 + 35_000); // down 25 s: two due times passed
    kit.restart();
    eventually(() -> kit.getState().fires() == 3 && kit.getState().pending().isEmpty());
    assertThat(events())
        .filteredOn(ScheduleFired.class::isInstance)
        .extracting(e -> ((ScheduleFired) e).dueAt())
        .containsExactly(T0 + 10_000, T0 + 20_000, T0 + 30_000);
  }

  @Test
  void underOverlapSkipADueTimeIsSkippedWhileTheLastJobIsUnfinished() throws Exception {
    create(Overlap.SKIP);
    clock.set(T0 + 10_000);
    kit.runCommand(new ScheduleEntity.Tick());
    eventually(() -> kit.getState().pending().isEmpty());
    jobs.unfinished.set(true);
    clock.set(T0 + 20_000);
    kit.runCommand(new ScheduleEntity.Tick());
    eventually(() -> kit.getState().skips() == 1);
    assertThat(events().get(events().size() - 1))
        .isEqualTo(new FiresSkipped(scheduleId, T0 + 10_000, T0 + 20_000, "overlap", T0 + 20_000));
    jobs.unfinished.set(false);
    clock.set(T0 + 30_000);
    kit.runCommand(new ScheduleEntity.Tick());
    eventually(() -> kit.getState().fires() == 2);
  }

  @Test
  void aTriggerFiresAtOnceAndAPausedScheduleDoesNotFireAtItsDueTimes() throws Exception {
    create(Overlap.ALLOW);
    ScheduleResult paused =
        kit.<ScheduleResult>runCommand(r -> new ScheduleEntity.Pause("ann", r)).reply();
    assertThat(paused.schedule().paused()).isTrue();
    assertThat(paused.nextDueAt()).isZero();
    clock.set(T0 + 10_000);
    kit.runCommand(new ScheduleEntity.Tick());
    assertThat(kit.getState().fires()).isZero();
    clock.set(T0 + 12_345);
    ScheduleResult triggered =
        kit.<ScheduleResult>runCommand(r -> new ScheduleEntity.Trigger("ann", r)).reply();
    assertThat(triggered.schedule().recent().get(0).dueAt()).isEqualTo(T0 + 12_345);
    eventually(() -> kit.getState().pending().isEmpty());
    assertThat(jobs.created)
        .extracting(JobPlan::jobId)
        .containsExactly(ScheduleDecider.jobIdOf(scheduleId, T0 + 12_345));
  }

  @Test
  void aDeletedScheduleAnswersNotFoundAndFiresNoMore() {
    create(Overlap.ALLOW);
    kit.<ScheduleResult>runCommand(r -> new ScheduleEntity.Delete("ann", r));
    ScheduleResult read = kit.<ScheduleResult>runCommand(ScheduleEntity.Get::new).reply();
    assertThat(read.rejection().kind()).isEqualTo(igor.domain.Rejection.Kind.NOT_FOUND);
    clock.set(T0 + 100_000);
    kit.runCommand(new ScheduleEntity.Tick());
    assertThat(kit.getState().fires()).isZero();
  }
}
