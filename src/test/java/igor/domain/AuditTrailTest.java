package igor.domain;

import static igor.domain.Events.all;
import static igor.domain.Events.types;
import static igor.domain.Plans.aJob;
import static igor.domain.Plans.aLayer;
import static igor.domain.Plans.aTask;
import static igor.domain.Refs.jobRef;
import static igor.domain.Refs.layerRef;
import static igor.domain.Refs.taskRef;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import igor.domain.JobEvent.ActionTaken;
import igor.domain.JobEvent.TaskKilled;
import igor.domain.JobEvent.TaskReset;
import igor.domain.JobEvent.TasksQueued;
import igor.domain.Plans.LayerBuilder;
import igor.domain.Plans.TaskBuilder;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every action that applies leaves an entry in the job's audit trail; the others leave none. */
class AuditTrailTest {
  private final TaskBuilder a = aTask();
  private final TaskBuilder b = aTask();
  private final LayerBuilder first = aLayer().priority(0).with(a, b);
  private final LayerBuilder second = aLayer().priority(1).withTasks(1);
  private final JobScenario job = JobScenario.created(aJob().with(first, second));

  @Test
  void appliedActionIsRecordedFirstWithWhoAskedAndWhen() {
    job.later(2_500).actAs("alice", Action.PAUSE, taskRef(a.id()));

    ActionTaken taken = (ActionTaken) job.lastEvents().get(0);
    assertThat(taken)
        .isEqualTo(
            new ActionTaken(
                job.jobId(), Action.PAUSE, ObjectKind.TASK, a.id(), "alice", job.now()));
    assertThat(job.audit())
        .containsExactly(new AuditEntry(Action.PAUSE, ObjectKind.TASK, a.id(), "alice", job.now()));
  }

  @Test
  void eachActionIsRecordedBeforeItsOwnEffects() {
    job.fail(a.id(), "broken");
    job.start(b.id());

    job.act(Action.RETRY, taskRef(a.id()), taskRef(b.id()));

    List<JobEvent> events = job.lastEvents();
    assertThat(types(events))
        .containsExactly(
            ActionTaken.class,
            TaskReset.class,
            TasksQueued.class,
            ActionTaken.class,
            TaskKilled.class,
            TaskReset.class,
            TasksQueued.class);
    assertThat(all(events, ActionTaken.class))
        .extracting(ActionTaken::targetId)
        .containsExactly(a.id(), b.id());
    assertThat(((TaskReset) events.get(1)).taskId()).isEqualTo(a.id());
    assertThat(((TaskKilled) events.get(4)).taskId()).isEqualTo(b.id());
  }

  @Test
  void everyKindOfActionIsRecordedWithItsTarget() {
    job.actAs("p", Action.PAUSE, layerRef(second.id()));
    job.actAs("u", Action.UNPAUSE, layerRef(second.id()));
    job.actAs("k", Action.KILL, taskRef(a.id()));
    job.actAs("r", Action.RETRY, taskRef(a.id()));
    job.actAs("s", Action.SKIP, jobRef(job.jobId()));

    assertThat(job.audit())
        .extracting(
            AuditEntry::action, AuditEntry::targetKind, AuditEntry::targetId, AuditEntry::by)
        .containsExactly(
            tuple(Action.PAUSE, ObjectKind.LAYER, second.id(), "p"),
            tuple(Action.UNPAUSE, ObjectKind.LAYER, second.id(), "u"),
            tuple(Action.KILL, ObjectKind.TASK, a.id(), "k"),
            tuple(Action.RETRY, ObjectKind.TASK, a.id(), "r"),
            tuple(Action.SKIP, ObjectKind.JOB, job.jobId(), "s"));
  }

  @Test
  void auditListsTheActionsInTheOrderTheyWereTaken() {
    long t1 = job.later(1_000).now();
    job.actAs("alice", Action.PAUSE, jobRef(job.jobId()));
    long t2 = job.later(1_000).now();
    job.actAs("bob", Action.PAUSE, taskRef(a.id()), taskRef(b.id()));
    long t3 = job.later(1_000).now();
    job.actAs("carol", Action.UNPAUSE, jobRef(job.jobId()));

    assertThat(job.audit())
        .containsExactly(
            new AuditEntry(Action.PAUSE, ObjectKind.JOB, job.jobId(), "alice", t1),
            new AuditEntry(Action.PAUSE, ObjectKind.TASK, a.id(), "bob", t2),
            new AuditEntry(Action.PAUSE, ObjectKind.TASK, b.id(), "bob", t2),
            new AuditEntry(Action.UNPAUSE, ObjectKind.JOB, job.jobId(), "carol", t3));
  }

  @Test
  void actionsThatDoNotApplyLeaveNoTrace() {
    job.complete(a.id());
    job.act(Action.PAUSE, taskRef(b.id()));
    List<AuditEntry> before = job.audit();

    int updated =
        job.act(
            Action.PAUSE,
            taskRef(a.id()),
            taskRef(b.id()),
            taskRef(Identifiers.newId()),
            jobRef(Identifiers.newId()),
            taskRef(b.id(), Identifiers.etag(b.id(), 0)));

    assertThat(updated).isZero();
    assertThat(job.lastEvents()).isEmpty();
    assertThat(job.audit()).isEqualTo(before).hasSize(1);
  }

  @Test
  void onlyTheRefsThatApplyAreRecorded() {
    job.complete(a.id());

    int updated = job.act(Action.PAUSE, taskRef(a.id()), taskRef(b.id()), layerRef(a.id()));

    assertThat(updated).isEqualTo(1);
    assertThat(job.audit()).extracting(AuditEntry::targetId).containsExactly(b.id());
  }

  @Test
  void appliedCountIsTheNumberOfRecordedActions() {
    job.fail(a.id(), "broken");

    int updated = job.act(Action.RETRY, jobRef(job.jobId()), layerRef(first.id()));

    // The job retry takes the only ERRORED task; the layer retry then finds none.
    assertThat(updated).isEqualTo(1);
    assertThat(JobDecider.applied(job.lastEvents())).isEqualTo(1);
    assertThat(all(job.lastEvents(), ActionTaken.class)).hasSize(1);
  }

  @Test
  void actionByNobodyInParticularIsRecordedWithAnEmptyName() {
    job.actAs(null, Action.PAUSE, taskRef(a.id()));

    assertThat(job.audit()).extracting(AuditEntry::by).containsExactly("");
  }

  @Test
  void auditSurvivesASnapshotAndRestore() {
    job.act(Action.PAUSE, taskRef(a.id()));
    job.act(Action.KILL, layerRef(first.id()));

    Job restored = Job.restore(job.job().snapshot());

    assertThat(restored.snapshot().audit()).isEqualTo(job.audit()).hasSize(2);
  }

  @Test
  void actingOnAJobThatDoesNotExistDecidesNothing() {
    Decision decision =
        JobScenario.noJob().decideAct(Action.PAUSE, List.of(jobRef(Identifiers.newId())), "x");

    assertThat(decision).isEqualTo(new Decision.Accepted(List.of()));
  }
}
