package igor.worker.internal;

import igor.worker.api.BatchContext;
import igor.worker.api.TaskContext;
import java.util.List;

/** The worker's side of a {@link BatchContext}: the attempts of one batch it claimed. */
final class Batch implements BatchContext {
  private final String type;
  private final List<Attempt> attempts;
  private final Attempt.Services services;

  Batch(String type, List<Attempt> attempts, Attempt.Services services) {
    this.type = type;
    this.attempts = List.copyOf(attempts);
    this.services = services;
  }

  @Override
  public String type() {
    return type;
  }

  @Override
  public List<TaskContext> tasks() {
    return List.copyOf(attempts);
  }

  @Override
  public boolean isCancelled() {
    return Thread.currentThread().isInterrupted()
        || attempts.stream().allMatch(Attempt::cancelFlag);
  }

  @Override
  public void heartbeat() {
    services.heartbeat(attempts);
  }
}
