package igor.storage;

import java.util.Collection;
import java.util.Map;
import java.util.concurrent.CompletionStage;

/**
 * Which job each layer and task belongs to, so that a request naming only layers or tasks reaches
 * their job. Written before the objects join their job, so it is never behind it.
 */
public interface ObjectDirectory {

  /** Records the layers and tasks of a job. */
  CompletionStage<Void> register(
      String jobId, Collection<String> layerIds, Collection<String> taskIds);

  /** The job of each known layer; unknown layers are absent from the answer. */
  CompletionStage<Map<String, String>> jobsOfLayers(Collection<String> layerIds);

  /** The job of each known task; unknown tasks are absent from the answer. */
  CompletionStage<Map<String, String>> jobsOfTasks(Collection<String> taskIds);
}
