package igor.storage;

import java.util.Collection;
import java.util.Map;
import java.util.concurrent.CompletionStage;

/**
 * Where the journal and the read model's projection stand, as positions in the journal (its global
 * ordering): a read that must see the writes already answered waits until the projection of each
 * tag slice has applied the last event those writes journaled.
 */
public interface ProjectionProgress {

  /** The position of the last journaled event of each job; jobs without events are absent. */
  CompletionStage<Map<String, Long>> lastEventOfJobs(Collection<String> jobIds);

  /** The position of the last journaled event of each tag; tags without events are absent. */
  CompletionStage<Map<String, Long>> lastEventOfTags(Collection<String> tags);

  /** The position of the last event of each tag the read model has applied; absent: none. */
  CompletionStage<Map<String, Long>> appliedOfTags(Collection<String> tags);
}
