package igor.storage;

import igor.domain.JobEvent;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import org.apache.pekko.NotUsed;
import org.apache.pekko.stream.javadsl.Source;

/**
 * Every change of every job, live, as the journal holds it: the source of GET /api/v1/events. Each
 * change carries the journal's global {@code ordering}, which only grows, so a reader that stopped
 * after ordering n resumes with {@link #after} n.
 */
public interface ChangeFeed {

  /** One journaled event and its place in the journal. */
  record Change(long ordering, JobEvent event) {}

  /**
   * The changes with an ordering above {@code ordering}, oldest first, and then every new one as it
   * is journaled; the source never completes. With job ids, only the changes of those jobs.
   */
  Source<Change, NotUsed> after(long ordering, Set<String> jobIds);

  /** The ordering of the latest change journaled so far (0 when none): "from now on". */
  CompletionStage<Long> latest();

  /**
   * Every event journaled so far for one job, oldest first, each handed to {@code each} in turn;
   * completes once the last was. An exception thrown by {@code each} stops the reading and fails
   * the answer with it. A job with no events (unknown, or removed) is read as nothing.
   */
  CompletionStage<Void> history(String jobId, Consumer<JobEvent> each);
}
