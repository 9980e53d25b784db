package igor.entity;

import static org.assertj.core.api.Assertions.assertThat;

import igor.domain.Action;
import igor.domain.Identifiers;
import igor.domain.JobEvent;
import igor.domain.JobPlan;
import igor.domain.LayerPlan;
import igor.domain.ObjectKind;
import igor.domain.ObjectRef;
import igor.domain.Rejection;
import igor.domain.Status;
import igor.domain.TaskPlan;
import igor.domain.WorkerReport;
import igor.entity.JobEntity.Act;
import igor.entity.JobEntity.ActResult;
import igor.entity.JobEntity.AddTasks;
import igor.entity.JobEntity.ApplyReports;
import igor.entity.JobEntity.Command;
import igor.entity.JobEntity.Create;
import igor.entity.JobEntity.Delivered;
import igor.entity.JobEntity.DeliveryFailed;
import igor.entity.JobEntity.Get;
import igor.entity.JobEntity.GetSummary;
import igor.entity.JobEntity.Idle;
import igor.entity.JobEntity.JobResult;
import igor.entity.JobEntity.QueueLost;
import igor.entity.JobEntity.Reconcile;
import igor.entity.JobEntity.Redeliver;
import igor.entity.JobEntity.Redelivered;
import igor.entity.JobEntity.Retire;
import igor.entity.JobEntity.Retired;
import igor.entity.JobEntity.SummaryResult;
import igor.entity.JobEntity.TasksResult;
import igor.entity.JobEntity.Wake;
import igor.testing.SerializationConfig;
import igor.testing.TestRedis;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.pekko.Done;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A job entity that cannot act (its job is retired, or cannot be recovered) still answers every
 * command of {@link JobEntity.Command} at once, so that no caller waits for its ask to time out.
 * "At once" is the probe's wait ({@code pekko.actor.testkit.typed.single-expect-default}, 3 s),
 * well under the ask time-out of 10 s. Every command is asked: a new one fails this test until it
 * is added here.
 */
class EveryCommandAnsweredTest {
  /** The entity's own messages (its timers, the queue's notices): no one waits for an answer. */
  private static final Set<Class<?>> OWN =
      Set.of(
          Wake.class,
          QueueLost.class,
          Redeliver.class,
          Reconcile.class,
          Redelivered.class,
          DeliveryFailed.class,
          Delivered.class,
          Idle.class);

  private static ActorTestKit testKit;
  private static TestRedis redis;

