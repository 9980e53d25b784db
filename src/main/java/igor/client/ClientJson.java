package igor.client;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import igor.worker.api.TaskSpec;
import java.util.Collection;
import java.util.List;

/**
 * The JSON of API v1 as the client reads and writes it: snake_case, unknown fields ignored (a newer
 * server may add some), args and results in base64.
 */
final class ClientJson {
  static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
          .serializationInclusion(JsonInclude.Include.NON_NULL)
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .build();

  private ClientJson() {}

  /** The body of POST /api/v1/jobs. */
  static ObjectNode createJob(JobSpec job) {
    ObjectNode body = MAPPER.createObjectNode();
    body.put("name", job.name());
    if (job.pausedAt() > 0) {
      body.put("paused_at", job.pausedAt());
    }
    if (job.startAt() > 0) {
      body.put("start_at", job.startAt());
    }
    if (job.startAfter() > 0) {
      body.put("start_after", job.startAfter());
    }
    if (job.urgency() > 0) {
      body.put("urgency", job.urgency());
    }
    if (!job.concurrencyKey().isEmpty()) {
      body.put("concurrency_key", job.concurrencyKey());
    }
    if (!job.fairnessKey().isEmpty()) {
      body.put("fairness_key", job.fairnessKey());
    }
    ArrayNode layers = body.putArray("layers");
    for (LayerSpec layer : job.layers()) {
      ObjectNode l = layers.addObject();
      l.put("name", layer.name());
      l.put("priority", layer.priority());
      if (layer.pausedAt() > 0) {
        l.put("paused_at", layer.pausedAt());
      }
      ArrayNode tasks = l.putArray("tasks");
      layer.tasks().forEach(t -> task(tasks.addObject(), t));
    }
    return body;
  }

  /** The body of POST /api/v1/schedules. */
  static ObjectNode createSchedule(ScheduleSpec schedule) {
    ObjectNode body = MAPPER.createObjectNode();
    if (!schedule.name().isEmpty()) {
      body.put("name", schedule.name());
    }
    body.put("cron", schedule.cron());
    body.put("time_zone", schedule.timeZone());
    body.put("overlap", schedule.overlap().wireName());
    body.put("catch_up", schedule.catchUp().wireName());
    if (schedule.catchUpLimit() != 0) {
      body.put("catch_up_limit", schedule.catchUpLimit());
    }
    body.set("job", createJob(schedule.job()));
    return body;
  }

  /** The limits of GET /api/v1/limits ({"limits": [...]}). */
  static List<Limit> limits(String json) {
    return listIn(json, "limits", Limit.class);
  }

  /** The schedules of GET /api/v1/schedules ({"schedules": [...]}). */
  static List<Schedule> schedules(String json) {
    return listIn(json, "schedules", Schedule.class);
  }

  /** The list in the field {@code field} of an answer ({"field": [...]}). */
  private static <T> List<T> listIn(String json, String field, Class<T> element) {
    JsonNode answer = tree(json);
    JsonNode list = answer == null ? null : answer.get(field);
    if (list == null || !list.isArray()) {
      throw new IgorException(0, "Igor's answer could not be read as a list of " + field);
    }
    return readList(list.toString(), element);
  }

  /** The body of POST /api/v1/tasks: every task into the one layer. */
  static ArrayNode addTasks(String layerId, Collection<TaskSpec> tasks) {
    ArrayNode body = MAPPER.createArrayNode();
    for (TaskSpec spec : tasks) {
      task(body.addObject().put("layer_id", layerId), spec);
    }
    return body;
  }

  /** The body of PATCH /api/v1/{action}. */
  static ArrayNode refs(Collection<Ref> refs) {
    ArrayNode body = MAPPER.createArrayNode();
    for (Ref ref : refs) {
      ObjectNode r = body.addObject().put("kind", ref.kind().wireName()).put("id", ref.id());
      if (!ref.etag().isEmpty()) {
        r.put("etag", ref.etag());
      }
    }
    return body;
  }

  private static void task(ObjectNode t, TaskSpec spec) {
    t.put("type", spec.type());
    if (spec.args().length > 0) {
      t.put("args", spec.args());
    }
    if (!spec.name().isEmpty()) {
      t.put("name", spec.name());
    }
    if (spec.retries() >= 0) {
      t.put("retries", spec.retries());
    }
    if (spec.timeoutSeconds() > 0) {
      t.put("timeout", spec.timeoutSeconds());
    }
    if (spec.paused()) {
      t.put("paused_at", JobSpec.now());
    }
  }

  static <T> T read(String json, Class<T> type) {
    try {
      return MAPPER.readValue(json, type);
    } catch (JsonProcessingException e) {
      throw new IgorException(
          0,
          "Igor's answer could not be read as "
              + type.getSimpleName()
              + ": "
              + e.getOriginalMessage(),
          e);
    }
  }

  static <T> List<T> readList(String json, Class<T> element) {
    try {
      return MAPPER.readValue(
          json, MAPPER.getTypeFactory().constructCollectionType(List.class, element));
    } catch (JsonProcessingException e) {
      throw new IgorException(
          0,
          "Igor's answer could not be read as a list of "
              + element.getSimpleName()
              + ": "
              + e.getOriginalMessage(),
          e);
    }
  }

  static JsonNode tree(String json) {
    try {
      return MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      return null;
    }
  }
}
