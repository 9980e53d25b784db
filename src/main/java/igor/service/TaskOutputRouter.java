package igor.service;

import igor.domain.Identifiers;
import igor.domain.TaskOutput;
import igor.queue.TaskOutputChannel;
import igor.queue.TaskOutputChannel.Received;
import igor.storage.TaskOutputStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries task output from the Redis stream to its table (docs/adr/0014-task-output.md), on a
 * thread of its own: reads a batch, sets aside the entries that break the rules, drops those of
 * attempts whose claim is not held (never taken, or ended longer than the claim linger ago), stores
 * the rest in one transaction, hands them to every node's event streams, and only then removes the
 * batch from the stream. A batch that could not be stored is read again (its lines are numbered
 * anew: a line stored twice is possible after a failure, a line lost is not).
 */
public final class TaskOutputRouter {
  private static final Logger log = LoggerFactory.getLogger(TaskOutputRouter.class);
  private final TaskOutputChannel channel;
  private final TaskOutputStore store;
  private final int batchSize;
  private final Duration pollWait;
  private final Thread thread;
  private volatile boolean running = true;

  public TaskOutputRouter(
      TaskOutputChannel channel, TaskOutputStore store, int batchSize, Duration pollWait) {
    this.channel = channel;
    this.store = store;
    this.batchSize = batchSize;
    this.pollWait = pollWait;
    this.thread = new Thread(this::run, "igor-task-output");
    thread.setDaemon(true);
  }

  public TaskOutputRouter start() {
    thread.start();
    return this;
  }

  private void run() {
    while (running) {
      try {
        List<Received> batch = channel.next(batchSize, pollWait);
        if (!batch.isEmpty()) {
          route(batch);
        }
      } catch (RuntimeException e) {
        if (!running) {
          return;
        }
        log.warn("task output not stored, reading it again problem={}", e.toString());
        try {
          Thread.sleep(1000);
        } catch (InterruptedException stop) {
          return;
        }
      }
    }
  }

  /** One batch, start to end; public for tests that drive it without the thread. */
  public void route(List<Received> batch) {
    List<Received> unreadable = new ArrayList<>();
    List<Received> readable = new ArrayList<>();
    for (Received r : batch) {
      (r.entry() == null ? unreadable : readable).add(r);
    }
    if (!unreadable.isEmpty()) {
      log.warn(
          "task output that breaks the protocol set aside as dead letters count={} first={}",
          unreadable.size(),
          unreadable.get(0).problem());
      channel.setAside(unreadable);
    }
    Set<String> claimed =
        channel.claimed(
            readable.stream().map(r -> deliveryId(r.entry())).collect(Collectors.toSet()));
    List<TaskOutput.Entry> current =
        readable.stream()
            .map(Received::entry)
            .filter(e -> claimed.contains(deliveryId(e)))
            .toList();
    if (current.size() < readable.size()) {
      log.debug(
          "task output of attempts not running dropped count={}", readable.size() - current.size());
    }
    List<TaskOutput.Entry> stored = store.store(current).toCompletableFuture().join();
    channel.publish(stored);
    channel.acknowledge(readable);
  }

  private static String deliveryId(TaskOutput.Entry e) {
    return Identifiers.deliveryId(e.taskId(), e.attempt());
  }

  public void stop() {
    running = false;
    thread.interrupt();
    try {
      thread.join(pollWait.toMillis() + 5000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
