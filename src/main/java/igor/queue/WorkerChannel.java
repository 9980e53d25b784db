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
   * Begins an attempt, all at once: claims it for this worker (for {@code claimTtl}), takes its
   * lease (until {@code lease} from now) and sends the {@code started} report. False, with nothing
   * done, when the attempt was claimed already or withdrawn: the caller must then drop it.
   */
  default boolean begin(
      TaskDelivery delivery,
      String worker,
      Duration claimTtl,
      Duration lease,
      WorkerReport started) {
    return beginAll(List.of(new Beginning(delivery, started)), worker, claimTtl, lease).get(0);
  }

  /** A delivery to begin, with the report that says it started. */
  record Beginning(TaskDelivery delivery, WorkerReport started) {}

  /**
   * Begins several attempts in one round trip, each as {@link #begin} does and all at once for
   * itself (claim, lease and started report together, or nothing of them): whether each was
   * claimed, in the order given. One not claimed must be dropped by the caller.
   */
  List<Boolean> beginAll(
      List<Beginning> beginnings, String worker, Duration claimTtl, Duration lease);

  void report(WorkerReport report);

  /** Renews the leases of these attempts until {@code lease} from now (only those still held). */
  void renewLeases(Collection<AttemptLease> leases, Duration lease);

  /** Drops the lease of a finished attempt. */
  void dropLease(AttemptLease lease);

  /** Sends an attempt's final report and drops its lease, in one round trip. */
  default void finish(WorkerReport outcome) {
    finishAll(List.of(outcome));
  }

  /**
   * Sends the final reports of several attempts and drops their leases, in one round trip: each
   * report its own entry of the reports stream, in the order given.
   */
  void finishAll(List<WorkerReport> outcomes);

  /**
   * Announces this worker in the registry, or renews its announcement: its heartbeat there
   * (docs/worker-protocol.md, "Registry"). Its id is this channel's taker name.
   */
  void announce(WorkerAnnouncement announcement);

  /**
   * Appends entries of the task output stream ({@link WireFormat#output}) in one round trip; the
   * stream is trimmed to about 1,000,000 entries (docs/worker-protocol.md, "Logs and progress").
   */
  void sendOutput(List<String> entries);

  /** Calls {@code cancelled} with the delivery id of every attempt Igor withdraws from now on. */
  void onCancel(Consumer<String> cancelled);
}
