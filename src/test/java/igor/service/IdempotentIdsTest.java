package igor.service;

import static org.assertj.core.api.Assertions.assertThat;

import igor.domain.Identifiers;
import igor.domain.JobPlan;
import igor.domain.LayerPlan;
import igor.domain.TaskPlan;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The ids of a keyed request come from its key's seed alone, so every retry asks for the same ids;
 * its fingerprint comes from what it asks for, not from the ids it was given.
 */
class IdempotentIdsTest {

  @Test
  void twoPlansOfOneRequestGetTheSameIdsFromOneSeed() {
    String seed = Identifiers.newId();

    JobPlan one = IdempotentJobs.keyedPlan(aPlan("p"), seed);
    JobPlan two = IdempotentJobs.keyedPlan(aPlan("p"), seed);

    assertThat(one).usingRecursiveComparison().isEqualTo(two);
    assertThat(one.jobId()).isEqualTo(seed);
    assertThat(one.layers()).allSatisfy(l -> assertThat(Identifiers.isId(l.layerId())).isTrue());
    assertThat(one.tasks()).allSatisfy(t -> assertThat(Identifiers.isId(t.taskId())).isTrue());
  }

  @Test
  void tasksKeepTheirLayerByPosition() {
    JobPlan keyed = IdempotentJobs.keyedPlan(aPlan("p"), Identifiers.newId());

    assertThat(keyed.tasks().get(0).layerId()).isEqualTo(keyed.layers().get(0).layerId());
    assertThat(keyed.tasks().get(1).layerId()).isEqualTo(keyed.layers().get(1).layerId());
    assertThat(keyed.tasks().get(0).taskId()).isNotEqualTo(keyed.tasks().get(1).taskId());
  }

  @Test
  void anotherSeedGivesOtherIds() {
    JobPlan one = IdempotentJobs.keyedPlan(aPlan("p"), Identifiers.newId());
    JobPlan two = IdempotentJobs.keyedPlan(aPlan("p"), Identifiers.newId());

    assertThat(one.layers().get(0).layerId()).isNotEqualTo(two.layers().get(0).layerId());
    assertThat(one.tasks().get(0).taskId()).isNotEqualTo(two.tasks().get(0).taskId());
  }

  @Test
  void addedTasksKeepTheLayerTheyName() {
    String layerId = Identifiers.newId();
    TaskPlan task = new TaskPlan(Identifiers.newId(), layerId, "noop", "", new byte[0], 0, 0);
    String seed = Identifiers.newId();

    List<TaskPlan> keyed = IdempotentJobs.keyedTasks(List.of(task, task), seed);

    assertThat(keyed).extracting(TaskPlan::layerId).containsOnly(layerId);
    assertThat(keyed.get(0).taskId()).isNotEqualTo(keyed.get(1).taskId());
    assertThat(IdempotentJobs.keyedTasks(List.of(task, task), seed))
        .usingRecursiveComparison()
        .isEqualTo(keyed);
  }

  @Test
  void theFingerprintOfAPlanIgnoresItsIdsAndSeesEveryField() {
    assertThat(IdempotentJobs.planFingerprint(aPlan("p")))
        .isEqualTo(IdempotentJobs.planFingerprint(aPlan("p")));
    assertThat(IdempotentJobs.planFingerprint(aPlan("q")))
        .isNotEqualTo(IdempotentJobs.planFingerprint(aPlan("p")));
    JobPlan p = aPlan("p");
    TaskPlan t = p.tasks().get(1);
    JobPlan otherArgs =
        new JobPlan(
            p.jobId(),
            p.name(),
            p.pausedAtMillis(),
            p.layers(),
            List.of(
                p.tasks().get(0),
                new TaskPlan(t.taskId(), t.layerId(), t.type(), t.name(), new byte[] {1}, 0, 0)));
    assertThat(IdempotentJobs.planFingerprint(otherArgs))
        .isNotEqualTo(IdempotentJobs.planFingerprint(p));
  }

  private static JobPlan aPlan(String name) {
    String first = Identifiers.newId();
    String second = Identifiers.newId();
    return new JobPlan(
        Identifiers.newId(),
        name,
        0,
        List.of(new LayerPlan(first, "a", 0, 0), new LayerPlan(second, "b", 1, 0)),
        List.of(
            new TaskPlan(Identifiers.newId(), first, "noop", "x", new byte[0], 0, 0),
            new TaskPlan(Identifiers.newId(), second, "echo", "y", new byte[0], 0, 0)));
  }
}
