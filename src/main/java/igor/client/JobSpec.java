package igor.client;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A new job for {@link Igor#create}: its name, layers and whether it starts paused. A builder: each
 * method changes this spec and returns it.
 *
 * <pre>{@code
 * JobSpec.named("nightly")
 *     .layer(LayerSpec.priority(0).task(TaskSpec.of("fetch", url).withRetries(3)))
 *     .layer(LayerSpec.priority(10).named("report").task(TaskSpec.of("report", null)))
 * }</pre>
 */
public final class JobSpec {
  private final String name;
  private long pausedAt;
  private final List<LayerSpec> layers = new ArrayList<>();

  private JobSpec(String name) {
    this.name = name == null ? "" : name;
  }

  /** A job of this name. */
  public static JobSpec named(String name) {
    return new JobSpec(name);
  }

  /** Creates the job paused: nothing of it is queued until it is unpaused. */
  public JobSpec paused() {
    this.pausedAt = now();
    return this;
  }

  /** Adds layers. */
  public JobSpec layer(LayerSpec... layers) {
    this.layers.addAll(Arrays.asList(layers));
    return this;
  }

  /** Its name. */
  public String name() {
    return name;
  }

  /** When it was marked paused (unix seconds), 0 when not paused. */
  public long pausedAt() {
    return pausedAt;
  }

  /** Its layers so far. */
  public List<LayerSpec> layers() {
    return List.copyOf(layers);
  }

  /** Now in unix seconds, at least 1 (0 means "not paused"). */
  static long now() {
    return Math.max(1, System.currentTimeMillis() / 1000);
  }
}
