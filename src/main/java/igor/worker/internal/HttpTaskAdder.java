package igor.worker.internal;

import igor.client.IgorClient;
import igor.client.IgorException;
import igor.client.LayerResult;
import igor.client.Task;
import igor.worker.api.TaskFailedException;
import igor.worker.api.TaskSpec;
import java.nio.file.Path;
import java.util.List;

/**
 * What a handler asks of Igor's HTTP API, like any client, with {@link IgorClient}: adding tasks
 * (POST /api/v1/tasks; a refusal fails the attempt for good, an Igor that is unavailable fails it
 * retryably) and reading the results of earlier layers (GET /api/v1/jobs/{id}/results).
 */
final class HttpTaskAdder {
  /** Why a worker without an API URL cannot do either. */
  static final String NO_API_URL =
      "this worker has no API URL to reach Igor's HTTP API: set it with"
          + " Worker.connect(...).apiUrl(...) (igor worker: the environment variable IGOR_API_URL)";

  private final IgorClient client;

  /**
   * {@code token}: the bearer token for the API, or "" when it runs open; {@code caFile}: a PEM
   * file of the CA certificates to trust for an https URL, or "" for the JVM's own.
   */
  HttpTaskAdder(String apiUrl, String token, String caFile) {
    if (apiUrl == null || apiUrl.isBlank()) {
      this.client = null;
      return;
    }
    IgorClient.Builder builder = IgorClient.builder(apiUrl).token(token);
    if (!caFile.isBlank()) {
      builder.trustCertificates(Path.of(caFile));
    }
    this.client = builder.build();
  }

  List<String> add(String layerId, List<TaskSpec> tasks) throws TaskFailedException {
    if (client == null) {
      throw new TaskFailedException("adding tasks failed: " + NO_API_URL, false);
    }
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

  /**
   * The results of the job's layers named {@code layerName}, a page at a time as they are iterated.
   *
   * @throws IllegalStateException when the worker has no API URL
   */
  Iterable<LayerResult> results(String jobId, String layerName) {
    if (client == null) {
      throw new IllegalStateException(NO_API_URL);
    }
    return client.results(jobId, layerName);
  }
}