  private EventSourcedBehaviorTestKit<Command, JobEvent, igor.domain.Job> kit;
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
    kit = JobEntityKits.jobEntity(testKit, redis, jobId, EntitySettings.defaults());
    JobResult created = kit.<JobResult>runCommand(r -> new Create(plan(), r)).reply();
    assertThat(created.rejection()).isNull();
  }

  @Test
  void aRetiredJobAnswersEveryCommandAtOnceAsForAJobThatIsGone() {
    report(WorkerReport.Kind.STARTED);
    report(WorkerReport.Kind.COMPLETED);
    Retired retired = kit.<Retired>runCommand(r -> new Retire(Set.of(Status.COMPLETED), r)).reply();
    assertThat(retired.sequenceNr()).isPositive();

    Map<Class<?>, Object> answers = askEveryCommand(Set.of());

    assertThat(((JobResult) answers.get(Create.class)).rejection().kind())
        .isEqualTo(Rejection.Kind.CONFLICT);
    assertThat(((TasksResult) answers.get(AddTasks.class)).rejection().kind())
        .isEqualTo(Rejection.Kind.NOT_FOUND);
    assertThat(((JobResult) answers.get(Get.class)).rejection().kind())
        .isEqualTo(Rejection.Kind.NOT_FOUND);
    assertThat(((SummaryResult) answers.get(GetSummary.class)).rejection().kind())
        .isEqualTo(Rejection.Kind.NOT_FOUND);
    assertThat(answers.get(Act.class)).isEqualTo(new ActResult(0));
    assertThat(answers.get(ApplyReports.class)).isEqualTo(Done.getInstance());
    assertThat(answers.get(Retire.class)).isEqualTo(new Retired(-1));
  }

  @Test
  void anUnrecoverableJobAnswersEveryCommandAtOnceWithWhyButLeavesReportsUnacknowledged() {
    kit.persistenceTestKit()
        .persistForRecovery(
            "Job|" + jobId,
            List.of(
                new JobEvent.TaskStarted(
                    jobId, Identifiers.newId(), 1, "w", System.currentTimeMillis())));
    kit.restart();

    Map<Class<?>, Object> answers = askEveryCommand(Set.of(ApplyReports.class));

    for (Rejection rejection :
        List.of(
            ((JobResult) answers.get(Create.class)).rejection(),
            ((TasksResult) answers.get(AddTasks.class)).rejection(),
            ((JobResult) answers.get(Get.class)).rejection(),
            ((SummaryResult) answers.get(GetSummary.class)).rejection())) {
      assertThat(rejection.kind()).isEqualTo(Rejection.Kind.UNAVAILABLE);
      assertThat(rejection.reason()).contains(jobId).contains("cannot be recovered");
    }
    assertThat(answers.get(Act.class)).isEqualTo(new ActResult(0));
    assertThat(answers).doesNotContainKey(ApplyReports.class);
    assertThat(answers.get(Retire.class)).isEqualTo(new Retired(-1));
  }

  /**
   * Sends one of every command, each answering to one probe, and returns the answers by command.
   * Each command must journal nothing; each one that carries a {@code replyTo}, unless it is in
   * {@code unanswered}, must be answered at once. The others must not be answered at all: a {@link
   * Get} sent last must be the next one answered.
   */
  private Map<Class<?>, Object> askEveryCommand(Set<Class<?>> unanswered) {
    TestProbe<Object> probe = testKit.createTestProbe();
    List<Command> commands = everyCommand(probe.ref());
    assertThat(commands)
        .as("one of every command")
        .extracting(Object::getClass)
        .containsExactlyInAnyOrder(Command.class.getPermittedSubclasses());
    Map<Class<?>, Object> answers = new HashMap<>();
    for (Command command : commands) {
      assertThat(kit.runCommand(command).events()).as("events of %s", command).isEmpty();
      if (!OWN.contains(command.getClass()) && !unanswered.contains(command.getClass())) {
        answers.put(command.getClass(), probe.receiveMessage());
      }
    }
    kit.runCommand(new Get(probe.ref().narrow()));
    assertThat(probe.receiveMessage())
        .as("the answer to the last Get")
        .isInstanceOf(JobResult.class);
    return answers;
  }

  private List<Command> everyCommand(ActorRef<Object> probe) {
    return List.of(
        new Create(plan(), probe.narrow()),
        new AddTasks(
            List.of(new TaskPlan(Identifiers.newId(), layerId, "noop", "", null, 0, 0)),
            probe.narrow()),
        new Get(probe.narrow()),
        new GetSummary(probe.narrow()),
        new Act(
            Action.PAUSE, List.of(new ObjectRef(ObjectKind.JOB, jobId, "")), "ops", probe.narrow()),
        new ApplyReports(List.of(report(WorkerReport.Kind.FAILED, 1)), probe.narrow()),
        new Retire(Set.of(Status.COMPLETED), probe.narrow()),
        new Wake(),
        new QueueLost(),
        new Redeliver(List.of(taskId)),
        new Reconcile(),
        new Redelivered(List.of(taskId), List.of(1), "Redis lost its data"),
        new DeliveryFailed(List.of(taskId), "the queue is down"),
        Delivered.INSTANCE,
        new Idle());
  }

  private JobPlan plan() {
    return new JobPlan(
        jobId,
        "every command",
        0,
        List.of(new LayerPlan(layerId, "only", 0, 0)),
        List.of(new TaskPlan(taskId, layerId, "noop", "", null, 0, 0)));
  }

  private void report(WorkerReport.Kind kind) {
    Done done = kit.<Done>runCommand(r -> new ApplyReports(List.of(report(kind, 1)), r)).reply();
    assertThat(done).isEqualTo(Done.getInstance());
  }

  private WorkerReport report(WorkerReport.Kind kind, int attempt) {
    return new WorkerReport(
        kind, jobId, taskId, attempt, "w", "", null, true, System.currentTimeMillis());
  }
}
