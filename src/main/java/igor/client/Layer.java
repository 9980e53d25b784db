package igor.client;

import java.util.List;

/**
 * A layer as Igor shows it. In a whole job ({@link Igor#job}) it holds its tasks; in lists and
 * {@link IgorClient#layer} its tasks are empty and only {@code counts} tell about them.
 *
 * @param id the layer's id
 * @param etag the version seen ({@link Ref#of(Layer)})
 * @param status its status
 * @param name its name ("" when none)
 * @param priority its priority: lower priorities run first, equal ones together
 * @param pausedAt when it was paused (unix seconds), 0 if it is not
 * @param jobId its job
 * @param createdAt when it was created (unix seconds)
 * @param updatedAt when it last changed (unix seconds)
 * @param counts its tasks by status
 * @param tasks its tasks, in the order they were added (empty outside a whole job)
 */
public record Layer(
    String id,
    String etag,
    Status status,
    String name,
    int priority,
    long pausedAt,
    String jobId,
    long createdAt,
    long updatedAt,
    Counts counts,
    List<Task> tasks) {

  /** Never null: absent fields become empty. */
  public Layer {
    name = name == null ? "" : name;
    counts = counts == null ? Counts.none() : counts;
    tasks = tasks == null ? List.of() : List.copyOf(tasks);
  }

  /** Whether it is paused. */
  public boolean isPaused() {
    return pausedAt > 0;
  }
}
