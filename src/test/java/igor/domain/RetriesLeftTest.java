package igor.domain;

import static igor.domain.Plans.aJob;
import static igor.domain.Plans.aLayer;
import static igor.domain.Plans.aTask;
import static igor.domain.Refs.taskRef;
import static org.assertj.core.api.Assertions.assertThat;

import igor.domain.Plans.TaskBuilder;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The retries left an attempt is handed out with (the delivery's {@code retries_left}): how many
 * automatic retries remain after it if it fails retryably. Attempts given back (a pause while it
 * waits, a worker's release) use none; a person's retry gives the whole allowance again; a failure
 * or a time-out uses one.
 */
class RetriesLeftTest {

  @Test
  void theArithmeticCountsTheAttemptsTheAllowanceStillCovers() {
    // retries 2, nothing given back: attempts 1, 2, 3 have 2, 1, 0 left
    assertThat(Task.retriesLeft(2, 0, 1)).isEqualTo(2);
    assertThat(Task.retriesLeft(2, 0, 2)).isEqualTo(1);
    assertThat(Task.retriesLeft(2, 0, 3)).isZero();
    // one attempt given back: the allowance starts one later
    assertThat(Task.retriesLeft(2, 1, 2)).isEqualTo(2);
    // never below 0, never past an int
    assertThat(Task.retriesLeft(0, 0, 1)).isZero();
    assertThat(Task.retriesLeft(1, 0, 7)).isZero();
    assertThat(Task.retriesLeft(Integer.MAX_VALUE, Integer.MAX_VALUE, 1))
        .isEqualTo(Integer.MAX_VALUE);
    assertThat(Task.retriesLeft(0, 0, Integer.MAX_VALUE)).isZero();
  }

  @Test
  void eachFailureUsesOneAndTheLastAttemptHasNone() {
    TaskBuilder flaky = aTask().retries(2);
    JobScenario job = JobScenario.created(aJob().with(aLayer().with(flaky)));

    assertThat(job.task(flaky.id()).retriesLeft()).isEqualTo(2);
    failAndRequeue(job, flaky.id());
    assertThat(job.task(flaky.id()).retriesLeft()).isEqualTo(1);
    failAndRequeue(job, flaky.id());
    assertThat(job.task(flaky.id()).attempts()).isEqualTo(3);
    assertThat(job.task(flaky.id()).retriesLeft()).isZero();
    job.start(flaky.id());
    job.fail(flaky.id(), "boom");
    assertThat(job.statusOfTask(flaky.id())).isEqualTo(Status.ERRORED);
  }

  @Test
  void aPauseAReleaseAndAPersonsRetryUseNone() {
    TaskBuilder flaky = aTask().retries(1);
    JobScenario job = JobScenario.created(aJob().with(aLayer().with(flaky)));
    String id = flaky.id();

    job.act(Action.PAUSE, taskRef(id));
    job.act(Action.UNPAUSE, taskRef(id));
    assertThat(job.task(id).attempts()).isEqualTo(2);
    assertThat(job.task(id).retriesLeft()).isEqualTo(1);

    job.start(id);
    job.release(id);
    assertThat(job.task(id).attempts()).isEqualTo(3);
    assertThat(job.task(id).retriesLeft()).isEqualTo(1);

    failAndRequeue(job, id);
    assertThat(job.task(id).retriesLeft()).isZero();

    job.act(Action.RETRY, taskRef(id));
    assertThat(job.task(id).status()).isEqualTo(Status.QUEUED);
    assertThat(job.task(id).retriesLeft()).isEqualTo(1);
  }

  /**
   * Random walks over everything that happens to one task's attempts, against a model that only
   * counts: the retries left of each attempt handed out are the task's retries less the failures
   * since the last retry by a person, and a retryable failure is retried exactly when some were
   * left. A withdrawn attempt's delivery is rebuilt with the retries left it was handed out with.
   */
  @Test
  void everyAttemptHandedOutKnowsItsRetriesLeftWhateverHappened() {
    Random random = new Random(22);
    int checked = 0;
    for (int walk = 0; walk < 400; walk++) {
      int retries = random.nextInt(5);
      TaskBuilder task = aTask().retries(retries).timeoutSeconds(10);
      JobScenario job = JobScenario.created(aJob().with(aLayer().with(task)));
      String id = task.id();
      int failures = 0;
      for (int step = 0; step < 40; step++) {
        Task t = job.task(id);
        if (t.status() == Status.QUEUED) {
          int left = Math.max(0, retries - failures);
          assertThat(t.retriesLeft()).as("walk %d step %d", walk, step).isEqualTo(left);
          checked++;
          switch (random.nextInt(4)) {
            case 0 -> job.start(id);
            case 1 -> {
              int attempt = t.attempts();
              job.act(Action.PAUSE, taskRef(id));
              assertThat(
                      job.task(id).retriesLeftWhenHandedOut(attempt, TaskTransition.Step.WITHDRAWN))
                  .isEqualTo(left);
              job.act(Action.UNPAUSE, taskRef(id));
            }
            case 2 -> {
              int attempt = t.attempts();
              job.act(Action.KILL, taskRef(id));
              assertThat(job.task(id).retriesLeftWhenHandedOut(attempt, TaskTransition.Step.KILLED))
                  .isEqualTo(left);
            }
            default -> {
              job.act(Action.RETRY, taskRef(id));
              failures = 0;
            }
          }
        } else if (t.status() == Status.RUNNING) {
          int left = t.retriesLeft();
          switch (random.nextInt(4)) {
            case 0, 1 -> {
              job.fail(id, "boom");
              failures++;
              assertRetriedExactlyWhenLeft(job, id, left);
            }
            case 2 -> {
              job.later(10_001).wake();
              failures++;
              assertRetriedExactlyWhenLeft(job, id, left);
            }
            default -> {
              int attempt = t.attempts();
              job.release(id);
              assertThat(
                      job.task(id).retriesLeftWhenHandedOut(attempt, TaskTransition.Step.WITHDRAWN))
                  .isEqualTo(left);
            }
          }
        } else if (t.status() == Status.PENDING) {
          job.at(t.retryAt()).wake();
        } else {
          assertThat(t.status()).isEqualTo(Status.ERRORED);
          job.act(Action.RETRY, taskRef(id));
          failures = 0;
        }
      }
    }
    assertThat(checked).isGreaterThan(4_000);
  }

  private static void assertRetriedExactlyWhenLeft(JobScenario job, String id, int left) {
    Task after = job.task(id);
    if (left > 0) {
      assertThat(after.status()).isEqualTo(Status.PENDING);
      assertThat(after.retryAt()).isPositive();
    } else {
      assertThat(after.status()).isEqualTo(Status.ERRORED);
    }
  }

  private static void failAndRequeue(JobScenario job, String taskId) {
    job.start(taskId);
    job.fail(taskId, "boom");
    job.at(job.task(taskId).retryAt()).wake();
    assertThat(job.task(taskId).status()).isEqualTo(Status.QUEUED);
  }
}
