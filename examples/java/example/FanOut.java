package example;

import igor.client.Igor;
import igor.client.Job;
import igor.client.Layer;
import igor.worker.api.TaskContext;
import igor.worker.api.TaskFailedException;
import igor.worker.api.TaskHandler;
import igor.worker.api.TaskSpec;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A handler that expands a later layer at runtime: "split" reads a list of words (its args,
 * comma-separated) and adds one "echo" task per word to the layer named "work" of its own job.
 */
public final class FanOut implements TaskHandler {
  private final Igor igor;

  /** The handler finds the "work" layer of its job through this client. */
  public FanOut(Igor igor) {
    this.igor = igor;
  }

  @Override
  public String type() {
    return "split";
  }

  @Override
  public byte[] handle(TaskContext task) throws Exception {
    Job job = igor.job(task.jobId());
    Layer work =
        job.layer("work").orElseThrow(() -> new TaskFailedException("no layer 'work'", false));
    List<TaskSpec> echoes = new ArrayList<>();
    for (String word : task.argsAsText().split(",")) {
      echoes.add(TaskSpec.of("echo", word.trim().getBytes(StandardCharsets.UTF_8)).withName(word.trim()));
    }
    List<String> ids = task.addTasks(work.id(), echoes);
    return ("added " + ids.size()).getBytes(StandardCharsets.UTF_8);
  }
}
