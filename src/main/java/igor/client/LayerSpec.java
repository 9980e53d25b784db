package igor.client;

import igor.worker.api.TaskSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;

/**
 * A layer of a new job: its priority, name, tasks and whether it starts paused. A builder: each
 * method changes this spec and returns it.
 *
 * <pre>{@code
 * LayerSpec.priority(10).named("report").task(TaskSpec.of("noop", null))
 * }</pre>
 */
public final class LayerSpec {
  private final int priority;
  private String name = "";
  private long pausedAt;
  private final List<TaskSpec> tasks = new ArrayList<>();

  private LayerSpec(int priority) {
    this.priority = priority;
  }

  /** A layer of this priority: lower priorities run first, equal ones together. */
  public static LayerSpec priority(int priority) {
    return new LayerSpec(priority);
  }

  /** Names the layer. */
  public LayerSpec named(String name) {
    this.name = name == null ? "" : name;
    return this;
  }

  /** Creates the layer paused: nothing of it is queued until it is unpaused. */
  public LayerSpec paused() {
    this.pausedAt = JobSpec.now();
    return this;
  }

  /** Adds tasks. */
  public LayerSpec task(TaskSpec... tasks) {
    return tasks(Arrays.asList(tasks));
  }

  /** Adds tasks. */
  public LayerSpec tasks(Collection<TaskSpec> tasks) {
    this.tasks.addAll(tasks);
    return this;
  }

  /** Its priority. */
  public int priority() {
    return priority;
  }

  /** Its name ("" when none). */
  public String name() {
    return name;
  }

  /** When it was marked paused (unix seconds), 0 when not paused. */
  public long pausedAt() {
    return pausedAt;
  }

  /** Its tasks so far. */
  public List<TaskSpec> tasks() {
    return List.copyOf(tasks);
  }
}
