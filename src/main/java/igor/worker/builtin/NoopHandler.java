package igor.worker.builtin;

import igor.worker.api.TaskContext;
import igor.worker.api.TaskHandler;

/** {@code noop}: completes at once with no result. */
public final class NoopHandler implements TaskHandler {
  @Override
  public String type() {
    return "noop";
  }

  @Override
  public byte[] handle(TaskContext context) {
    return null;
  }
}
