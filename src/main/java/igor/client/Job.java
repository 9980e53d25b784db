package igor.client;

import java.util.List;
import java.util.Optional;

/**
 * A job as Igor shows it. From {@link Igor#job} it is whole and exact (its layers and their tasks,
 * from the job itself); in lists its layers are empty and {@code counts} sum up its tasks.
 *
 * @param id the job's id
 * @param etag the version seen ({@link Ref#of(Job)})
 * @param status its status
 * @param name its name ("" when none)
 * @param pausedAt when it was paused (unix seconds), 0 if it is not
 * @param createdAt when it was created (unix seconds)
 * @param updatedAt when it last changed (unix seconds)
 * @param counts its tasks by status
 * @param layers its layers in the order they were declared (empty in lists)
 * @param startAt when it was created to start (unix seconds), 0 if at once; while it waits for that
 *     time it is PENDING ({@link #isWaitingToStart()})
 */
public record Job(
    String id,
    String etag,
    Status status,
    String name,
    long pausedAt,
    long createdAt,
    long updatedAt,
    Counts counts,
    List<Layer> layers,
    long startAt) {

  /** Never null: absent fields become empty. */
  public Job {
    name = name == null ? "" : name;
    counts = counts == null ? Counts.none() : counts;
    layers = layers == null ? List.of() : List.copyOf(layers);
  }

  /** A job that started at once. */
  public Job(
      String id,
      String etag,
      Status status,
      String name,
      long pausedAt,
      long createdAt,
      long updatedAt,
      Counts counts,
      List<Layer> layers) {
    this(id, etag, status, name, pausedAt, createdAt, updatedAt, counts, layers, 0);
  }

  /** Whether it waits for its start time ({@link JobSpec#startAt}): PENDING with a start time. */
  public boolean isWaitingToStart() {
    return status == Status.PENDING && startAt > 0;
  }

  /** Whether it is paused. */
  public boolean isPaused() {
    return pausedAt > 0;
  }

  /** Whether only a person can change its status again (see {@link Status#isFinal()}). */
  public boolean isFinished() {
    return status.isFinal();
  }

  /** The first layer of this name, if there is one. */
  public Optional<Layer> layer(String name) {
    return layers.stream().filter(l -> l.name().equals(name)).findFirst();
  }

  /** Every task of every layer, layer by layer. */
  public List<Task> tasks() {
    return layers.stream().flatMap(l -> l.tasks().stream()).toList();
  }
}
