package example;

import igor.client.IgorClient;
import igor.client.Job;
import igor.client.JobSpec;
import igor.client.LayerSpec;
import igor.client.Status;
import igor.client.Task;
import igor.worker.api.TaskSpec;
import igor.worker.api.Worker;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * A JVM service that runs a worker for "split" ({@link FanOut}), submits a job whose first layer
 * splits a sentence into a later layer of echo tasks, and waits for it to finish.
 *
 * <p>Usage: {@code SubmitAndWait [API_URL [REDIS_URL [REDIS_KEY_PREFIX]]]}; defaults are those of
 * {@code igor dev}: http://127.0.0.1:8100, redis://127.0.0.1:6379, igor. (With {@code igor dev}
 * running, its own worker takes the echo tasks.)
 */
public final class SubmitAndWait {
  private SubmitAndWait() {}

  /** Submits, waits and prints each word's echo; answers the finished job. */
  public static Job run(String apiUrl, String redisUrl, String keyPrefix) {
    IgorClient igor = IgorClient.connect(apiUrl);
    try (Worker worker =
        Worker.connect(redisUrl).keyPrefix(keyPrefix).apiUrl(apiUrl).register(new FanOut(igor)).start()) {
      Job job =
          igor.create(
              JobSpec.named("fan-out")
                  .layer(LayerSpec.priority(0).named("split")
                      .task(TaskSpec.of("split", "hello,from,igor".getBytes(StandardCharsets.UTF_8))))
                  .layer(LayerSpec.priority(1).named("work")));
      System.out.println("submitted job " + job.id() + "; worker " + worker.name() + " splits it");
      Job done = igor.awaitFinished(job.id(), Duration.ofMinutes(1));
      for (Task t : done.layer("work").orElseThrow().tasks()) {
        System.out.println(t.name() + " -> " + t.resultAsText() + " (" + t.status() + ")");
      }
      if (done.status() != Status.COMPLETED) {
        throw new IllegalStateException("job " + done.id() + " ended " + done.status());
      }
      return done;
    }
  }

  /** Runs it against the Igor of the arguments (or of {@code igor dev}). */
  public static void main(String[] args) {
    run(
        args.length > 0 ? args[0] : "http://127.0.0.1:8100",
        args.length > 1 ? args[1] : "redis://127.0.0.1:6379",
        args.length > 2 ? args[2] : "igor");
  }
}
