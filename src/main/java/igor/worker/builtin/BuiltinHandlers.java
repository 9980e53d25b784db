package igor.worker.builtin;

import igor.worker.api.TaskHandler;
import java.util.List;

/** The task types every `igor worker` and `igor dev` runs: noop, sleep, fail and echo. */
public final class BuiltinHandlers {
  private BuiltinHandlers() {}

  public static List<TaskHandler> all() {
    return List.of(new NoopHandler(), new SleepHandler(), new FailHandler(), new EchoHandler());
  }
}
