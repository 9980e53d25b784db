package igor.domain;

import static igor.domain.Plans.aJob;
import static igor.domain.Plans.aLayer;
import static igor.domain.Plans.aTask;
import static igor.domain.Plans.tasks;
import static org.assertj.core.api.Assertions.assertThat;

import igor.domain.JobEvent.TasksRedelivered;
import igor.domain.Plans.TaskBuilder;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The queue lost attempts and got them again (issue 18 item 1): the job journals which, and why,
 * and nothing else about them changes; the attempt is the same one.
 */
class RedeliveryTest {
  private static final String WHY = "not claimed within 120 s";

  @Test
  void onlyTasksStillQueuedInTheAttemptHandedOutAreJournaledAndTheirAttemptAndStatusStay() {
    TaskBuilder waiting = aTask();
    TaskBuilder running = aTask();
    TaskBuilder retried = aTask().retries(1);
    JobScenario job = JobScenario.created(aJob().with(aLayer().with(waiting, running, retried)));
    job.start(running.id());
    job.report(job.failed(retried.id(), "flaky"));
    job.later(60_000).wake();
    long queuedAt = job.task(waiting.id()).updatedAt();
    int retriedAttempt = job.task(retried.id()).attempts();

    List<JobEvent> events =
        job.later(120_000)
            .redelivered(
                List.of(waiting.id(), running.id(), retried.id()),
                List.of(1, 1, retriedAttempt - 1),
                WHY);

    assertThat(events).hasSize(1);
    TasksRedelivered redelivered = (TasksRedelivered) events.get(0);
    assertThat(redelivered.taskIds()).containsExactly(waiting.id());
    assertThat(redelivered.reason()).isEqualTo(WHY);
    assertThat(redelivered.at()).isEqualTo(job.now());
    Task task = job.task(waiting.id());
    assertThat(task.status()).isEqualTo(Status.QUEUED);
    assertThat(task.attempts()).as("the same attempt").isEqualTo(1);
    assertThat(task.updatedAt()).isEqualTo(queuedAt);
    assertThat(job.task(retried.id()).attempts()).isEqualTo(retriedAttempt);
  }

  @Test
  void nothingStillQueuedMeansNoEvent() {
    TaskBuilder a = aTask();
    JobScenario job = JobScenario.created(aJob().with(aLayer().with(a)));
    job.start(a.id());

    assertThat(job.redelivered(List.of(a.id()), List.of(1), WHY)).isEmpty();
  }

  @Test
  void manyTasksAreJournaledAThousandPerEvent() {
    TaskBuilder[] all = tasks(2_500);
    JobScenario job = JobScenario.created(aJob().with(aLayer().with(all)));
    List<String> ids = new ArrayList<>();
    for (TaskBuilder t : all) {
      ids.add(t.id());
    }

    List<JobEvent> events = job.redelivered(ids, Collections.nCopies(ids.size(), 1), WHY);

    assertThat(events)
        .extracting(e -> ((TasksRedelivered) e).taskIds().size())
        .containsExactly(1_000, 1_000, 500);
  }
}
