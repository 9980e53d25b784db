package igor.queue;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import igor.domain.Identifiers;
import igor.domain.OutcomeLimits;
import igor.domain.TaskOutput;
import igor.domain.Text;
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
    // added later to format 1, each only when it says something (older workers ignore them)
    if (!d.name().isEmpty()) {
      n.put("name", d.name());
    }
    if (d.retries() > 0) {
      n.put("retries", d.retries());
    }
    if (d.timeoutSeconds() > 0) {
      n.put("timeout", d.timeoutSeconds());
    }
    if (d.retriesLeft() > 0) {
      n.put("retries_left", d.retriesLeft());
    }
    if (!d.traceParent().isEmpty()) {
      n.put("traceparent", d.traceParent());
    }
    return n.toString();
  }

  public static TaskDelivery parseDelivery(String text) throws MalformedMessageException {
    JsonNode n = read(text);
    return new TaskDelivery(
        text(n, "job_id"),
        text(n, "layer_id"),
        text(n, "task_id"),
        attempt(n),
        text(n, "delivery_id"),
        text(n, "type"),
        base64(n, "args"),
        n.path("name").asText(""),
        Math.max(0, n.path("retries").asInt(0)),
        Math.max(0, n.path("timeout").asInt(0)),
        traceParent(n),
        Math.max(0, n.path("retries_left").asInt(0)));
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
    if (!r.traceParent().isEmpty()) {
      n.put("traceparent", r.traceParent());
    }
    return n.toString();
  }

  /** A report, with outcomes checked against the default {@link OutcomeLimits}. */
  public static WorkerReport parseReport(String text) throws MalformedMessageException {
    return parseReport(text, OutcomeLimits.DEFAULTS);
  }

  /**
   * Reads a report strictly: a field of the wrong JSON type, a fraction or a number out of range
   * makes it malformed, naming the field. Text is made safe ({@link Text#sanitise}); a report whose
   * result or message is over {@code limits} becomes a failure of its attempt that names the limit.
   */
  public static WorkerReport parseReport(String text, OutcomeLimits limits)
      throws MalformedMessageException {
    JsonNode n = read(text);
    String kindName = text(n, "kind");
    WorkerReport.Kind kind;
    try {
      kind = WorkerReport.Kind.valueOf(kindName.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new MalformedMessageException(
          "unknown report kind '" + excerpt(Text.sanitise(kindName), 64) + "'");
    }
    String jobId = id(n, "job_id");
    String taskId = id(n, "task_id");
    int attempt = attempt(n);
    String worker = optionalText(n, "worker");
    String message = optionalText(n, "message");
    boolean retryable = optionalBoolean(n, "retryable", true);
    long at = optionalTime(n, "at");
    String resultText = optionalText(n, "result");
    String problem = limits.resultProblem(decodedLength(resultText));
    if (problem == null) {
      problem = limits.messageProblem(message);
    }
    WorkerReport report =
        new WorkerReport(
            kind,
            jobId,
            taskId,
            attempt,
            Text.sanitise(excerpt(worker, MAX_WORKER_NAME_CHARS)),
            problem == null ? Text.sanitise(message) : "",
            problem == null && !resultText.isEmpty() ? base64(resultText, "result") : null,
            retryable,
            at,
            traceParent(n));
    return problem == null ? report : OutcomeLimits.failedOverLimit(report, problem);
  }

  /**
   * The optional W3C traceparent of a message ({@code version-traceid-spanid-flags}, lowercase
   * hex): empty when absent, and when it is not one (a worker's bad trace context never costs its
   * report).
   */
  static String traceParent(JsonNode n) {
    JsonNode v = n.get("traceparent");
    if (v == null || !v.isTextual()) {
      return "";
    }
    String text = v.textValue();
    return TRACE_PARENT.matcher(text).matches()
            && !text.startsWith("ff")
            && !text.contains("-00000000000000000000000000000000-")
            && !text.contains("-0000000000000000-")
        ? text
        : "";
  }

  private static final java.util.regex.Pattern TRACE_PARENT =
      java.util.regex.Pattern.compile("[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}");

  /** A worker's name is kept to this many characters. */
  static final int MAX_WORKER_NAME_CHARS = 255;

  private static int attempt(JsonNode n) throws MalformedMessageException {
    JsonNode v = n.get("attempt");
    if (v == null || !v.isIntegralNumber() || !v.canConvertToInt() || v.intValue() < 1) {
      throw new MalformedMessageException(
          "field 'attempt' must be a whole number from 1 to " + Integer.MAX_VALUE);
    }
    return v.intValue();
  }

  private static String optionalText(JsonNode n, String field) throws MalformedMessageException {
    JsonNode v = n.get(field);
    if (v == null || v.isNull()) {
      return "";
    }
    if (!v.isTextual()) {
      throw new MalformedMessageException("field '" + field + "' must be a string");
    }
    return v.textValue();
  }

  private static boolean optionalBoolean(JsonNode n, String field, boolean absent)
      throws MalformedMessageException {
    JsonNode v = n.get(field);
    if (v == null || v.isNull()) {
      return absent;
    }
    if (!v.isBoolean()) {
      throw new MalformedMessageException("field '" + field + "' must be true or false");
    }
    return v.booleanValue();
  }

  /** A unix time in milliseconds, or now when absent. */
  private static long optionalTime(JsonNode n, String field) throws MalformedMessageException {
    JsonNode v = n.get(field);
    if (v == null || v.isNull()) {
      return System.currentTimeMillis();
    }
    if (!v.isIntegralNumber() || !v.canConvertToLong() || v.longValue() < 0) {
      throw new MalformedMessageException(
          "field '" + field + "' must be a whole number of unix milliseconds, not negative");
    }
    return v.longValue();
  }

  /** The number of bytes a base64 text decodes to, read from its length alone. */
  private static long decodedLength(String base64) {
    int padding = base64.endsWith("==") ? 2 : base64.endsWith("=") ? 1 : 0;
    return (long) base64.length() / 4 * 3 + (base64.length() % 4 * 3 / 4) - padding;
  }

  /** At most {@code max} characters of {@code text}, never splitting a surrogate pair. */
  public static String excerpt(String text, int max) {
    if (text == null || text.length() <= max) {
      return text;
    }
    int end = Character.isHighSurrogate(text.charAt(max - 1)) ? max - 1 : max;
    return text.substring(0, end);
  }

  private static JsonNode read(String text) throws MalformedMessageException {
    try {
      JsonNode n = JSON.readTree(text);
      if (n == null || !n.isObject()) {
        throw new MalformedMessageException("not a JSON object");
      }
      JsonNode v = n.get("v");
      if (v != null && !v.isNull() && (!v.isIntegralNumber() || !v.canConvertToInt())) {
        throw new MalformedMessageException("field 'v' must be a whole number");
      }
      int version = v == null || v.isNull() ? VERSION : v.intValue();
      if (version != VERSION) {
        throw new MalformedMessageException(
            "protocol version "
                + version
                + " is not understood (this node speaks "
                + VERSION
                + ")");
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
    if (!v.isTextual()) {
      throw new MalformedMessageException("field '" + field + "' must be a base64 string");
    }
    return base64(v.textValue(), field);
  }

  private static byte[] base64(String text, String field) throws MalformedMessageException {
    try {
      return Base64.getDecoder().decode(text);
    } catch (IllegalArgumentException e) {
      throw new MalformedMessageException("field '" + field + "' must be base64");
    }
  }

  /**
   * An entry of the task output stream (docs/worker-protocol.md, "Logs and progress"): a log line
   * or a progress figure of a running attempt.
   */
  public static String output(TaskOutput.Entry e) {
    ObjectNode n = JSON.createObjectNode();
    n.put("v", VERSION);
    n.put("kind", e.kind().name().toLowerCase(Locale.ROOT));
    n.put("job_id", e.jobId());
    n.put("task_id", e.taskId());
    n.put("attempt", e.attempt());
    n.put("worker", e.worker());
    n.put("at", e.at());
    if (e.kind() == TaskOutput.Kind.LOG) {
      n.put("level", e.level().wireName());
      n.put("line", e.line());
    } else {
      n.put("progress", e.progress());
    }
    return n.toString();
  }

  /**
   * Reads an entry of the task output stream strictly, as {@link #parseReport} reads a report; a
   * line is made safe and cut to {@code maxLineBytes} bytes of UTF-8 ({@link TaskOutput#bounded}).
   */
  public static TaskOutput.Entry parseOutput(String text, int maxLineBytes)
      throws MalformedMessageException {
    JsonNode n = read(text);
    String kind = text(n, "kind");
    String jobId = id(n, "job_id");
    String taskId = id(n, "task_id");
    int attempt = attempt(n);
    String worker = Text.sanitise(excerpt(optionalText(n, "worker"), MAX_WORKER_NAME_CHARS));
    long at = optionalTime(n, "at");
    if (kind.equals("log")) {
      String levelName = optionalText(n, "level");
      TaskOutput.Level level =
          levelName.isEmpty() ? TaskOutput.Level.INFO : TaskOutput.Level.of(levelName);
      if (level == null) {
        throw new MalformedMessageException(
            "field 'level' must be one of debug, info, warn, error");
      }
      JsonNode line = n.get("line");
      if (line == null || !line.isTextual()) {
        throw new MalformedMessageException("field 'line' must be a string");
      }
      return TaskOutput.Entry.log(
          jobId,
          taskId,
          attempt,
          worker,
          at,
          level,
          TaskOutput.bounded(line.textValue(), maxLineBytes));
    }
    if (kind.equals("progress")) {
      JsonNode p = n.get("progress");
      if (p == null || !p.isNumber() || !TaskOutput.isProgress(p.doubleValue())) {
        throw new MalformedMessageException("field 'progress' must be a number from 0 to 1");
      }
      return TaskOutput.Entry.progress(jobId, taskId, attempt, worker, at, p.doubleValue());
    }
    throw new MalformedMessageException(
        "unknown output kind '" + excerpt(Text.sanitise(kind), 64) + "' (log or progress)");
  }

  /** A JSON array of output entries (as {@link #output} writes each), already bounded. */
  public static List<TaskOutput.Entry> parseOutputs(String text) throws MalformedMessageException {
    JsonNode array;
    try {
      array = JSON.readTree(text);
    } catch (JsonProcessingException e) {
      throw new MalformedMessageException("not JSON: " + e.getOriginalMessage());
    }
    if (array == null || !array.isArray()) {
      throw new MalformedMessageException("not a JSON array");
    }
    List<TaskOutput.Entry> entries = new ArrayList<>(array.size());
    for (JsonNode n : array) {
      entries.add(parseOutput(n.toString(), Integer.MAX_VALUE));
    }
    return entries;
  }

  /**
   * An entry of the dead-letter list: where a message was found, the message as it was, what is
   * wrong with it, and when (unix ms) it was set aside.
   */
  public static String deadLetter(String source, String raw, String problem, long at) {
    return deadLetter(source, raw, problem, at, Integer.MAX_VALUE);
  }

  /**
   * A dead letter that keeps at most {@code maxRawChars} characters of the message ({@code raw});
   * {@code raw_chars} says how long the message was, so a cut is visible.
   */
  public static String deadLetter(
      String source, String raw, String problem, long at, int maxRawChars) {
    ObjectNode n = JSON.createObjectNode();
    n.put("v", VERSION);
    n.put("source", source);
    n.put("raw", Text.sanitise(excerpt(raw, maxRawChars)));
    if (raw != null) {
      n.put("raw_chars", raw.length());
    }
    n.put("problem", Text.sanitise(excerpt(problem, MAX_PROBLEM_CHARS)));
    n.put("at", at);
    return n.toString();
  }

  private static final int MAX_PROBLEM_CHARS = 1024;

  /** A message on the queue or report channel that does not follow the protocol. */
  public static final class MalformedMessageException extends Exception {
    public MalformedMessageException(String message) {
      super(message);
    }
  }
}
