package igor.storage;

import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;

/**
 * Which jobs exist, and which job each layer and task belongs to, so that a request naming only
 * layers or tasks reaches their job, and a request naming an unknown id is answered without asking
 * (and so starting) a job entity. Written before the objects join their job, so it is never behind
 * it.
 */
public interface ObjectDirectory {

  /** Records the job (when it is new) and these layers and tasks of it. */
  CompletionStage<Void> register(
      String jobId, Collection<String> layerIds, Collection<String> taskIds);

  /**
   * The jobs among these ids that were recorded (created, or being created); every id must be a
   * UUID.
   */
  CompletionStage<Set<String>> knownJobs(Collection<String> jobIds);

  /** The job of each known layer; unknown layers are absent from the answer. */
  CompletionStage<Map<String, String>> jobsOfLayers(Collection<String> layerIds);

  /** The job of each known task; unknown tasks are absent from the answer. */
  CompletionStage<Map<String, String>> jobsOfTasks(Collection<String> taskIds);
}
