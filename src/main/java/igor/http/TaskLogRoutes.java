package igor.http;

import igor.domain.Identifiers;
import igor.storage.TaskOutputStore;
import igor.storage.TaskOutputStore.AttemptLogs;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * GET /api/v1/tasks/{id}/logs: the log lines and progress of each attempt of a task, kept after it
 * ended (docs/adr/0014-task-output.md). Paged per attempt: {@code after} a line's seq, at most
 * {@code limit} lines (igor.task-output.max-page-lines), {@code attempt} for one attempt only.
 */
final class TaskLogRoutes extends AllDirectives {
  private static final Set<String> PARAMETERS = Set.of("attempt", "after", "limit");
  private final TaskOutputStore store;
  private final int maxPageLines;

  TaskLogRoutes(TaskOutputStore store, int maxPageLines) {
    this.store = store;
    this.maxPageLines = maxPageLines;
  }

  /** The answer. */
  record LogsView(String taskId, String jobId, List<AttemptView> attempts) {}

  /** An attempt: progress omitted when none came; next_after set when more lines follow. */
  record AttemptView(
      int attempt,
      Double progress,
      long sent,
      long dropped,
      List<LineView> lines,
      Long nextAfter) {}

  /** A line: its seq in the attempt, time (RFC 3339 and unix ms), level and text. */
  record LineView(long seq, String at, long atMs, String level, String line) {}

  Route route() {
    return path(
        PathMatchers.segment("tasks").slash(PathMatchers.segment()).slash("logs"),
        id -> get(() -> parameterMultiMap(query -> logs(id, query))));
  }

  private Route logs(String id, Map<String, List<String>> query) {
    if (!Identifiers.isId(id)) {
      throw ApiException.badRequest("task id must be a lowercase UUID, got '" + id + "'");
    }
    for (String name : query.keySet()) {
      if (!PARAMETERS.contains(name)) {
        throw ApiException.badRequest(
            "unknown query parameter '" + name + "'; task logs take attempt, after, limit");
      }
    }
    Long attempt = number(query, "attempt", 1, Integer.MAX_VALUE);
    Long after = number(query, "after", 0, Long.MAX_VALUE);
    Long limit = number(query, "limit", 1, maxPageLines);
    return onComplete(
        store.read(
            id,
            attempt == null ? null : attempt.intValue(),
            after == null ? 0 : after,
            limit == null ? maxPageLines : limit.intValue()),
        done -> {
          if (done.isFailure()) {
            return complete(ApiErrors.of(done.failed().get()));
          }
          return done.get()
              .map(logs -> complete(ApiJson.response(200, view(logs))))
              .orElseGet(() -> complete(ApiJson.error(404, "no task with id " + id)));
        });
  }

  private static LogsView view(TaskOutputStore.Logs logs) {
    return new LogsView(
        logs.taskId(), logs.jobId(), logs.attempts().stream().map(TaskLogRoutes::view).toList());
  }

  private static AttemptView view(AttemptLogs a) {
    List<LineView> lines =
        a.lines().stream()
            .map(
                l ->
                    new LineView(
                        l.seq(),
                        Instant.ofEpochMilli(l.at()).toString(),
                        l.at(),
                        l.level(),
                        l.line()))
            .toList();
    Long next = a.more() ? a.lines().get(a.lines().size() - 1).seq() : null;
    return new AttemptView(a.attempt(), a.progress(), a.sent(), a.dropped(), lines, next);
  }

  private static Long number(Map<String, List<String>> query, String name, long min, long max) {
    List<String> values = query.get(name);
    if (values == null || values.isEmpty()) {
      return null;
    }
    String problem =
        "query parameter '" + name + "' must be a whole number from " + min + " to " + max;
    if (values.size() > 1) {
      throw ApiException.badRequest(problem + ", given once");
    }
    try {
      long v = Long.parseLong(values.get(0));
      if (v >= min && v <= max) {
        return v;
      }
    } catch (NumberFormatException e) {
      // answered below
    }
    throw ApiException.badRequest(problem);
  }
}
