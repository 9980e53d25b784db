package igor.testing;

import igor.worker.api.TaskContext;
import igor.worker.api.TaskFailedException;
import igor.worker.api.TaskHandler;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Type "wait": runs until Igor withdraws the attempt (at most a minute), then records that it was
 * stopped. Type "flaky": fails its first attempt, completes the later ones.
 */
public final class StoppableHandler implements TaskHandler {
  private final Set<String> stopped = ConcurrentHashMap.newKeySet();
  private final Set<String> started = ConcurrentHashMap.newKeySet();

  @Override
  public String type() {
    return "wait";
  }

  @Override
  public byte[] handle(TaskContext context) throws TaskFailedException {
    String attempt = context.taskId() + "/" + context.attempt();
    started.add(attempt);
    long until = System.currentTimeMillis() + 60_000;
    while (System.currentTimeMillis() < until) {
      if (context.isCancelled()) {
        stopped.add(attempt);
        throw new TaskFailedException("stopped");
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        stopped.add(attempt);
        throw new TaskFailedException("interrupted");
      }
    }
    return null;
  }

  /** "taskId/attempt" of every attempt that began. */
  public Set<String> started() {
    return started;
  }

  /** "taskId/attempt" of every attempt stopped by Igor. */
  public Set<String> stopped() {
    return stopped;
  }

  /** Fails the first attempt of each task, completes the others. */
  public static TaskHandler flaky() {
    return new TaskHandler() {
      @Override
      public String type() {
        return "flaky";
      }

      @Override
      public byte[] handle(TaskContext context) throws TaskFailedException {
        if (context.attempt() == 1) {
          throw new TaskFailedException("first attempt fails");
        }
        return null;
      }
    };
  }
}
