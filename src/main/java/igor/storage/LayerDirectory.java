package igor.storage;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;

/** Which job each layer belongs to, so that a request naming only layers reaches their job. */
public interface LayerDirectory {

  /** Records the layers of a new job. Done before the job is created. */
  CompletionStage<Void> register(String jobId, List<String> layerIds);

  /** The job of each known layer; unknown layers are absent from the answer. */
  CompletionStage<Map<String, String>> jobsOf(Collection<String> layerIds);
}
