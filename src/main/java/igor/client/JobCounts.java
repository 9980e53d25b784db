package igor.client;

import java.util.List;

/**
 * The counts of one job's tasks by status, and of each of its layers ({@link IgorClient#counts}).
 *
 * @param jobId the job
 * @param counts its tasks by status
 * @param layers its layers' counts, by priority then id
 */
public record JobCounts(String jobId, Counts counts, List<LayerCounts> layers) {

  /** Never null. */
  public JobCounts {
    counts = counts == null ? Counts.none() : counts;
    layers = layers == null ? List.of() : List.copyOf(layers);
  }

  /**
   * The counts of one layer's tasks.
   *
   * @param layerId the layer
   * @param counts its tasks by status
   */
  public record LayerCounts(String layerId, Counts counts) {

    /** Never null. */
    public LayerCounts {
      counts = counts == null ? Counts.none() : counts;
    }
  }
}
