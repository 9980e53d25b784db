package igor.compat;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The JSON shapes of the original Go Igor's structs (github.com/voidshard/igor, pkg/structs and
 * pkg/api/http/common), as its client decodes Igor's answers: every field the struct has, by its
 * JSON name, with the JSON type Go's encoding/json needs for the field's Go type. Extra fields are
 * fine (Go's decoder passes over them); a missing field would leave the struct's zero value, and a
 * field of another type would fail the decode.
 */
final class GoShapes {
  /** What Go's decoder takes for a field of each Go type used by the structs. */
  enum GoType {
    /** string, and the string types Status and Kind. */
    STRING,
    /** int64 (and int): an integral JSON number in range; no fraction, no exponent. */
    INT64,
    /** []byte: a base64 string (standard alphabet, padded), or null. */
    BYTES,
    /** structs.Status: a string; the client compares it to its seven constants. */
    STATUS
  }

  private static final Set<String> STATUSES =
      Set.of("PENDING", "QUEUED", "RUNNING", "KILLED", "COMPLETED", "ERRORED", "SKIPPED");

  /** structs.Job: JobSpec inlined, then its own fields. */
  static final Map<String, GoType> JOB =
      shape(
          "name", GoType.STRING,
          "id", GoType.STRING,
          "status", GoType.STATUS,
          "etag", GoType.STRING,
          "created_at", GoType.INT64,
          "updated_at", GoType.INT64);

  /** structs.Layer: LayerSpec inlined, then its own fields. */
  static final Map<String, GoType> LAYER =
      shape(
          "name", GoType.STRING,
          "paused_at", GoType.INT64,
          "priority", GoType.INT64,
          "id", GoType.STRING,
          "status", GoType.STATUS,
          "etag", GoType.STRING,
          "job_id", GoType.STRING,
          "created_at", GoType.INT64,
          "updated_at", GoType.INT64);

  /** structs.Task: TaskSpec inlined, then its own fields. */
  static final Map<String, GoType> TASK =
      shape(
          "type", GoType.STRING,
          "args", GoType.BYTES,
          "name", GoType.STRING,
          "paused_at", GoType.INT64,
          "retries", GoType.INT64,
          "id", GoType.STRING,
          "status", GoType.STATUS,
          "etag", GoType.STRING,
          "job_id", GoType.STRING,
          "layer_id", GoType.STRING,
          "created_at", GoType.INT64,
          "updated_at", GoType.INT64,
          "queue_task_id", GoType.STRING,
          "message", GoType.STRING);

  /** common.UpdateResponse. */
  static final Map<String, GoType> UPDATE_RESPONSE = shape("updated", GoType.INT64);

  private GoShapes() {}

  private static Map<String, GoType> shape(Object... pairs) {
    Map<String, GoType> shape = new LinkedHashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      shape.put((String) pairs[i], (GoType) pairs[i + 1]);
    }
    return shape;
  }

  /** A []*T: a JSON array (Go also takes null, which Igor never answers) of T. */
  static void assertListOf(Map<String, GoType> shape, JsonNode answer, String what) {
    assertThat(answer.isArray()).as(what + " is a JSON array: " + answer).isTrue();
    for (int i = 0; i < answer.size(); i++) {
      assertObject(shape, answer.get(i), what + "[" + i + "]");
    }
  }

  /**
   * structs.CreateJobResponse: the Job inlined, "layers" of JobLayerResponse (the Layer inlined,
   * "tasks" of Task).
   */
  static void assertCreateJobResponse(JsonNode answer) {
    assertObject(JOB, answer, "CreateJobResponse");
    JsonNode layers = answer.get("layers");
    assertThat(layers).as("CreateJobResponse.layers").isNotNull();
    assertThat(layers.isArray()).as("CreateJobResponse.layers is an array").isTrue();
    for (int i = 0; i < layers.size(); i++) {
      String at = "CreateJobResponse.layers[" + i + "]";
      assertObject(LAYER, layers.get(i), at);
      JsonNode tasks = layers.get(i).get("tasks");
      assertThat(tasks).as(at + ".tasks").isNotNull();
      assertListOf(TASK, tasks, at + ".tasks");
    }
  }

  static void assertObject(Map<String, GoType> shape, JsonNode object, String what) {
    assertThat(object.isObject()).as(what + " is a JSON object: " + object).isTrue();
    shape.forEach(
        (field, type) -> {
          JsonNode value = object.get(field);
          String at = what + "." + field;
          assertThat(value).as(at + " is present in " + object).isNotNull();
          switch (type) {
            case STRING -> assertThat(value.isTextual()).as(at + " is a string: " + value).isTrue();
            case STATUS -> assertThat(value.asText()).as(at + " is a status").isIn(STATUSES);
            case INT64 ->
                assertThat(value.isIntegralNumber() && value.canConvertToLong())
                    .as(at + " is an int64: " + value)
                    .isTrue();
            case BYTES -> {
              assertThat(value.isNull() || value.isTextual())
                  .as(at + " is base64 or null: " + value)
                  .isTrue();
              if (value.isTextual()) {
                Base64.getDecoder().decode(value.asText());
              }
            }
          }
        });
  }
}
