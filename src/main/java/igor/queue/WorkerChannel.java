package igor.queue;

import igor.domain.WorkerReport;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.function.Consumer;

/** The worker side of the queue: take task attempts, claim them, and report on them. */
public interface WorkerChannel {

  /**
   * Up to {@code max} deliveries of any of the types, waiting at most {@code wait} for the first.
   * Returns an empty list when nothing came.
   */
  List<TaskDelivery> take(Collection<String> types, int max, Duration wait)
      throws InterruptedException;

  /**
   * Claims the attempt for this worker. False when another delivery of the same attempt was claimed
   * already: the caller must then drop it.
   */
  boolean claim(TaskDelivery delivery, String worker, Duration ttl);

  void report(WorkerReport report);

  /** Takes or renews the leases of these attempts until {@code lease} from now. */
  void holdLeases(Collection<AttemptLease> leases, Duration lease);

  /** Drops the lease of a finished attempt. */
  void dropLease(AttemptLease lease);

  /** Calls {@code cancelled} with the delivery id of every attempt Igor withdraws from now on. */
  void onCancel(Consumer<String> cancelled);
}
