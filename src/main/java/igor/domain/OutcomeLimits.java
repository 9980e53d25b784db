package igor.domain;

import java.nio.charset.StandardCharsets;

/**
 * The largest outcome a worker may report for one attempt: its result (bytes, once decoded) and its
 * message (bytes of UTF-8). Nodes fail an attempt whose report is over either limit instead of
 * applying it, and the Java worker checks its own outcome before sending it. Settings {@value
 * #RESULT_SETTING} and {@value #MESSAGE_SETTING}.
 */
public record OutcomeLimits(int maxResultBytes, int maxMessageBytes) {
  public static final String RESULT_SETTING = "igor.reports.max-result-bytes";
  public static final String MESSAGE_SETTING = "igor.reports.max-message-bytes";

  /** 1 MiB of result, 8 KiB of message. */
  public static final OutcomeLimits DEFAULTS = new OutcomeLimits(1024 * 1024, 8 * 1024);

  public OutcomeLimits {
    if (maxResultBytes < 0 || maxMessageBytes < 0) {
      throw new IllegalArgumentException("outcome limits must not be negative");
    }
  }

  /** Why a result of {@code bytes} bytes is too large, or null when it is not. */
  public String resultProblem(long bytes) {
    return bytes > maxResultBytes
        ? overLimit("result", bytes, maxResultBytes, RESULT_SETTING)
        : null;
  }

  /** Why this message is too large, or null when it is not. */
  public String messageProblem(String message) {
    if (message == null || message.length() <= maxMessageBytes / 3) {
      return null;
    }
    long bytes = utf8Length(message);
    return bytes > maxMessageBytes
        ? overLimit("message", bytes, maxMessageBytes, MESSAGE_SETTING)
        : null;
  }

  /** Why this outcome cannot be reported as it is, or null when it can. */
  public String problem(String message, byte[] result) {
    String problem = result == null ? null : resultProblem(result.length);
    return problem != null ? problem : messageProblem(message);
  }

  /**
   * The report to send or apply instead of one whose outcome is over a limit: the attempt fails,
   * not to be retried (the same handler would most likely give the same outcome), with a message
   * that names the limit and its setting.
   */
  public static WorkerReport failedOverLimit(WorkerReport over, String problem) {
    return new WorkerReport(
        WorkerReport.Kind.FAILED,
        over.jobId(),
        over.taskId(),
        over.attempt(),
        over.worker(),
        problem,
        null,
        false,
        over.at(),
        over.traceParent());
  }

  private static String overLimit(String what, long bytes, int limit, String setting) {
    return "the worker's "
        + what
        + " of "
        + bytes
        + " bytes is over the limit of "
        + limit
        + " bytes ("
        + setting
        + ")";
  }

  private static long utf8Length(String s) {
    return s.getBytes(StandardCharsets.UTF_8).length;
  }
}
