package igor.domain;

import static igor.domain.Events.all;
import static igor.domain.Plans.aJob;
import static igor.domain.Plans.aLayer;
import static igor.domain.Plans.aTask;
import static igor.domain.Refs.jobRef;
import static igor.domain.Refs.layerRef;
import static igor.domain.Refs.taskRef;
import static org.assertj.core.api.Assertions.assertThat;

import igor.domain.JobEvent.ActionTaken;
import igor.domain.JobEvent.Paused;
import igor.domain.JobEvent.TaskReset;
import igor.domain.Plans.LayerBuilder;
import igor.domain.Plans.TaskBuilder;
import org.junit.jupiter.api.Test;

/**
 * Optimistic locking of actions (SEMANTICS.md section 3): with an etag, an object changes only if
 * the etag is current; a stale one is passed over and not counted; without one, the action applies
 * to the current version.
 */
class EtagLockingTest {
  private final TaskBuilder a = aTask();
  private final TaskBuilder b = aTask();
  private final LayerBuilder first = aLayer().priority(0).with(a, b);
  private final LayerBuilder second = aLayer().priority(1).withTasks(1);
  private final JobScenario job = JobScenario.created(aJob().with(first, second));

  @Test
  void actionWithTheCurrentEtagOfATaskApplies() {
    String etag = job.etagOfTask(a.id());
    assertThat(etag).isEqualTo(job.task(a.id()).snapshot().etag());

    int updated = job.act(Action.PAUSE, taskRef(a.id(), etag));

    assertThat(updated).isEqualTo(1);
    assertThat(job.task(a.id()).pausedAtMillis()).isNotZero();
  }

  @Test
  void actionWithTheCurrentEtagOfALayerOrTheJobApplies() {
    int updated =
        job.act(
            Action.PAUSE,
            layerRef(second.id(), job.etagOfLayer(second.id())),
            jobRef(job.jobId(), job.etagOfJob()));

    assertThat(updated).isEqualTo(2);
    assertThat(job.layer(second.id()).isPaused()).isTrue();
    assertThat(job.job().snapshot().pausedAtMillis()).isNotZero();
  }

  @Test
  void everyAppliedActionGivesTheObjectANewEtag() {
    String before = job.etagOfTask(a.id());

    job.act(Action.PAUSE, taskRef(a.id(), before));
    String paused = job.etagOfTask(a.id());
    job.act(Action.UNPAUSE, taskRef(a.id(), paused));

    assertThat(paused).isNotEqualTo(before);
    assertThat(job.etagOfTask(a.id())).isNotEqualTo(paused).isNotEqualTo(before);
  }

  @Test
  void staleEtagOfATaskIsPassedOverAndNotCounted() {
    String read = job.etagOfTask(a.id());
    job.start(a.id());
    assertThat(job.etagOfTask(a.id())).isNotEqualTo(read);

    int updated = job.act(Action.PAUSE, taskRef(a.id(), read));

    assertThat(updated).isZero();
    assertThat(job.lastEvents()).isEmpty();
    assertThat(job.task(a.id()).pausedAtMillis()).isZero();
    assertThat(job.audit()).isEmpty();
  }

  @Test
  void staleEtagOfALayerIsPassedOver() {
    String read = job.etagOfLayer(second.id());
    job.act(Action.PAUSE, layerRef(second.id()));
    job.act(Action.UNPAUSE, layerRef(second.id()));

    int updated = job.act(Action.SKIP, layerRef(second.id(), read));

    assertThat(updated).isZero();
    assertThat(job.lastEvents()).isEmpty();
    assertThat(job.statusOfLayer(second.id())).isEqualTo(Status.PENDING);
  }

  @Test
  void staleEtagOfTheJobIsPassedOver() {
    String read = job.etagOfJob();
    job.act(Action.PAUSE, jobRef(job.jobId()));

    int updated = job.act(Action.SKIP, jobRef(job.jobId(), read));

    assertThat(updated).isZero();
    assertThat(job.lastEvents()).isEmpty();
    assertThat(job.status()).isEqualTo(Status.RUNNING);
  }

  @Test
  void actionWithoutEtagAppliesToTheCurrentVersion() {
    job.start(a.id());
    job.act(Action.PAUSE, taskRef(a.id()));
    job.act(Action.UNPAUSE, taskRef(a.id()));

    int updated = job.act(Action.KILL, taskRef(a.id()));

    assertThat(updated).isEqualTo(1);
    assertThat(job.statusOfTask(a.id())).isEqualTo(Status.ERRORED);
  }

  @Test
  void etagOfAnotherObjectDoesNotMatch() {
    int updated = job.act(Action.PAUSE, taskRef(a.id(), job.etagOfTask(b.id())));

    assertThat(updated).isZero();
    assertThat(job.lastEvents()).isEmpty();
  }

  @Test
  void staleRefsArePassedOverWhileCurrentOnesInTheSameRequestApply() {
    String staleA = job.etagOfTask(a.id());
    job.start(a.id());

    int updated =
        job.act(Action.PAUSE, taskRef(a.id(), staleA), taskRef(b.id(), job.etagOfTask(b.id())));

    assertThat(updated).isEqualTo(1);
    assertThat(all(job.lastEvents(), Paused.class))
        .extracting(Paused::targetId)
        .containsExactly(b.id());
    assertThat(job.task(a.id()).pausedAtMillis()).isZero();
  }

  @Test
  void sameObjectTwiceInOneRequestWithTheOriginalEtagAppliesOnlyOnce() {
    job.fail(a.id(), "broken");
    String read = job.etagOfTask(a.id());

    int updated = job.act(Action.RETRY, taskRef(a.id(), read), taskRef(a.id(), read));

    assertThat(updated).isEqualTo(1);
    assertThat(all(job.lastEvents(), ActionTaken.class)).hasSize(1);
    assertThat(all(job.lastEvents(), TaskReset.class)).hasSize(1);
    assertThat(job.statusOfTask(a.id())).isEqualTo(Status.QUEUED);
    assertThat(job.task(a.id()).attempts()).isEqualTo(2);
  }

  @Test
  void sameObjectTwiceInOneRequestWithoutEtagAppliesToEachCurrentVersion() {
    // Without an etag the second retry sees the task queued by the first, so it applies too: it
    // stops that attempt and queues yet another one.
    job.fail(a.id(), "broken");

    int updated = job.act(Action.RETRY, taskRef(a.id()), taskRef(a.id()));

    assertThat(updated).isEqualTo(2);
    assertThat(all(job.lastEvents(), TaskReset.class)).hasSize(2);
    assertThat(job.task(a.id()).attempts()).isEqualTo(3);
  }

  @Test
  void etagStillCurrentAfterAChangeToAnotherObjectApplies() {
    String read = job.etagOfTask(b.id());
    job.act(Action.PAUSE, taskRef(a.id()), layerRef(second.id()));

    int updated = job.act(Action.PAUSE, taskRef(b.id(), read));

    assertThat(updated).isEqualTo(1);
    assertThat(all(job.lastEvents(), Paused.class))
        .extracting(Paused::targetId)
        .containsExactly(b.id());
  }
}
