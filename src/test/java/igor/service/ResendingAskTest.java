package igor.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * An ask sent again while unanswered, as sharding needs it: a message dropped while its shard moves
 * is answered by the next send, within the one time-out. Each send here stands for one Pekko ask:
 * answered, or failed with a TimeoutException when its own time-out is over.
 */
class ResendingAskTest {
  private static final Duration TIMEOUT = Duration.ofMillis(1500);
  private static final Duration RESEND_AFTER = Duration.ofMillis(200);

  private final ExecutorService executor = Executors.newFixedThreadPool(2);

  @AfterEach
  void stopExecutor() {
    executor.shutdownNow();
  }

  @Test
  void aMessageLostOnceIsAnsweredByTheNextSendLongBeforeTheTimeOut() throws Exception {
    Job job = new Job(executor, 1, Duration.ZERO);
    long start = System.nanoTime();

    String answer = ask(job).toCompletableFuture().get(5, TimeUnit.SECONDS);

    long tookMs = (System.nanoTime() - start) / 1_000_000;
    assertThat(answer).isEqualTo("answer to send 2");
    assertThat(job.sends).hasSize(2);
    assertThat(tookMs).as("ms until answered").isLessThan(TIMEOUT.toMillis());
  }

  @Test
  void anAnswerAtOnceIsSentOnce() throws Exception {
    Job job = new Job(executor, 0, Duration.ZERO);

    String answer = ask(job).toCompletableFuture().get(5, TimeUnit.SECONDS);

    assertThat(answer).isEqualTo("answer to send 1");
    Thread.sleep(RESEND_AFTER.multipliedBy(3).toMillis()); // no send is due any more: none comes
    assertThat(job.sends).hasSize(1);
  }

  @Test
  void eachSendIsGivenTheTimeLeftSoThatAllEndWhenTheFirstWould() throws Exception {
    Job job = new Job(executor, Integer.MAX_VALUE, Duration.ZERO);

    assertThatThrownBy(() -> ask(job).toCompletableFuture().get(5, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .hasCauseInstanceOf(TimeoutException.class);

    long most = TIMEOUT.toMillis() / RESEND_AFTER.toMillis() + 1;
    assertThat(job.sends).hasSizeBetween(2, (int) most);
    for (int i = 1; i < job.sends.size(); i++) {
      Send before = job.sends.get(i - 1);
      Send after = job.sends.get(i);
      assertThat(after.sentNanos() + after.timeout().toNanos())
          .as("end of send %d against the end of send %d", i + 1, i)
          .isCloseTo(
              before.sentNanos() + before.timeout().toNanos(),
              org.assertj.core.data.Offset.offset(Duration.ofMillis(50).toNanos()));
    }
  }

  @Test
  void aJobThatNeverAnswersFailsTheAskWithItsTimeOutAfterTheTimeOut() {
    Job job = new Job(executor, Integer.MAX_VALUE, Duration.ZERO);
    long start = System.nanoTime();

    assertThatThrownBy(() -> ask(job).toCompletableFuture().get(5, TimeUnit.SECONDS))
        .hasCauseInstanceOf(TimeoutException.class);

    long tookMs = (System.nanoTime() - start) / 1_000_000;
    assertThat(tookMs).as("ms until failed").isGreaterThanOrEqualTo(TIMEOUT.toMillis() - 20);
  }

  @Test
  void aSlowAnswerToTheFirstSendIsTakenThoughTheMessageWasSentAgain() throws Exception {
    Job job = new Job(executor, 0, RESEND_AFTER.multipliedBy(2));

    String answer = ask(job).toCompletableFuture().get(5, TimeUnit.SECONDS);

    assertThat(answer).isEqualTo("answer to send 1");
    assertThat(job.sends.size()).isBetween(2, 3);
  }

  @Test
  void aResendAfterAsLongAsTheTimeOutSendsOnce() {
    Job job = new Job(executor, Integer.MAX_VALUE, Duration.ZERO);

    assertThatThrownBy(
            () ->
                ResendingAsk.ask(job, TIMEOUT, TIMEOUT, executor)
                    .toCompletableFuture()
                    .get(5, TimeUnit.SECONDS))
        .hasCauseInstanceOf(TimeoutException.class);

    assertThat(job.sends).hasSize(1);
  }

  private CompletionStage<String> ask(Job job) {
    return ResendingAsk.ask(job, TIMEOUT, RESEND_AFTER, executor);
  }

  private record Send(long sentNanos, Duration timeout) {}

  /**
   * A job behind a shard that drops the first {@code lost} messages (their ask fails when its
   * time-out is over) and answers the others after {@code answerAfter}.
   */
  private static final class Job implements Function<Duration, CompletionStage<String>> {
    private final Executor executor;
    private final int lost;
    private final Duration answerAfter;
    final List<Send> sends = Collections.synchronizedList(new ArrayList<>());

    Job(Executor executor, int lost, Duration answerAfter) {
      this.executor = executor;
      this.lost = lost;
      this.answerAfter = answerAfter;
    }

    @Override
    public CompletionStage<String> apply(Duration timeout) {
      sends.add(new Send(System.nanoTime(), timeout));
      int number = sends.size();
      CompletableFuture<String> answer = new CompletableFuture<>();
      if (number > lost) {
        CompletableFuture.delayedExecutor(answerAfter.toMillis(), TimeUnit.MILLISECONDS, executor)
            .execute(() -> answer.complete("answer to send " + number));
      }
      CompletableFuture.delayedExecutor(timeout.toNanos(), TimeUnit.NANOSECONDS, executor)
          .execute(() -> answer.completeExceptionally(new TimeoutException("ask timed out")));
      return answer;
    }
  }
}
