package igor.testing;

import igor.worker.api.TaskContext;
import igor.worker.api.TaskFailedException;
import igor.worker.api.TaskHandler;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A handler whose attempts run until the test says how each ends: it holds work with a signal, not
 * with time. Each attempt ("taskId/attempt") waits for {@link #complete} or {@link #fail}; it notes
 * when Igor cancels it (flag or interrupt) but goes on waiting, so that a test can also make a
 * stopped attempt report afterwards (a late report). An attempt left waiting ends after a minute.
 */
public final class GatedHandler implements TaskHandler {
  private static final Duration POLL = Duration.ofMillis(20);
  private final String type;
  private final Map<String, CompletableFuture<Outcome>> outcomes = new ConcurrentHashMap<>();
  private final Set<String> cancelled = ConcurrentHashMap.newKeySet();
  private final Map<String, CompletableFuture<Void>> started = new ConcurrentHashMap<>();

  private record Outcome(byte[] result, String failure, boolean retryable) {}

  public GatedHandler(String type) {
    this.type = type;
  }

  /** "taskId/attempt", the name of one attempt. */
  public static String attempt(String taskId, int attempt) {
    return taskId + "/" + attempt;
  }

  @Override
  public String type() {
    return type;
  }

  @Override
  public byte[] handle(TaskContext context) throws Exception {
    String attempt = attempt(context.taskId(), context.attempt());
    startedSignal(attempt).complete(null);
    CompletableFuture<Outcome> outcome = outcome(attempt);
    long until = System.nanoTime() + Duration.ofMinutes(1).toNanos();
    while (System.nanoTime() < until) {
      if (context.isCancelled()) {
        cancelled.add(attempt);
      }
      try {
        Outcome o = outcome.get(POLL.toMillis(), TimeUnit.MILLISECONDS);
        if (o.failure() != null) {
          throw new TaskFailedException(o.failure(), o.retryable());
        }
        return o.result();
      } catch (TimeoutException stillWaiting) {
        // poll the cancellation again
      } catch (InterruptedException interrupted) {
        // how Igor's cancel reaches a thread: noted, and the attempt still waits for the test
        cancelled.add(attempt);
      }
    }
    throw new TaskFailedException("the test never ended " + attempt);
  }

  /** Waits until the attempt has begun in a worker, or fails after the bound. */
  public void awaitStarted(String attempt, Duration bound) {
    try {
      startedSignal(attempt).get(bound.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new AssertionError("attempt " + attempt + " did not start within " + bound);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  /** Waits until a worker has noticed that Igor cancelled the attempt, or fails after the bound. */
  public void awaitCancelled(String attempt, Duration bound) {
    long until = System.nanoTime() + bound.toNanos();
    while (!cancelled.contains(attempt)) {
      if (System.nanoTime() > until) {
        throw new AssertionError("attempt " + attempt + " was not cancelled within " + bound);
      }
      try {
        Thread.sleep(POLL.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }

  public boolean hasStarted(String attempt) {
    return startedSignal(attempt).isDone();
  }

  /** Whether the handler has seen the attempt cancelled so far. */
  public boolean wasCancelled(String attempt) {
    return cancelled.contains(attempt);
  }

  /** Lets the attempt complete with this result (now, or as soon as it starts). */
  public void complete(String attempt, byte[] result) {
    outcome(attempt).complete(new Outcome(result, null, true));
  }

  /** Lets the attempt fail with this message, to be retried if the task has retries left. */
  public void fail(String attempt, String message) {
    outcome(attempt).complete(new Outcome(null, message, true));
  }

  private CompletableFuture<Outcome> outcome(String attempt) {
    return outcomes.computeIfAbsent(attempt, a -> new CompletableFuture<>());
  }

  private CompletableFuture<Void> startedSignal(String attempt) {
    return started.computeIfAbsent(attempt, a -> new CompletableFuture<>());
  }
}
