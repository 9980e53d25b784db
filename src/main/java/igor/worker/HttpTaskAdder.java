package igor.worker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import igor.worker.api.TaskFailedException;
import igor.worker.api.TaskSpec;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/** Adds tasks for a handler through Igor's HTTP API (POST /api/v1/tasks), like any client. */
public final class HttpTaskAdder {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient client =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final URI endpoint;
  private final String token;

  /** {@code token}: the bearer token for the API, or "" when it runs open. */
  public HttpTaskAdder(String apiUrl, String token) {
    this.endpoint = URI.create(apiUrl.replaceAll("/+$", "") + "/api/v1/tasks");
    this.token = token == null ? "" : token;
  }

  public List<String> add(String layerId, List<TaskSpec> tasks) throws TaskFailedException {
    ArrayNode body = JSON.createArrayNode();
    for (TaskSpec spec : tasks) {
      ObjectNode t = body.addObject();
      t.put("layer_id", layerId);
      t.put("type", spec.type());
      t.put("args", Base64.getEncoder().encodeToString(spec.args()));
      t.put("name", spec.name());
      if (spec.retries() >= 0) {
        t.put("retries", spec.retries());
      }
      if (spec.timeoutSeconds() > 0) {
        t.put("timeout", spec.timeoutSeconds());
      }
      if (spec.paused()) {
        t.put("paused_at", Math.max(1, System.currentTimeMillis() / 1000));
      }
    }
    try {
      HttpRequest.Builder request =
          HttpRequest.newBuilder(endpoint)
              .timeout(Duration.ofSeconds(30))
              .header("Content-Type", "application/json")
              .POST(HttpRequest.BodyPublishers.ofString(body.toString()));
      if (!token.isEmpty()) {
        request.header("Authorization", "Bearer " + token);
      }
      HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
      JsonNode answer = JSON.readTree(response.body());
      if (response.statusCode() != 200) {
        boolean retryable = response.statusCode() >= 500;
        throw new TaskFailedException(
            "adding tasks failed (" + response.statusCode() + "): " + answer.path("error").asText(),
            retryable);
      }
      List<String> ids = new ArrayList<>();
      answer.forEach(task -> ids.add(task.path("id").asText()));
      return ids;
    } catch (IOException e) {
      throw new TaskFailedException("adding tasks failed: Igor at " + endpoint + " did not answer");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new TaskFailedException("adding tasks was interrupted");
    }
  }
}
