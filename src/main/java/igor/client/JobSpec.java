package igor.client;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

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
  private long startAt;
  private long startAfter;
  private final List<LayerSpec> layers = new ArrayList<>();
  private int urgency;
  private String concurrencyKey = "";
  private String fairnessKey = "";

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

  /**
   * Starts the job at this time (whole unix seconds, rounded down) rather than at once: until then
   * it waits PENDING, and can be paused, skipped or started early ({@link Action#START}). At most
   * igor.limits.max-start-delay ahead (30 days by default); a time already past starts it at once.
   * Replaces an earlier {@link #startAfter}.
   */
  public JobSpec startAt(Instant at) {
    long seconds = Objects.requireNonNull(at, "at").getEpochSecond();
    if (seconds < 0) {
      throw new IllegalArgumentException("start time must be after 1970, got " + at);
    }
    this.startAt = seconds;
    this.startAfter = 0;
    return this;
  }

  /**
   * Starts the job this long after Igor receives it (whole seconds, rounded down) rather than at
   * once; see {@link #startAt}. Replaces an earlier {@link #startAt}.
   */
  public JobSpec startAfter(Duration delay) {
    long seconds = Objects.requireNonNull(delay, "delay").toSeconds();
    if (delay.isNegative()) {
      throw new IllegalArgumentException("start delay must not be negative, got " + delay);
    }
    this.startAfter = seconds;
    this.startAt = 0;
    return this;
  }

  /** When it is to start (unix seconds), 0 when at once or after a delay. */
  public long startAt() {
    return startAt;
  }

  /** How many seconds after its creation it is to start, 0 when at once or at a time. */
  public long startAfter() {
    return startAfter;
  }

  /**
   * How urgent its tasks are among the waiting tasks of their type, 1 to 5 (3 when not set): on a
   * type under a flow-control limit, urgent jobs' tasks are taken first (docs/flow-control.md).
   */
  public JobSpec urgency(int urgency) {
    if (urgency < 1 || urgency > 5) {
      throw new IllegalArgumentException("urgency must be from 1 to 5, got " + urgency);
    }
    this.urgency = urgency;
    return this;
  }

  /**
   * The concurrency key of its tasks: the limits of that key hold them too (for example a
   * customer).
   */
  public JobSpec concurrencyKey(String key) {
    this.concurrencyKey = Objects.requireNonNull(key, "key");
    return this;
  }

  /** The fairness key (tenant) of its tasks: tenants' tasks of a limited type take turns. */
  public JobSpec fairnessKey(String key) {
    this.fairnessKey = Objects.requireNonNull(key, "key");
    return this;
  }

  /** Its urgency, 0 when not set (3). */
  public int urgency() {
    return urgency;
  }

  /** Its tasks' concurrency key, "" for none. */
  public String concurrencyKey() {
    return concurrencyKey;
  }

  /** Its tasks' fairness key, "" for none. */
  public String fairnessKey() {
    return fairnessKey;
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
