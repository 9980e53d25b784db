package igor.http;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.databind.type.TypeFactory;
import igor.domain.Text;
import java.util.List;
import java.util.Map;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpResponse;

/**
 * The JSON of the HTTP API: snake_case fields, unknown fields refused, and errors that say which
 * field is wrong. Values must have the field's JSON type (no number for a string, no fraction for
 * an integer, no string for a number), a key may appear once per object, and every string must be
 * acceptable {@link igor.domain.Text} (SEMANTICS.md section 7).
 *
 * <p>Keys are matched as Go's encoding/json matches them (the original Igor's clients send {@code
 * "Tasks"}): an exact match first, else one that differs only in case. Jackson compares keys in
 * lower case, which is the same thing as long as no two fields of a request differ only in case
 * (JsonKeyMatchingTest keeps it so).
 */
public final class ApiJson {
  static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
          .serializationInclusion(JsonInclude.Include.NON_NULL)
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .enable(MapperFeature.ACCEPT_CASE_INSENSITIVE_PROPERTIES)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
          .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .withCoercionConfig(
              LogicalType.Textual,
              strings ->
                  strings
                      .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                      .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                      .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
          .addModule(
              new SimpleModule("checked-text").addDeserializer(String.class, new CheckedText()))
          .build();

  private ApiJson() {}

  /** Reads a request body; a body that does not fit gets a 400 naming the field. */
  static <T> T read(String body, Class<T> type) {
    try {
      T value = MAPPER.readValue(body, type);
      if (value == null) {
        throw ApiException.badRequest("body must be a JSON object");
      }
      return value;
    } catch (JsonProcessingException e) {
      throw ApiException.badRequest(describe(e));
    }
  }

  static <T> List<T> readList(String body, Class<T> elementType) {
    try {
      List<T> value =
          MAPPER.readValue(
              body, TypeFactory.defaultInstance().constructCollectionType(List.class, elementType));
      if (value == null) {
        throw ApiException.badRequest("body must be a JSON array");
      }
      return value;
    } catch (JsonProcessingException e) {
      throw ApiException.badRequest(describe(e));
    }
  }

  static String describe(JsonProcessingException e) {
    StreamReadException r = syntaxError(e);
    if (r != null && String.valueOf(r.getOriginalMessage()).startsWith("Duplicate field '")) {
      String key = r.getOriginalMessage().substring("Duplicate field ".length());
      return "key " + key + " appears twice in one object: a key may be given once";
    }
    if (r != null) {
      String message = String.valueOf(r.getOriginalMessage());
      int cut = message.indexOf(" (");
      message = cut > 0 ? message.substring(0, cut) : message;
      JsonLocation at = r.getLocation();
      return at == null
          ? "body is not valid JSON: " + message
          : "body is not valid JSON at line "
              + at.getLineNr()
              + ", column "
              + at.getColumnNr()
              + ": "
              + message;
    }
    if (e instanceof CheckedText.Refused t) {
      return "field '" + location(t.getPath()) + "' " + t.getOriginalMessage();
    }
    if (e instanceof UnrecognizedPropertyException u) {
      return "unknown field '" + location(u.getPath()) + "'";
    }
    if (e instanceof InvalidFormatException f) {
      return "field '"
          + location(f.getPath())
          + "' must be "
          + expected(f.getTargetType())
          + ", got "
          + f.getValue();
    }
    if (e instanceof MismatchedInputException m) {
      if (m.getPath().isEmpty()) {
        return "body must be " + expected(m.getTargetType());
      }
      return "field '" + location(m.getPath()) + "' must be " + expected(m.getTargetType());
    }
    if (e instanceof JsonMappingException m && !m.getPath().isEmpty()) {
      return "field '" + location(m.getPath()) + "' is not valid: " + m.getOriginalMessage();
    }
    return "body is not valid JSON: " + e.getOriginalMessage();
  }

  /** The JSON syntax error behind e, if that is what it is (not a number out of range). */
  private static StreamReadException syntaxError(JsonProcessingException e) {
    Throwable t = e;
    while (t != null) {
      if (t instanceof InputCoercionException) {
        return null;
      }
      if (t instanceof StreamReadException r) {
        return r;
      }
      t = t.getCause();
    }
    return null;
  }

  private static String location(List<JsonMappingException.Reference> path) {
    StringBuilder b = new StringBuilder();
    for (JsonMappingException.Reference r : path) {
      if (r.getFieldName() != null) {
        if (b.length() > 0) {
          b.append('.');
        }
        b.append(r.getFieldName());
      } else if (r.getIndex() >= 0) {
        b.append('[').append(r.getIndex()).append(']');
      }
    }
    return b.toString();
  }

  private static String expected(Class<?> type) {
    if (type == null) {
      return "of another type";
    }
    if (type == Integer.class || type == int.class) {
      return "a 32-bit integer";
    }
    if (type == Long.class || type == long.class) {
      return "a 64-bit integer";
    }
    if (type == String.class) {
      return "a string";
    }
    if (List.class.isAssignableFrom(type)) {
      return "a JSON array";
    }
    return "a JSON object";
  }

  static HttpResponse response(int status, Object body) {
    try {
      return HttpResponse.create()
          .withStatus(status)
          .withEntity(
              HttpEntities.create(ContentTypes.APPLICATION_JSON, MAPPER.writeValueAsBytes(body)));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("response could not be written as JSON", e);
    }
  }

  /** An error answer; a refused value it echoes is shown with U+FFFD for its bad characters. */
  static HttpResponse error(int status, String message) {
    return response(status, Map.of("error", Text.sanitise(message)));
  }
}
