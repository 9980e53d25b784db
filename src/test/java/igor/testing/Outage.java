package igor.testing;

import java.time.Duration;

/**
 * An outage of PostgreSQL or Redis that a test plays: it lasts {@link #LENGTH}, however long the
 * checks made during it took.
 */
public final class Outage {
  /** How long a server stays down in the outage tests: the 30 s of issue 9. */
  public static final Duration LENGTH = Duration.ofSeconds(30);

  private final long began = System.nanoTime();

  private Outage() {}

  /**
   * Creates a job of two layers, four "slow" tasks then a "slow" and a "quick" one, and waits until
   * the four run: work in flight for an outage to begin under. Answers the job's id.
   */
  public static String jobWithFourTasksRunning(HttpApi api, Duration wait) {
    String id =
        api.createJob(
            """
            {"layers": [
              {"tasks": [{"type": "slow"}, {"type": "slow"}, {"type": "slow"}, {"type": "slow"}]},
              {"priority": 1, "tasks": [{"type": "slow"}, {"type": "quick"}]}
            ]}""");
    api.awaitJob(id, job -> JobJson.tasksOfLayer(job, 0, "RUNNING") == 4, wait);
    return id;
  }

  /** Call just before stopping the server. */
  public static Outage begins() {
    return new Outage();
  }

  /** Waits out what is left of the outage; then the test starts the server again. */
  public void lastsItsFullLength() {
    long leftMillis = (began + LENGTH.toNanos() - System.nanoTime()) / 1_000_000;
    if (leftMillis > 0) {
      try {
        Thread.sleep(leftMillis);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
  }
}
