package igor.http;

import igor.domain.Text;
import igor.storage.ReadModel;
import igor.storage.ReadModel.Activity;
import igor.storage.ReadModel.ActivityBucket;
import igor.storage.ReadModel.TypeActivity;
import igor.storage.ReadModel.Waiting;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.LongSupplier;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * {@code GET /api/v1/dashboard}: the cluster's activity over a recent window, from the read model
 * (the same on every node): attempts started, ended and failed per bucket, the tasks waiting and
 * their oldest age per type, and the jobs and tasks running. The web UI's dashboard draws it.
 */
final class DashboardRoutes extends AllDirectives {
  private final ReadModel readModel;
  private final Duration history;
  private final LongSupplier clock;

  /** {@code history}: how far back {@code since} may reach (igor.projection.activity-history). */
  DashboardRoutes(ReadModel readModel, Duration history, LongSupplier clock) {
    this.readModel = readModel;
    this.history = history;
    this.clock = clock;
  }

  Route route() {
    return path(
        "dashboard",
        () ->
            get(
                () ->
                    parameterMultiMap(
                        query -> {
                          long now = clock.getAsLong() / 1000;
                          long since = since(query, now);
                          return onComplete(
                              readModel.activity(since),
                              done ->
                                  done.isFailure()
                                      ? complete(ApiErrors.of(done.failed().get()))
                                      : complete(
                                          ApiJson.response(200, view(done.get(), since, now))));
                        })));
  }

  /** The query's since (unix seconds), by default the whole history. */
  long since(Map<String, List<String>> query, long now) {
    for (String name : query.keySet()) {
      if (!name.equals("since")) {
        throw ApiException.badRequest(
            "unknown query parameter '" + name + "'; the dashboard takes since");
      }
    }
    List<String> values = query.get("since");
    long earliest = now - history.toSeconds();
    if (values == null) {
      return earliest;
    }
    if (values.size() > 1) {
      throw ApiException.badRequest("query parameter 'since' may be given once");
    }
    String value = values.get(0);
    Text.problem(value)
        .ifPresent(
            p -> {
              throw ApiException.badRequest("query parameter 'since' " + p);
            });
    long since;
    try {
      since = Long.parseLong(value.trim());
    } catch (NumberFormatException e) {
      throw ApiException.badRequest(
          "query parameter 'since' must be an integer (unix seconds), got '"
              + (value.length() > 40 ? value.substring(0, 40) + "..." : value)
              + "'");
    }
    if (since < earliest || since > now) {
      throw ApiException.badRequest(
          "query parameter 'since' must be from "
              + earliest
              + " to "
              + now
              + " (at most igor.projection.activity-history = "
              + history.toSeconds()
              + " s ago), got "
              + since);
    }
    return since;
  }

  /** Every bucket from since's to now's, the empty ones as zeros, so that a chart needs no gaps. */
  static Map<String, Object> view(Activity a, long since, long now) {
    int step = a.bucketSeconds();
    long first = Math.floorDiv(since, step) * step;
    long last = Math.floorDiv(now, step) * step;
    Map<Long, ActivityBucket> byTime = new TreeMap<>();
    a.buckets().forEach(b -> byTime.put(b.at(), b));
    List<Map<String, Object>> series = new ArrayList<>();
    long started = 0;
    long ended = 0;
    long failed = 0;
    for (long at = first; at <= last; at += step) {
      ActivityBucket b = byTime.getOrDefault(at, new ActivityBucket(at, 0, 0, 0));
      series.add(bucket(b));
    }
    for (ActivityBucket b : a.buckets()) {
      started += b.started();
      ended += b.ended();
      failed += b.failed();
    }
    Map<String, Map<String, Object>> types = new TreeMap<>();
    for (TypeActivity t : a.types()) {
      Map<String, Object> row = type(types, t.type());
      row.put("started", t.started());
      row.put("ended", t.ended());
      row.put("failed", t.failed());
    }
    long queued = 0;
    for (Waiting w : a.waiting()) {
      Map<String, Object> row = type(types, w.type());
      row.put("queued", w.queued());
      row.put("oldest_queued_at", w.oldestQueuedAt());
      row.put(
          "oldest_age_seconds",
          w.oldestQueuedAt() == 0 ? 0 : Math.max(0, now - w.oldestQueuedAt()));
      queued += w.queued();
    }
    Map<String, Object> totals = new LinkedHashMap<>();
    totals.put("started", started);
    totals.put("ended", ended);
    totals.put("failed", failed);
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("now", now);
    body.put("since", first);
    body.put("bucket_seconds", step);
    body.put("running_jobs", a.runningJobs());
    body.put("running_tasks", a.runningTasks());
    body.put("queued_tasks", queued);
    body.put("totals", totals);
    body.put("types", List.copyOf(types.values()));
    body.put("buckets", series);
    return body;
  }

  private static Map<String, Object> bucket(ActivityBucket b) {
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("at", b.at());
    row.put("started", b.started());
    row.put("ended", b.ended());
    row.put("failed", b.failed());
    return row;
  }

  private static Map<String, Object> type(Map<String, Map<String, Object>> types, String type) {
    return types.computeIfAbsent(
        type,
        t -> {
          Map<String, Object> row = new LinkedHashMap<>();
          row.put("type", t);
          row.put("started", 0L);
          row.put("ended", 0L);
          row.put("failed", 0L);
          row.put("queued", 0L);
          row.put("oldest_queued_at", 0L);
          row.put("oldest_age_seconds", 0L);
          return row;
        });
  }
}
