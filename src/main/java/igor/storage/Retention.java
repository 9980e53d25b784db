package igor.storage;

import igor.domain.Status;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;

/** Removal of finished jobs for good: every trace of them in PostgreSQL. */
public interface Retention {

  /**
   * Up to {@code limit} jobs that the read model shows in one of these statuses and whose latest
   * journaled event is older than {@code changedBefore} (unix ms), with every event projected.
   * Oldest first.
   */
  CompletionStage<List<String>> due(Set<Status> statuses, long changedBefore, int limit);

  /**
   * Removes these jobs (id to the last sequence number their entity confirmed) in one transaction:
   * journal (with its tags), snapshots, read model and object directory. A job whose journal has
   * grown past that number is left alone. Answers the ids removed.
   */
  CompletionStage<List<String>> remove(Map<String, Long> jobs);
}
