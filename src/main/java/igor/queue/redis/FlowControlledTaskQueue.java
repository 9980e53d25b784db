package igor.queue.redis;

import igor.queue.AttemptLease;
import igor.queue.TaskDelivery;
import igor.queue.TaskQueue;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * The task queues with flow control in front (docs/flow-control.md): a delivery whose type or
 * concurrency key has a limit, or whose type is ordered automatically, goes to its type's waiting
 * room ({@link RedisFlowControl}); every other delivery takes the direct way ({@link
 * RedisTaskQueue}), unchanged. A withdrawal also leaves the waiting room and frees its slot, which
 * admits the next delivery.
 */
final class FlowControlledTaskQueue implements TaskQueue {
  private final TaskQueue direct;
  private final RedisFlowControl flow;

  FlowControlledTaskQueue(TaskQueue direct, RedisFlowControl flow) {
    this.direct = direct;
    this.flow = flow;
  }

  @Override
  public CompletionStage<Void> enqueue(List<TaskDelivery> deliveries) {
    List<TaskDelivery> controlled = controlled(deliveries);
    if (controlled.isEmpty()) {
      return direct.enqueue(deliveries);
    }
    List<TaskDelivery> free = uncontrolled(deliveries);
    return direct.enqueue(free).thenCompose(done -> flow.enqueue(controlled));
  }

  /**
   * A controlled delivery that the queue lost is put in its waiting room again unless it waits
   * there, on the queue, or holds a slot (the waiting room's own checks).
   */
  @Override
  public CompletionStage<List<String>> redeliver(List<TaskDelivery> deliveries) {
    List<TaskDelivery> throughRooms = new ArrayList<>();
    List<TaskDelivery> free = new ArrayList<>();
    for (TaskDelivery d : deliveries) {
      (flow.mayWaitInRoom(d) ? throughRooms : free).add(d);
    }
    if (throughRooms.isEmpty()) {
      return direct.redeliver(deliveries);
    }
    // a type ordered lately may have deliveries in its room, which the direct check would count as
    // lost: they go through the room's own checks (and are admitted at once when nothing orders)
    return direct
        .redeliver(free)
        .thenCompose(ids -> flow.enqueue(throughRooms).thenApply(done -> ids));
  }

  @Override
  public CompletionStage<Void> cancel(List<TaskDelivery> withdrawals) {
    CompletionStage<Void> cancelled = direct.cancel(withdrawals);
    if (withdrawals.isEmpty() || !flow.holdsSlots()) {
      return cancelled;
    }
    List<String[]> idsAndTypes = new ArrayList<>(withdrawals.size());
    for (TaskDelivery w : withdrawals) {
      idsAndTypes.add(new String[] {w.deliveryId(), w.type()});
    }
    return cancelled.thenCompose(done -> flow.release(idsAndTypes));
  }

  @Override
  public CompletionStage<Void> ensureLeases(List<AttemptLease> leases, Duration lease) {
    return direct.ensureLeases(leases, lease);
  }

  private List<TaskDelivery> controlled(List<TaskDelivery> deliveries) {
    List<TaskDelivery> controlled = null;
    for (TaskDelivery d : deliveries) {
      if (flow.isControlled(d)) {
        if (controlled == null) {
          controlled = new ArrayList<>();
        }
        controlled.add(d);
      }
    }
    return controlled == null ? List.of() : controlled;
  }

  private List<TaskDelivery> uncontrolled(List<TaskDelivery> deliveries) {
    List<TaskDelivery> free = new ArrayList<>(deliveries.size());
    for (TaskDelivery d : deliveries) {
      if (!flow.isControlled(d)) {
        free.add(d);
      }
    }
    return free;
  }
}
