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
  boolean begin(
      TaskDelivery delivery,
      String worker,
      Duration claimTtl,
      Duration lease,
      WorkerReport started);

  void report(WorkerReport report);

  /** Renews the leases of these attempts until {@code lease} from now (only those still held). */
  void renewLeases(Collection<AttemptLease> leases, Duration lease);

  /** Drops the lease of a finished attempt. */
  void dropLease(AttemptLease lease);

  /** Sends an attempt's final report and drops its lease, in one round trip. */
  void finish(WorkerReport outcome);

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
