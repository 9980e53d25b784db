package igor.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.function.Predicate;

/** Real HTTP calls to a node's API, for tests. */
public final class HttpApi {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient client =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final String base;

  public HttpApi(int port) {
    this.base = "http://127.0.0.1:" + port;
  }

  public record Answer(int status, JsonNode body, String text) {
    public String error() {
      return body == null ? null : body.path("error").asText(null);
    }
  }

  public Answer post(String path, String body) {
    return send(
        HttpRequest.newBuilder(URI.create(base + path))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body)));
  }

  /** Creates the job and answers its id; fails unless the API answers 200. */
  public String createJob(String body) {
    Answer a = post("/api/v1/jobs", body);
    if (a.status() != 200) {
      throw new AssertionError("job not created: " + a.status() + " " + a.text());
    }
    return a.body().path("id").asText();
  }

  public Answer patch(String path, String body) {
    return send(
        HttpRequest.newBuilder(URI.create(base + path))
            .header("Content-Type", "application/json")
            .method("PATCH", HttpRequest.BodyPublishers.ofString(body)));
  }

  public Answer get(String path) {
    return send(HttpRequest.newBuilder(URI.create(base + path)).GET());
  }

  public Answer send(HttpRequest.Builder request) {
    try {
      HttpResponse<String> r =
          client.send(
              request.timeout(Duration.ofSeconds(30)).build(),
              HttpResponse.BodyHandlers.ofString());
      JsonNode body = null;
      try {
        body = r.body().isEmpty() ? null : JSON.readTree(r.body());
      } catch (IOException notJson) {
        body = null;
      }
      return new Answer(r.statusCode(), body, r.body());
    } catch (IOException e) {
      throw new IllegalStateException("HTTP call failed: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Reads the job until it satisfies the condition, or fails after the timeout. */
  public JsonNode awaitJob(String jobId, Predicate<JsonNode> condition, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    JsonNode last = null;
    while (System.nanoTime() < deadline) {
      Answer a = get("/api/v1/jobs/" + jobId);
      if (a.status() == 200) {
        last = a.body();
        if (condition.test(last)) {
          return last;
        }
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    throw new AssertionError(
        "job " + jobId + " did not reach the expected state within " + timeout + "; last: " + last);
  }

  /** GETs the path until the answer satisfies the condition (the read model trails the journal). */
  public Answer awaitGet(String path, Predicate<Answer> condition, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    Answer last = null;
    while (System.nanoTime() < deadline) {
      last = get(path);
      if (condition.test(last)) {
        return last;
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    throw new AssertionError(
        "GET " + path + " did not answer as expected within " + timeout + "; last: " + last);
  }

  public static Predicate<JsonNode> status(String status) {
    return job -> status.equals(job.path("status").asText());
  }
}
