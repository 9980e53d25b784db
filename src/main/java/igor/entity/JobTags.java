package igor.entity;

import java.util.List;
import java.util.stream.IntStream;

/**
 * The tags of a job's events, read by the read model's projection (one projection per tag). Every
 * event of a job carries the same tag, so one projection sees a job's events in order.
 *
 * <p>Persisted names (docs/adr/0005-read-model.md): tags {@code job-0} to {@code job-3}, chosen by
 * the job id's hash. {@link #SLICES} can never change once events are tagged: a job's later events
 * would land in another slice than its earlier ones.
 */
public final class JobTags {
  public static final int SLICES = 4;
  private static final String PREFIX = "job-";

  private JobTags() {}

  public static String of(String jobId) {
    return PREFIX + Math.floorMod(jobId.hashCode(), SLICES);
  }

  /** Every tag, in slice order. */
  public static List<String> all() {
    return IntStream.range(0, SLICES).mapToObj(i -> PREFIX + i).toList();
  }
}
