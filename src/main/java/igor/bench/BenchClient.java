package igor.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** The few HTTP calls the benchmark makes, timed by the caller. */
final class BenchClient {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final String base;

  BenchClient(String base) {
    this.base = base.replaceAll("/+$", "");
  }

  JsonNode post(String path, String body) {
    return send(
        HttpRequest.newBuilder(URI.create(base + path))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body)));
  }

  JsonNode patch(String path, String body) {
    return send(
        HttpRequest.newBuilder(URI.create(base + path))
            .method("PATCH", HttpRequest.BodyPublishers.ofString(body)));
  }

  JsonNode put(String path, String body) {
    return send(
        HttpRequest.newBuilder(URI.create(base + path))
            .header("Content-Type", "application/json")
            .PUT(HttpRequest.BodyPublishers.ofString(body)));
  }

  JsonNode delete(String path) {
    return send(HttpRequest.newBuilder(URI.create(base + path)).DELETE());
  }

  JsonNode get(String path) {
    return send(HttpRequest.newBuilder(URI.create(base + path)).GET());
  }

  /** Waits for the job to reach a final status; answers it. */
  String awaitFinal(String jobId, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      String status = status(jobId).path("status").asText("");
      if (status.equals("COMPLETED") || status.equals("ERRORED") || status.equals("SKIPPED")) {
        return status;
      }
      Thread.sleep(20);
    }
    throw new IllegalStateException("job " + jobId + " did not finish within " + timeout);
  }

  /**
   * Waits until the read model has applied every event the job had journaled when this was called:
   * a list filtered by the job's id waits for that (igor.reads.wait-for-writes) and answers 503
   * when its wait ran out, and then it is asked again. The job's events are all in the read model
   * when this returns, so the next scenario does not start with the projection still writing it.
   */
  void awaitReadModel(String jobId) {
    while (true) {
      try {
        get("/api/v1/jobs?job_ids=" + jobId + "&limit=1");
        return;
      } catch (IllegalStateException busy) {
        if (!String.valueOf(busy.getMessage()).contains("answered 503")) {
          throw busy;
        }
      }
    }
  }

  /**
   * GET /api/v1/jobs/{id}/status; a missing node when the job did not answer in time (503, a busy
   * machine), so that the caller asks again.
   */
  JsonNode status(String jobId) {
    try {
      return get("/api/v1/jobs/" + jobId + "/status");
    } catch (IllegalStateException busy) {
      if (!String.valueOf(busy.getMessage()).contains("answered 503")) {
        throw busy;
      }
      return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
    }
  }

  private JsonNode send(HttpRequest.Builder request) {
    try {
      HttpResponse<String> r =
          http.send(
              request.timeout(Duration.ofMinutes(2)).build(), HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != 200) {
        throw new IllegalStateException(
            request.build().uri() + " answered " + r.statusCode() + ": " + r.body());
      }
      return JSON.readTree(r.body());
    } catch (IOException e) {
      throw new IllegalStateException("Igor at " + base + " did not answer: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
