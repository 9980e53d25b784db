package igor.queue;

import java.util.List;
import java.util.concurrent.CompletionStage;

/** Where a job's owner hands out task attempts: one queue per task type. */
public interface TaskQueue {

  /** Appends the deliveries to their types' queues, in one round trip where the queue allows. */
  CompletionStage<Void> enqueue(List<TaskDelivery> deliveries);

  /**
   * Withdraws these attempts (by delivery id): a worker running one is told to stop it, and one
   * still waiting in a queue is dropped by the worker that takes it.
   */
  CompletionStage<Void> cancel(List<String> deliveryIds);

  /**
   * Gives these attempts a lease that runs out after {@code lease} unless their worker renews it;
   * an attempt that already has one keeps it. Used when the queue lost its data.
   */
  CompletionStage<Void> ensureLeases(List<AttemptLease> leases, java.time.Duration lease);
}
