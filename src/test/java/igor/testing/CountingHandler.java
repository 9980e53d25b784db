package igor.testing;

import igor.worker.api.TaskContext;
import igor.worker.api.TaskHandler;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** A handler that counts how often each attempt of each task ran, sleeping a while in each. */
public final class CountingHandler implements TaskHandler {
  private final String type;
  private final long sleepMillis;
  private final Map<String, AtomicInteger> runs = new ConcurrentHashMap<>();

  public CountingHandler(String type, long sleepMillis) {
    this.type = type;
    this.sleepMillis = sleepMillis;
  }

  @Override
  public String type() {
    return type;
  }

  @Override
  public byte[] handle(TaskContext context) throws InterruptedException {
    runs.computeIfAbsent(context.taskId() + "/" + context.attempt(), k -> new AtomicInteger())
        .incrementAndGet();
    Thread.sleep(sleepMillis);
    return null;
  }

  /** Runs per "taskId/attempt". */
  public Map<String, AtomicInteger> runs() {
    return runs;
  }
}
