package igor.http;

import igor.queue.WorkerRegistry.WorkerRecord;
import igor.queue.WorkerRegistry.Workers;
import igor.service.WorkerWatch;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * GET /api/v1/workers: the worker processes in the registry, the most recently seen first
 * (docs/worker-protocol.md, "Registry"), and the live takers that do not announce themselves.
 */
final class WorkerRoutes extends AllDirectives {
  private final WorkerWatch watch;
  private final ListQueries queries;

  WorkerRoutes(WorkerWatch watch, ListQueries queries) {
    this.watch = watch;
    this.queries = queries;
  }

  /** The answer of GET /api/v1/workers. */
  record WorkersView(
      List<WorkerView> workers,
      int total,
      int live,
      Map<String, Integer> liveByType,
      List<UnannouncedView> unannounced) {}

  /**
   * One worker: times in unix seconds as elsewhere in the API, and {@code lastSeenAgoMs} by Redis's
   * clock (the one its heartbeats are stamped with).
   */
  record WorkerView(
      String id,
      String name,
      String status,
      String host,
      long pid,
      String sdk,
      String sdkVersion,
      int protocol,
      Map<String, Integer> types,
      int concurrency,
      int inFlight,
      long startedAt,
      long lastSeenAt,
      long lastSeenAgoMs,
      long heartbeatMs) {}

  record UnannouncedView(String id, String status) {}

  Route route() {
    return path(
        "workers",
        () ->
            get(
                () ->
                    parameterMultiMap(
                        query -> {
                          int limit = queries.workersLimit(query);
                          return onComplete(
                              watch.workers(limit),
                              done ->
                                  done.isFailure()
                                      ? complete(ApiErrors.of(done.failed().get()))
                                      : complete(ApiJson.response(200, view(done.get()))));
                        })));
  }

  static WorkersView view(Workers w) {
    return new WorkersView(
        w.workers().stream().map(r -> view(r, w.now())).toList(),
        w.total(),
        w.live(),
        w.liveWorkersByType(),
        w.unannounced().stream().map(id -> new UnannouncedView(id, "live")).toList());
  }

  private static WorkerView view(WorkerRecord r, long now) {
    return new WorkerView(
        r.id(),
        r.name(),
        r.status(now).name().toLowerCase(Locale.ROOT),
        r.host(),
        r.pid(),
        r.sdk(),
        r.sdkVersion(),
        r.protocol(),
        new java.util.TreeMap<>(r.types()),
        r.concurrency(),
        r.inFlight(),
        r.startedAt() / 1000,
        r.lastSeenAt() / 1000,
        Math.max(0, now - r.lastSeenAt()),
        r.heartbeatMillis());
  }
}
