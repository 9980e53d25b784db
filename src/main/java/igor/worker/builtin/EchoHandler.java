package igor.worker.builtin;

import igor.worker.api.TaskContext;
import igor.worker.api.TaskHandler;

/** {@code echo}: completes with its args as the result. */
public final class EchoHandler implements TaskHandler {
  @Override
  public String type() {
    return "echo";
  }

  @Override
  public byte[] handle(TaskContext context) {
    return context.args();
  }
}
