package igor.service;

import igor.domain.Rejection;
import igor.domain.Timeline;
import igor.storage.ChangeFeed;
import igor.storage.StorageUnavailableException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.LongSupplier;

/**
 * A job's timeline: every attempt with its times, read from the job's events in the journal ({@link
 * ChangeFeed#history}) and folded by {@link Timeline.Builder}. The journal already keeps every
 * attempt, retries included, for as long as the job exists, so the timeline costs no storage and no
 * entity: it is read when asked, and only then (docs/adr/0010-timeline-from-the-journal.md). An
 * unknown id is answered from the directory, without reading anything else.
 */
public final class JobTimelines {
  /** The timeline, or why not. */
  public record TimelineAnswer(Timeline timeline, Rejection rejection) {}

  private final JobGateway gateway;
  private final ChangeFeed journal;
  private final int maxAttempts;
  private final LongSupplier clock;

  /**
   * @param maxAttempts the most attempts one answer holds: a job with more is refused with {@link
   *     Timeline.TooManyAttempts} (igor.limits.max-timeline-attempts)
   */
  public JobTimelines(JobGateway gateway, ChangeFeed journal, int maxAttempts, LongSupplier clock) {
    this.gateway = gateway;
    this.journal = journal;
    this.maxAttempts = maxAttempts;
    this.clock = clock;
  }

  /** The most attempts one timeline may hold. */
  public int maxAttempts() {
    return maxAttempts;
  }

  /**
   * The job's timeline as journaled so far (every write answered before the call is in it). Fails
   * with {@link Timeline.TooManyAttempts} for a job of more than {@link #maxAttempts} attempts, and
   * with {@link StorageUnavailableException} when the journal cannot be read.
   */
  public CompletionStage<TimelineAnswer> timeline(String jobId) {
    return gateway
        .exists(jobId)
        .thenCompose(
            exists -> {
              if (!exists) {
                return CompletableFuture.completedFuture(
                    new TimelineAnswer(null, Rejection.notFound("job not found")));
              }
              Timeline.Builder builder = new Timeline.Builder(jobId, maxAttempts);
              return journal
                  .history(jobId, builder::add)
                  .handle(
                      (done, failure) -> {
                        if (failure != null) {
                          throw new CompletionException(readFailure(failure));
                        }
                        return new TimelineAnswer(builder.build(clock.getAsLong()), null);
                      });
            });
  }

  private static Throwable readFailure(Throwable failure) {
    Throwable cause = failure;
    while (cause instanceof CompletionException && cause.getCause() != null) {
      cause = cause.getCause();
    }
    if (cause instanceof Timeline.TooManyAttempts) {
      return cause;
    }
    return new StorageUnavailableException("the journal could not be read", cause);
  }
}
