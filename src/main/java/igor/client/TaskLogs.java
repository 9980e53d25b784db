package igor.client;

import java.util.List;

/**
 * The log lines and progress of a task's attempts (GET /api/v1/tasks/{id}/logs): each attempt that
 * sent any, oldest first.
 */
public record TaskLogs(String taskId, String jobId, List<Attempt> attempts) {

  /**
   * One attempt: its latest progress (null when none came), lines it sent, lines dropped (the
   * oldest, beyond igor.task-output.lines-per-attempt), the lines of this page, and the {@code
   * after} of the next page (null when this is the last).
   */
  public record Attempt(
      int attempt, Double progress, long sent, long dropped, List<Line> lines, Long nextAfter) {}

  /** A line: its number in its attempt (from 1), time (RFC 3339, and unix ms), level and text. */
  public record Line(long seq, String at, long atMs, String level, String line) {}
}
