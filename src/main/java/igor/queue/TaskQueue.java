package igor.queue;

import java.util.List;
import java.util.concurrent.CompletionStage;

/** Where a job's owner hands out task attempts: one queue per task type. */
public interface TaskQueue {

  /**
   * Appends the deliveries to their types' queues, in one round trip where the queue allows; a
   * delivery whose attempt waits in its queue already is not appended again.
   */
  CompletionStage<Void> enqueue(List<TaskDelivery> deliveries);

  /**
   * Hands these attempts out again where the queue lost them: an attempt neither waiting in its
   * queue nor claimed nor withdrawn is appended again (the same attempt, the same delivery id).
   * Answers the delivery ids appended.
   */
  CompletionStage<List<String>> redeliver(List<TaskDelivery> deliveries);

  /**
   * Withdraws these attempts (each as it was handed out): one still waiting in its queue is removed
   * from it, a worker running one is told to stop it, and one taken but not begun is dropped by the
   * worker that took it.
   */
  CompletionStage<Void> cancel(List<TaskDelivery> withdrawals);

  /**
   * Gives these attempts a lease that runs out after {@code lease} unless their worker renews it;
   * an attempt that already has one keeps it. Used when the queue lost its data.
   */
  CompletionStage<Void> ensureLeases(List<AttemptLease> leases, java.time.Duration lease);
}
