package igor.queue.redis;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import igor.queue.WorkerRegistry.WorkerRecord;
import java.util.Map;
import java.util.TreeMap;

/**
 * The fields of a worker's hash in the registry (docs/worker-protocol.md, "Registry"): every value
 * is a string; {@code types} is a JSON object of task type to concurrency.
 */
final class WorkerRecords {
  private static final ObjectMapper JSON = new ObjectMapper();

  private WorkerRecords() {}

  static String typesJson(Map<String, Integer> types) {
    try {
      return JSON.writeValueAsString(new TreeMap<>(types));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * A worker's hash, as the read script encodes it, or null when it is not one (no id). Fields that
   * are missing or not numbers read as empty or 0: a worker in another language may leave some out.
   */
  static WorkerRecord parse(String json) {
    JsonNode h;
    try {
      h = JSON.readTree(json);
    } catch (JsonProcessingException e) {
      return null;
    }
    String id = text(h, "id");
    if (id.isEmpty()) {
      return null;
    }
    return new WorkerRecord(
        id,
        text(h, "name"),
        text(h, "host"),
        number(h, "pid"),
        text(h, "sdk"),
        text(h, "sdk_version"),
        (int) number(h, "protocol"),
        types(text(h, "types")),
        (int) number(h, "concurrency"),
        (int) number(h, "in_flight"),
        number(h, "started"),
        number(h, "last_seen"),
        number(h, "heartbeat_ms"),
        number(h, "stopped"));
  }

  private static String text(JsonNode h, String field) {
    JsonNode v = h.get(field);
    return v == null || v.isNull() ? "" : v.asText();
  }

  private static long number(JsonNode h, String field) {
    try {
      return Long.parseLong(text(h, field).trim());
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  private static Map<String, Integer> types(String json) {
    Map<String, Integer> types = new TreeMap<>();
    try {
      JsonNode node = JSON.readTree(json.isEmpty() ? "{}" : json);
      node.fields()
          .forEachRemaining(e -> types.put(e.getKey(), Math.max(0, e.getValue().asInt(0))));
    } catch (JsonProcessingException e) {
      // a worker's own business: shown without types
    }
    return types;
  }
}
