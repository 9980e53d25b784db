package igor.testing;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads values out of the Prometheus text format, as a scraper would. */
public final class PrometheusText {
  private PrometheusText() {}

  /** The value of one series, e.g. {@code igor_tasks{status="RUNNING"}}; fails if it is missing. */
  public static double value(String text, String series) {
    Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(text);
    if (!m.find()) {
      throw new AssertionError("no series " + series + " in\n" + text);
    }
    return Double.parseDouble(m.group(1));
  }

  /** The series of a metric with one label {@code status}. */
  public static String byStatus(String metric, Object status) {
    return metric + "{status=\"" + status + "\"}";
  }
}
