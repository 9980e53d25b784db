package igor.compat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.GZIPInputStream;

/**
 * Sends what the original Go Igor's client (github.com/voidshard/igor, pkg/api/http/client) sends,
 * byte for byte where it matters: its request structs as Go's encoding/json writes them (fields in
 * struct order, embedded specs inlined, JobLayerRequest's untagged field under the key "Tasks",
 * []byte as base64 or null, a nil slice as null), its query strings as Go's url.Values encodes them
 * (keys sorted, ids repeated), its methods, paths and headers, over HTTP/1.1. Answers of 400 and
 * above fail as they fail there; others are handed back as JSON for the caller to check against
 * {@link GoShapes}. Written from the original's behaviour, not from its code.
 */
final class GoClient {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();
  private final String base;

  GoClient(String base) {
    this.base = base;
  }

  /** structs.TaskSpec. */
  record TaskSpec(String type, byte[] args, String name, long pausedAt, long retries) {}

  /** structs.JobLayerRequest: a LayerSpec and its tasks (null: a nil slice). */
  record LayerRequest(String name, long pausedAt, long priority, List<TaskSpec> tasks) {}

  /** structs.CreateJobRequest. */
  record CreateJobRequest(String name, List<LayerRequest> layers) {}

  /** structs.CreateTaskRequest. */
  record CreateTaskRequest(TaskSpec spec, String layerId) {}

  /** structs.ObjectRef, as NewObjectRef(id, etag).Layer() / .Task() / .Job() make it. */
  record ObjectRef(String kind, String id, String etag) {}

  /** structs.Query; null lists are nil slices. */
  record Query(
      int limit,
      int offset,
      List<String> jobIds,
      List<String> layerIds,
      List<String> taskIds,
      List<String> statuses) {
    static Query byJobs(int limit, String... ids) {
      return new Query(limit, 0, List.of(ids), null, null, null);
    }

    static Query byLayers(int limit, String... ids) {
      return new Query(limit, 0, null, List.of(ids), null, null);
    }

    static Query byTasks(int limit, String... ids) {
      return new Query(limit, 0, null, null, List.of(ids), null);
    }
  }

  JsonNode createJob(CreateJobRequest request) {
    return post("/api/v1/jobs", jobJson(request));
  }

  JsonNode createTasks(List<CreateTaskRequest> tasks) {
    ArrayNode body = JSON.createArrayNode();
    for (CreateTaskRequest t : tasks) {
      ObjectNode task = taskSpecJson(t.spec());
      task.put("layer_id", t.layerId());
      body.add(task);
    }
    return post("/api/v1/tasks", body.toString());
  }

  JsonNode jobs(Query query) {
    return get("/api/v1/jobs", query);
  }

  JsonNode layers(Query query) {
    return get("/api/v1/layers", query);
  }

  JsonNode tasks(Query query) {
    return get("/api/v1/tasks", query);
  }

  JsonNode pause(List<ObjectRef> refs) {
    return patch("/api/v1/pause", refs);
  }

  JsonNode unpause(List<ObjectRef> refs) {
    return patch("/api/v1/unpause", refs);
  }

  JsonNode skip(List<ObjectRef> refs) {
    return patch("/api/v1/skip", refs);
  }

  JsonNode kill(List<ObjectRef> refs) {
    return patch("/api/v1/kill", refs);
  }

  JsonNode retry(List<ObjectRef> refs) {
    return patch("/api/v1/retry", refs);
  }

  /** json.Marshal of a CreateJobRequest. */
  static String jobJson(CreateJobRequest request) {
    ObjectNode job = JSON.createObjectNode();
    job.put("name", request.name());
    if (request.layers() == null) {
      job.putNull("layers");
    } else {
      ArrayNode layers = job.putArray("layers");
      for (LayerRequest l : request.layers()) {
        ObjectNode layer = layers.addObject();
        layer.put("name", l.name());
        layer.put("paused_at", l.pausedAt());
        layer.put("priority", l.priority());
        if (l.tasks() == null) {
          layer.putNull("Tasks");
        } else {
          ArrayNode tasks = layer.putArray("Tasks");
          l.tasks().forEach(t -> tasks.add(taskSpecJson(t)));
        }
      }
    }
    return job.toString();
  }

  private static ObjectNode taskSpecJson(TaskSpec t) {
    ObjectNode task = JSON.createObjectNode();
    task.put("type", t.type());
    if (t.args() == null) {
      task.putNull("args");
    } else {
      task.put("args", Base64.getEncoder().encodeToString(t.args()));
    }
    task.put("name", t.name());
    task.put("paused_at", t.pausedAt());
    task.put("retries", t.retries());
    return task;
  }

  /** setQueryString: Sanitize, then url.Values.Encode (keys in order, values as given). */
  static String queryString(Query q) {
    int limit = q.limit() <= 0 ? 1000 : Math.min(q.limit(), 10000);
    int offset = Math.max(q.offset(), 0);
    Map<String, List<String>> values = new TreeMap<>();
    values.put("limit", List.of(Integer.toString(limit)));
    if (offset > 0) {
      values.put("offset", List.of(Integer.toString(offset)));
    }
    putIfAny(values, "job_ids", q.jobIds());
    putIfAny(values, "layer_ids", q.layerIds());
    putIfAny(values, "task_ids", q.taskIds());
    putIfAny(values, "statuses", q.statuses());
    List<String> pairs = new ArrayList<>();
    values.forEach(
        (key, list) ->
            list.forEach(
                v ->
                    pairs.add(
                        URLEncoder.encode(key, StandardCharsets.UTF_8)
                            + "="
                            + URLEncoder.encode(v, StandardCharsets.UTF_8))));
    return String.join("&", pairs);
  }

  private static void putIfAny(Map<String, List<String>> values, String key, List<String> list) {
    if (list != null && !list.isEmpty()) {
      values.put(key, list);
    }
  }

  private JsonNode get(String path, Query query) {
    String target = path + "?" + queryString(query);
    return send("GET", target, null);
  }

  private JsonNode post(String path, String body) {
    return send("POST", path, body);
  }

  private JsonNode patch(String path, List<ObjectRef> refs) {
    String body;
    if (refs == null) {
      body = "null";
    } else {
      ArrayNode array = JSON.createArrayNode();
      for (ObjectRef r : refs) {
        ObjectNode ref = array.addObject();
        ref.put("kind", r.kind());
        ref.put("id", r.id());
        ref.put("etag", r.etag());
      }
      body = array.toString();
    }
    return send("PATCH", path, body);
  }

  private JsonNode send(String method, String target, String body) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(base + target))
            .timeout(Duration.ofSeconds(30))
            .header("User-Agent", "Go-http-client/1.1")
            .header("Accept-Encoding", "gzip");
    if (body == null) {
      request.GET();
    } else {
      request
          .header("Content-Type", "application/json")
          .method(method, HttpRequest.BodyPublishers.ofString(body));
    }
    try {
      HttpResponse<byte[]> response =
          http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
      byte[] bytes = response.body();
      if (response.headers().firstValue("Content-Encoding").orElse("").equalsIgnoreCase("gzip")) {
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(bytes))) {
          bytes = in.readAllBytes();
        }
      }
      String text = new String(bytes, StandardCharsets.UTF_8);
      if (response.statusCode() >= 400) {
        throw new AssertionError(
            "bad status code "
                + response.statusCode()
                + ", returned "
                + text
                + " for "
                + method
                + " "
                + target
                + " "
                + body);
      }
      return JSON.readTree(text);
    } catch (IOException e) {
      throw new IllegalStateException(method + " " + target + " failed: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
