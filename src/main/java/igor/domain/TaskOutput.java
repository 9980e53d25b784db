package igor.domain;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * What a running attempt says while it runs (docs/adr/0014-task-output.md): log lines and a
 * progress figure. They travel on their own Redis stream and live in their own table, never in the
 * job's journal. Pure: the wire format reads entries into these, the store keeps them.
 */
public final class TaskOutput {
  private TaskOutput() {}

  /** What is appended to a line cut to the byte limit. */
  public static final String TRUNCATED = " [truncated]";

  /** A log line's level; {@link #INFO} when a worker gives none. */
  public enum Level {
    DEBUG,
    INFO,
    WARN,
    ERROR;

    /** Its name on the wire and in the API. */
    public String wireName() {
      return name().toLowerCase(Locale.ROOT);
    }

    /** The level with this wire name, or null when there is none. */
    public static Level of(String name) {
      for (Level l : values()) {
        if (l.wireName().equals(name)) {
          return l;
        }
      }
      return null;
    }
  }

  /** A log line ({@code kind} "log") or a progress figure ({@code kind} "progress"). */
  public enum Kind {
    LOG,
    PROGRESS
  }

  /**
   * One entry of an attempt: a log line (level and line set, progress unused) or a progress figure
   * in [0, 1] (level null, line empty). {@code at} in unix milliseconds as the worker saw it.
   */
  public record Entry(
      Kind kind,
      String jobId,
      String taskId,
      int attempt,
      String worker,
      long at,
      Level level,
      String line,
      double progress) {

    public static Entry log(
        String jobId,
        String taskId,
        int attempt,
        String worker,
        long at,
        Level level,
        String line) {
      return new Entry(Kind.LOG, jobId, taskId, attempt, worker, at, level, line, 0);
    }

    public static Entry progress(
        String jobId, String taskId, int attempt, String worker, long at, double progress) {
      return new Entry(Kind.PROGRESS, jobId, taskId, attempt, worker, at, null, "", progress);
    }
  }

  /** True when {@code p} is a progress figure: a number from 0 to 1. */
  public static boolean isProgress(double p) {
    return p >= 0 && p <= 1;
  }

  /**
   * The line made storable ({@link Text#sanitise}) and cut to at most {@code maxBytes} bytes of
   * UTF-8, the cut ones ending in {@link #TRUNCATED} (within the limit) and never inside a
   * character. A limit smaller than the marker keeps only what fits of the line.
   */
  public static String bounded(String line, int maxBytes) {
    String safe = Text.sanitise(line == null ? "" : line);
    if (utf8Length(safe) <= maxBytes) {
      return safe;
    }
    int markerBytes = TRUNCATED.length();
    boolean marked = maxBytes > markerBytes;
    String kept = prefix(safe, marked ? maxBytes - markerBytes : maxBytes);
    return marked ? kept + TRUNCATED : kept;
  }

  /** The longest prefix of {@code s} whose UTF-8 form has at most {@code maxBytes} bytes. */
  static String prefix(String s, int maxBytes) {
    int bytes = 0;
    int i = 0;
    while (i < s.length()) {
      int cp = s.codePointAt(i);
      int n = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
      if (bytes + n > maxBytes) {
        break;
      }
      bytes += n;
      i += Character.charCount(cp);
    }
    return s.substring(0, i);
  }

  public static int utf8Length(String s) {
    return s.getBytes(StandardCharsets.UTF_8).length;
  }
}
