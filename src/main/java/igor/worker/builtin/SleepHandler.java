package igor.worker.builtin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import igor.worker.api.TaskContext;
import igor.worker.api.TaskFailedException;
import igor.worker.api.TaskHandler;

/**
 * {@code sleep}: waits, then completes. Args give the seconds as text or JSON: {@code 1.5}, {@code
 * "2"} or {@code {"seconds": 2}}. Stops early, failing, when the attempt is cancelled. Logs its
 * start and end, and its progress about once a second (docs/adr/0014-task-output.md).
 */
public final class SleepHandler implements TaskHandler {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Override
  public String type() {
    return "sleep";
  }

  @Override
  public byte[] handle(TaskContext context) throws TaskFailedException, InterruptedException {
    long millis = (long) (seconds(context.argsAsText()) * 1000);
    long start = System.currentTimeMillis();
    long until = start + millis;
    context.log("sleeping " + millis / 1000.0 + " s");
    long nextProgress = start + 1000;
    while (System.currentTimeMillis() < until) {
      if (context.isCancelled()) {
        context.log("warn", "cancelled");
        throw new TaskFailedException("cancelled", false);
      }
      Thread.sleep(Math.min(100, Math.max(1, until - System.currentTimeMillis())));
      long now = System.currentTimeMillis();
      if (now >= nextProgress) {
        context.progress((double) (now - start) / millis);
        nextProgress = now + 1000;
      }
    }
    context.progress(1);
    context.log("slept " + millis / 1000.0 + " s");
    return null;
  }

  static double seconds(String args) throws TaskFailedException {
    String text = args.strip();
    if (text.isEmpty()) {
      return 0;
    }
    JsonNode value;
    try {
      value = JSON.readTree(text);
    } catch (JsonProcessingException e) {
      value = null;
    }
    if (value != null && value.isObject()) {
      value = value.get("seconds");
    }
    String number = value == null ? text : value.isTextual() ? value.asText() : value.toString();
    try {
      double seconds = Double.parseDouble(number.strip());
      if (seconds >= 0 && !Double.isInfinite(seconds)) {
        return seconds;
      }
    } catch (NumberFormatException e) {
      // told below
    }
    throw new TaskFailedException(
        "sleep args must be a number of seconds (text or JSON), got '" + text + "'", false);
  }
}
