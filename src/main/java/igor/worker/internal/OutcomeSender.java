package igor.worker.internal;

import igor.domain.WorkerReport;
import igor.queue.WorkerChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends the outcomes of a worker's attempts, those of attempts that end together in one round trip
 * (group commit): a handler thread hands its outcome over and waits until it is through; one thread
 * sends everything handed over so far as soon as its previous send finished, with no linger, so
 * that an attempt that ends alone waits for one thread hand-off more than if it sent itself. One
 * send holds at most the outcomes of the attempts in flight: each handler waits for its own.
 *
 * <p>While Redis cannot be reached the send is tried again, pausing longer each time (up to {@value
 * Backoff#LONGEST_PAUSE_MILLIS} ms); only once the worker stopped does it give up, and then each
 * waiting handler gets the failure.
 */
final class OutcomeSender implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(OutcomeSender.class);

  private record Waiting(WorkerReport outcome, CompletableFuture<Void> through) {}

  private final WorkerChannel channel;
  private final BooleanSupplier running;

  /** Outcomes handed over, in groups: those handed over together go in one send. */
  private final LinkedBlockingQueue<List<Waiting>> queue = new LinkedBlockingQueue<>();

  private final Thread thread;
  private volatile boolean closed;

  OutcomeSender(WorkerChannel channel, BooleanSupplier running) {
    this.channel = channel;
    this.running = running;
    this.thread = new Thread(this::sendAll, "igor-outcomes");
    this.thread.setDaemon(true);
  }

  OutcomeSender start() {
    thread.start();
    return this;
  }

  /**
   * Sends these outcomes (of attempts that ended together) with whatever else is waiting, and
   * returns once they are through; an interrupt does not cut the wait short. Throws the last
   * failure only when the worker stopped before they got through.
   */
  void send(List<WorkerReport> outcomes) {
    List<CompletableFuture<Void>> through = new ArrayList<>(outcomes.size());
    List<Waiting> group = new ArrayList<>(outcomes.size());
    for (WorkerReport outcome : outcomes) {
      Waiting w = new Waiting(outcome, new CompletableFuture<>());
      through.add(w.through());
      group.add(w);
    }
    queue.add(group);
    if (closed) {
      failAll(new IllegalStateException("the worker stopped"));
    }
    try {
      CompletableFuture.allOf(through.toArray(CompletableFuture[]::new)).join();
    } catch (CompletionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : e;
    }
  }

  /** Outcomes handed over and not sent yet (not counting a send under way). */
  int waiting() {
    return queue.stream().mapToInt(List::size).sum();
  }

  private void sendAll() {
    while (true) {
      List<List<Waiting>> groups = new ArrayList<>();
      try {
        groups.add(queue.take());
      } catch (InterruptedException e) {
        failAll(new IllegalStateException("the worker stopped"));
        return;
      }
      queue.drainTo(groups);
      List<Waiting> batch = new ArrayList<>();
      groups.forEach(batch::addAll);
      sendUntilThrough(batch);
    }
  }

  private void sendUntilThrough(List<Waiting> batch) {
    List<WorkerReport> outcomes = batch.stream().map(Waiting::outcome).toList();
    Backoff backoff = new Backoff();
    while (true) {
      try {
        channel.finishAll(outcomes);
        batch.forEach(w -> w.through().complete(null));
        return;
      } catch (RuntimeException e) {
        if (!running.getAsBoolean()) {
          batch.forEach(w -> w.through().completeExceptionally(e));
          return;
        }
        log.warn(
            "outcomes of attempts did not reach Redis, trying again count={} problem={}",
            outcomes.size(),
            e.toString());
        // a send under way is seen to its end; a close's interrupt is kept for the next take
        if (backoff.pause()) {
          Thread.currentThread().interrupt();
        }
      }
    }
  }

  private void failAll(RuntimeException e) {
    List<List<Waiting>> left = new ArrayList<>();
    queue.drainTo(left);
    left.forEach(group -> group.forEach(w -> w.through().completeExceptionally(e)));
  }

  /**
   * Stops the thread once what was handed over is through or given up (the worker stopped): the
   * handlers have all returned by the time a worker closes this.
   */
  @Override
  public void close() {
    closed = true;
    thread.interrupt();
    try {
      thread.join(Duration.ofSeconds(10).toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    failAll(new IllegalStateException("the worker stopped"));
  }
}
