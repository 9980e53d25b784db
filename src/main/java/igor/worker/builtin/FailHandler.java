package igor.worker.builtin;

import igor.worker.api.TaskContext;
import igor.worker.api.TaskFailedException;
import igor.worker.api.TaskHandler;

/** {@code fail}: always fails, with its args (as text) as the message. Retryable. */
public final class FailHandler implements TaskHandler {
  @Override
  public String type() {
    return "fail";
  }

  @Override
  public byte[] handle(TaskContext context) throws TaskFailedException {
    String text = context.argsAsText().strip();
    throw new TaskFailedException(text.isEmpty() ? "failed as asked" : text);
  }
}
