package igor.queue;

import java.util.Collection;

/**
 * Time stamps of a task's way through Igor, step by step, for {@code igor bench}'s breakdown of a
 * chain's hop (docs/BENCHMARKS.md, "Where a hop's time goes"). Off unless a recorder is installed:
 * then each step costs one volatile read. The node and the worker of one JVM share it, so the times
 * are of one clock ({@link System#nanoTime()}).
 */
public final class HopProbe {
  /** The steps, in the order a task takes them. */
  public enum Step {
    /** The node's push of the delivery answered by Redis. */
    PUSHED,
    /** A worker's take returned the delivery. */
    POPPED,
    /** The worker's claim answered: claim, lease and {@code started} report are in Redis. */
    STARTED_SENT,
    /** The node read the {@code started} report from the report stream. */
    STARTED_READ,
    /** The job decided on the {@code started} report: its events go to the journal now. */
    STARTED_DECIDED,
    /** The job journaled the {@code started} report (its write answered). */
    STARTED_JOURNALED,
    /** The handler returned. */
    HANDLED,
    /** The outcome report is in Redis. */
    OUTCOME_SENT,
    /** The node read the outcome report. */
    OUTCOME_READ,
    /** The job decided on the outcome: its events go to the journal now. */
    OUTCOME_DECIDED,
    /** The job journaled the outcome (and what it caused, such as the next layer's start). */
    OUTCOME_JOURNALED
  }

  /** Receives the steps while installed. */
  public interface Recorder {
    void record(Step step, String taskId, long nanoTime);
  }

  private static volatile Recorder recorder;

  private HopProbe() {}

  /** Records from now on into {@code r}; null stops recording. */
  public static void install(Recorder r) {
    recorder = r;
  }

  /** Whether a recorder is installed (to skip preparing what only it would read). */
  public static boolean on() {
    return recorder != null;
  }

  public static void mark(Step step, String taskId) {
    Recorder r = recorder;
    if (r != null) {
      r.record(step, taskId, System.nanoTime());
    }
  }

  /**
   * Records the step at {@code nanoTime}: steps of one moment (the reports of one journal write)
   * get the same time.
   */
  public static void mark(Step step, String taskId, long nanoTime) {
    Recorder r = recorder;
    if (r != null) {
      r.record(step, taskId, nanoTime);
    }
  }

  public static void mark(Step step, Collection<String> taskIds) {
    Recorder r = recorder;
    if (r != null) {
      long now = System.nanoTime();
      for (String id : taskIds) {
        r.record(step, id, now);
      }
    }
  }
}
