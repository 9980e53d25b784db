package igor.domain;

import static igor.domain.Status.COMPLETED;
import static igor.domain.Status.ERRORED;
import static igor.domain.Status.PENDING;
import static igor.domain.Status.QUEUED;
import static igor.domain.Status.RUNNING;
import static igor.domain.Status.SKIPPED;

import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * Which status a task, a layer or the job may move to from which (SEMANTICS.md sections 2 and 3).
 * Everything not listed is refused: a status never changes to itself (an event that names a status
 * changes it), nothing leaves COMPLETED or SKIPPED except a job reopened by a retry, and KILLED is
 * never set by Igor (a killed attempt is ERRORED "killed"). {@link JobEvolution} checks every
 * change against this table as it applies an event; AllowedStatusChangesTest gives the reason of
 * each.
 */
public final class AllowedStatusChanges {
  private static final Map<Status, Set<Status>> TASK = new EnumMap<>(Status.class);
  private static final Map<Status, Set<Status>> LAYER = new EnumMap<>(Status.class);
  private static final Map<Status, Set<Status>> JOB = new EnumMap<>(Status.class);

  static {
    TASK.put(PENDING, EnumSet.of(QUEUED, SKIPPED));
    TASK.put(QUEUED, EnumSet.of(RUNNING, COMPLETED, PENDING, ERRORED, SKIPPED));
    TASK.put(RUNNING, EnumSet.of(COMPLETED, PENDING, ERRORED, SKIPPED));
    TASK.put(ERRORED, EnumSet.of(PENDING, SKIPPED));

    LAYER.put(PENDING, EnumSet.of(RUNNING, SKIPPED));
    LAYER.put(RUNNING, EnumSet.of(COMPLETED, ERRORED, SKIPPED));
    LAYER.put(ERRORED, EnumSet.of(RUNNING, COMPLETED, SKIPPED));

    JOB.put(PENDING, EnumSet.of(RUNNING, SKIPPED));
    JOB.put(RUNNING, EnumSet.of(COMPLETED, ERRORED, SKIPPED));
    JOB.put(ERRORED, EnumSet.of(RUNNING, COMPLETED, SKIPPED));
    JOB.put(COMPLETED, EnumSet.of(RUNNING));
  }

  private AllowedStatusChanges() {}

  /** The status an object has when it is declared: a job RUNNING, a layer or task PENDING. */
  public static Status initial(ObjectKind kind) {
    return kind == ObjectKind.JOB ? RUNNING : PENDING;
  }

  /**
   * The status of a job when it is declared: RUNNING, or PENDING when it waits for a start time
   * ({@code startAt > 0}, unix ms) until it starts (then RUNNING) or is skipped.
   */
  public static Status initialJob(long startAt) {
    return startAt > 0 ? PENDING : initial(ObjectKind.JOB);
  }

  /** Whether an object of this kind may move from {@code from} to {@code to}. */
  public static boolean isAllowed(ObjectKind kind, Status from, Status to) {
    return table(kind).getOrDefault(from, Set.of()).contains(to);
  }

  /** Refuses a change the table does not allow, naming the object and the event. */
  static void check(ObjectKind kind, String id, Status from, Status to, JobEvent event) {
    if (!isAllowed(kind, from, to)) {
      throw new IllegalStateException(
          kind.name().toLowerCase(java.util.Locale.ROOT)
              + " "
              + id
              + " may not change from "
              + from
              + " to "
              + to
              + " (event "
              + event.getClass().getSimpleName()
              + " of job "
              + event.jobId()
              + ")");
    }
  }

  private static Map<Status, Set<Status>> table(ObjectKind kind) {
    return switch (kind) {
      case TASK -> TASK;
      case LAYER -> LAYER;
      case JOB -> JOB;
    };
  }
}
