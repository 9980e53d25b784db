package igor.worker.internal;

import igor.client.IgorClient;
import igor.client.IgorException;
import igor.client.Task;
import igor.worker.api.TaskFailedException;
import igor.worker.api.TaskSpec;
import java.nio.file.Path;
import java.util.List;

/**
 * Adds tasks for a handler through Igor's HTTP API (POST /api/v1/tasks), like any client: with
 * {@link IgorClient}. A refusal fails the attempt for good; an Igor that is unavailable fails it
 * retryably.
 */
final class HttpTaskAdder {
  private final IgorClient client;

  /**
   * {@code token}: the bearer token for the API, or "" when it runs open; {@code caFile}: a PEM
   * file of the CA certificates to trust for an https URL, or "" for the JVM's own.
   */
  HttpTaskAdder(String apiUrl, String token, String caFile) {
    IgorClient.Builder builder = IgorClient.builder(apiUrl).token(token);
    if (!caFile.isBlank()) {
      builder.trustCertificates(Path.of(caFile));
    }
    this.client = builder.build();
  }

  List<String> add(String layerId, List<TaskSpec> tasks) throws TaskFailedException {
    try {
      return client.addTasks(layerId, tasks).stream().map(Task::id).toList();
    } catch (IgorException e) {
      boolean retryable = e.status() == 0 || e.status() >= 500;
      throw new TaskFailedException(
          e.status() == 0
              ? "adding tasks failed: " + e.error()
              : "adding tasks failed (" + e.status() + "): " + e.error(),
          retryable);
    }
  }
}
