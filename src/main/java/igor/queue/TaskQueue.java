package igor.queue;

import java.util.List;
import java.util.concurrent.CompletionStage;

/** Where a job's owner hands out task attempts: one queue per task type. */
public interface TaskQueue {

  /** Appends the deliveries to their types' queues, in one round trip where the queue allows. */
  CompletionStage<Void> enqueue(List<TaskDelivery> deliveries);
}
