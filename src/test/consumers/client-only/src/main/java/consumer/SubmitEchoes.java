package consumer;

import igor.client.IgorClient;
import igor.client.Job;
import igor.client.JobSpec;
import igor.client.LayerSpec;
import igor.client.Task;
import igor.worker.api.TaskSpec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/**
 * Submits a job of two echo tasks to the Igor at the first argument, waits for it to finish and
 * prints each task's result; then says which of Igor's server classes it can load (none, when only
 * igor-client and its dependencies are on the class path).
 */
public final class SubmitEchoes {
  private SubmitEchoes() {}

  public static void main(String[] args) throws Exception {
    IgorClient igor = IgorClient.connect(args[0]);
    Job job =
        igor.create(
            JobSpec.named("client-only")
                .layer(
                    LayerSpec.priority(0)
                        .named("echoes")
                        .task(
                            TaskSpec.of("echo", bytes("one")).withName("first"),
                            TaskSpec.of("echo", bytes("two")).withName("second"))));
    Job done = igor.awaitFinished(job.id(), Duration.ofMinutes(1));
    System.out.println("job " + done.id() + " " + done.status());
    for (Task task : done.layer("echoes").orElseThrow().tasks()) {
      System.out.println("task " + task.name() + " " + task.status() + " " + task.resultAsText());
    }
    for (String server :
        List.of(
            "igor.app.IgorNode",
            "igor.config.IgorSettings",
            "org.apache.pekko.actor.typed.ActorSystem",
            "org.postgresql.Driver",
            "org.redisson.Redisson")) {
      System.out.println("loadable " + server + " " + loadable(server));
    }
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static boolean loadable(String name) {
    try {
      Class.forName(name);
      return true;
    } catch (ClassNotFoundException e) {
      return false;
    }
  }
}
