package igor.queue;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import igor.domain.Identifiers;
import igor.domain.WorkerReport;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

/**
 * The JSON of the worker protocol (docs/worker-protocol.md): what a delivery and a report look like
 * on Redis, so that a worker in any language can speak it. Version 1.
 */
public final class WireFormat {
  public static final int VERSION = 1;
  private static final ObjectMapper JSON =
      new ObjectMapper()
          .setSerializationInclusion(JsonInclude.Include.NON_NULL)
          .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  private WireFormat() {}

  public static String delivery(TaskDelivery d) {
    ObjectNode n = JSON.createObjectNode();
    n.put("v", VERSION);
    n.put("job_id", d.jobId());
    n.put("layer_id", d.layerId());
    n.put("task_id", d.taskId());
    n.put("attempt", d.attempt());
    n.put("delivery_id", d.deliveryId());
    n.put("type", d.type());
    n.put("args", Base64.getEncoder().encodeToString(d.args()));
    return n.toString();
  }

  public static TaskDelivery parseDelivery(String text) throws MalformedMessageException {
    JsonNode n = read(text);
    return new TaskDelivery(
        text(n, "job_id"),
        text(n, "layer_id"),
        text(n, "task_id"),
        n.path("attempt").asInt(0),
        text(n, "delivery_id"),
        text(n, "type"),
        base64(n, "args"));
  }

  /** The message on the cancel channel: the delivery ids of withdrawn attempts. */
  public static String cancellation(List<String> deliveryIds) {
    ObjectNode n = JSON.createObjectNode();
    n.put("v", VERSION);
    deliveryIds.forEach(n.putArray("delivery_ids")::add);
    return n.toString();
  }

  public static List<String> parseCancellation(String text) throws MalformedMessageException {
    JsonNode ids = read(text).get("delivery_ids");
    if (ids == null || !ids.isArray()) {
      throw new MalformedMessageException("field 'delivery_ids' must be an array of strings");
    }
    List<String> result = new ArrayList<>(ids.size());
    ids.forEach(id -> result.add(id.asText()));
    return result;
  }

  public static String report(WorkerReport r) {
    ObjectNode n = JSON.createObjectNode();
    n.put("v", VERSION);
    n.put("kind", r.kind().name().toLowerCase(Locale.ROOT));
    n.put("job_id", r.jobId());
    n.put("task_id", r.taskId());
    n.put("attempt", r.attempt());
    n.put("worker", r.worker());
    n.put("message", r.message());
    if (r.result() != null) {
      n.put("result", Base64.getEncoder().encodeToString(r.result()));
    }
    n.put("retryable", r.retryable());
    n.put("at", r.at());
    return n.toString();
  }

  public static WorkerReport parseReport(String text) throws MalformedMessageException {
    JsonNode n = read(text);
    WorkerReport.Kind kind;
    try {
      kind = WorkerReport.Kind.valueOf(text(n, "kind").toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new MalformedMessageException("unknown report kind '" + text(n, "kind") + "'");
    }
    int attempt = n.path("attempt").asInt(0);
    if (attempt < 1) {
      throw new MalformedMessageException("attempt must be a number from 1");
    }
    byte[] result = n.hasNonNull("result") ? base64(n, "result") : null;
    return new WorkerReport(
        kind,
        id(n, "job_id"),
        id(n, "task_id"),
        attempt,
        n.path("worker").asText(""),
        n.path("message").asText(""),
        result,
        n.path("retryable").asBoolean(true),
        n.path("at").asLong(System.currentTimeMillis()));
  }

  private static JsonNode read(String text) throws MalformedMessageException {
    try {
      JsonNode n = JSON.readTree(text);
      if (n == null || !n.isObject()) {
        throw new MalformedMessageException("not a JSON object");
      }
      int version = n.path("v").asInt(VERSION);
      if (version != VERSION) {
        throw new MalformedMessageException(
            "protocol version " + version + " is not understood (this node speaks " + VERSION + ")");
      }
      return n;
    } catch (JsonProcessingException e) {
      throw new MalformedMessageException("not JSON: " + e.getOriginalMessage());
    }
  }

  private static String text(JsonNode n, String field) throws MalformedMessageException {
    JsonNode v = n.get(field);
    if (v == null || !v.isTextual() || v.asText().isEmpty()) {
      throw new MalformedMessageException("field '" + field + "' must be a non-empty string");
    }
    return v.asText();
  }

  private static String id(JsonNode n, String field) throws MalformedMessageException {
    String value = text(n, field);
    if (!Identifiers.isId(value)) {
      throw new MalformedMessageException("field '" + field + "' must be a lowercase UUID");
    }
    return value;
  }

  private static byte[] base64(JsonNode n, String field) throws MalformedMessageException {
    JsonNode v = n.get(field);
    if (v == null || v.isNull()) {
      return new byte[0];
    }
    try {
      return Base64.getDecoder().decode(v.asText());
    } catch (IllegalArgumentException e) {
      throw new MalformedMessageException("field '" + field + "' must be base64");
    }
  }

  /**
   * An entry of the dead-letter list: where a message was found, the message as it was, what is
   * wrong with it, and when (unix ms) it was set aside.
   */
  public static String deadLetter(String source, String raw, String problem, long at) {
    ObjectNode n = JSON.createObjectNode();
    n.put("v", VERSION);
    n.put("source", source);
    n.put("raw", raw);
    n.put("problem", problem);
    n.put("at", at);
    return n.toString();
  }

  /** A message on the queue or report channel that does not follow the protocol. */
  public static final class MalformedMessageException extends Exception {
    public MalformedMessageException(String message) {
      super(message);
    }
  }
}
