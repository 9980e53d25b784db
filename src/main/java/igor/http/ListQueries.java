package igor.http;

import igor.config.Limits;
import igor.domain.Identifiers;
import igor.domain.PlanBounds;
import igor.domain.Status;
import igor.domain.Text;
import igor.storage.ReadModel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The query parameters of the list endpoints, checked: a parameter that is unknown, or a value that
 * does not parse, gets a 400 naming the parameter. Repeatable parameters also take comma-separated
 * values; statuses are case-insensitive; times are unix seconds.
 */
final class ListQueries {
  /** What each list accepts. */
  enum Kind {
    JOBS(Set.of("layer_ids", "task_ids")),
    LAYERS(Set.of("layer_ids", "task_ids")),
    TASKS(Set.of("layer_ids", "task_ids", "types"));

    private final Set<String> params;

    Kind(Set<String> extra) {
      Set<String> all =
          new TreeSet<>(
              Set.of(
                  "job_ids",
                  "statuses",
                  "name",
                  "created_after",
                  "created_before",
                  "updated_after",
                  "updated_before",
                  "limit",
                  "offset"));
      all.addAll(extra);
      this.params = all;
    }
  }

  private final Limits limits;

  ListQueries(Limits limits) {
    this.limits = limits;
  }

  ReadModel.Filter filter(Kind kind, Map<String, List<String>> query) {
    checkText(query);
    for (String name : query.keySet()) {
      if (!kind.params.contains(name)) {
        throw ApiException.badRequest(
            "unknown query parameter '"
                + name
                + "'; this list takes "
                + String.join(", ", kind.params));
      }
    }
    return new ReadModel.Filter(
        ids(query, "job_ids"),
        ids(query, "layer_ids"),
        ids(query, "task_ids"),
        statuses(query),
        values(query, "types"),
        single(query, "name"),
        seconds(query, "created_after"),
        seconds(query, "created_before"),
        seconds(query, "updated_after"),
        seconds(query, "updated_before"),
        limit(query),
        offset(query));
  }

  /** The job ids of GET /api/v1/counts: at least one, at most the list limit. */
  List<String> jobIds(Map<String, List<String>> query) {
    checkText(query);
    for (String name : query.keySet()) {
      if (!name.equals("job_ids")) {
        throw ApiException.badRequest(
            "unknown query parameter '" + name + "'; counts take job_ids");
      }
    }
    List<String> ids = boundedJobIds(query);
    if (ids.isEmpty()) {
      throw ApiException.badRequest("query parameter 'job_ids' is required");
    }
    return ids;
  }

  private List<String> boundedJobIds(Map<String, List<String>> query) {
    List<String> ids = ids(query, "job_ids");
    if (ids.size() > limits.maxListLimit()) {
      throw ApiException.badRequest(
          "query parameter 'job_ids' names "
              + ids.size()
              + " jobs; at most "
              + limits.maxListLimit()
              + " (igor.limits.max-list-limit)");
    }
    return ids;
  }

  /** What GET /api/v1/jobs/{id}/results asks: a layer name, where to go on from, how many. */
  record ResultsQuery(String layer, ReadModel.ResultsCursor after, int limit) {}

  ResultsQuery results(Map<String, List<String>> query) {
    checkText(query);
    for (String name : query.keySet()) {
      if (!name.equals("layer") && !name.equals("after") && !name.equals("limit")) {
        throw ApiException.badRequest(
            "unknown query parameter '" + name + "'; results take layer, after, limit");
      }
    }
    String layer = single(query, "layer");
    if (layer == null || layer.isEmpty()) {
      throw ApiException.badRequest(
          "query parameter 'layer' is required: the name of the layer whose results to read");
    }
    if (layer.length() > limits.maxNameLength()) {
      throw ApiException.badRequest(
          "query parameter 'layer' is "
              + layer.length()
              + " characters; a layer's name is at most "
              + limits.maxNameLength()
              + " (igor.limits.max-name-length)");
    }
    String after = single(query, "after");
    int pageSize =
        limit(
            query,
            Math.min(Limits.DEFAULT_RESULTS_PAGE, limits.maxResultsPage()),
            limits.maxResultsPage(),
            "igor.limits.max-results-page");
    return new ResultsQuery(layer, after == null ? null : ResultsCursors.read(after), pageSize);
  }

  /** What GET /api/v1/events follows: these jobs (none: all), after this ordering (null: now). */
  record EventsQuery(List<String> jobIds, Long since) {}

  EventsQuery events(Map<String, List<String>> query) {
    checkText(query);
    for (String name : query.keySet()) {
      if (!name.equals("job_ids") && !name.equals("since")) {
        throw ApiException.badRequest(
            "unknown query parameter '"
                + name
                + "'; the event stream takes job_ids, since, output");
      }
    }
    List<String> ids = boundedJobIds(query);
    Long since = number(query, "since", "an event id (an integer, 0 or more)");
    if (since != null && since < 0) {
      throw ApiException.badRequest("query parameter 'since' must be 0 or more, got " + since);
    }
    return new EventsQuery(ids, since);
  }

  /** The Last-Event-ID header of a reconnecting event stream: the id of the last event seen. */
  static long lastEventId(String value) {
    try {
      long id = Long.parseLong(value.trim());
      if (id >= 0) {
        return id;
      }
    } catch (NumberFormatException e) {
      // answered below
    }
    throw ApiException.badRequest(
        "header 'Last-Event-ID' must be an event id (an integer, 0 or more), got '" + value + "'");
  }

  /** Every parameter's name and value must be acceptable {@link Text}, whatever it is for. */
  private static void checkText(Map<String, List<String>> query) {
    for (Map.Entry<String, List<String>> parameter : query.entrySet()) {
      Text.problem(parameter.getKey())
          .ifPresent(
              p -> {
                throw ApiException.badRequest("the name of a query parameter " + p);
              });
      for (String value : parameter.getValue()) {
        Text.problem(value)
            .ifPresent(
                p -> {
                  throw ApiException.badRequest(
                      "query parameter '" + parameter.getKey() + "' " + p);
                });
      }
    }
  }

  private static List<String> values(Map<String, List<String>> query, String name) {
    List<String> values = new ArrayList<>();
    for (String raw : query.getOrDefault(name, List.of())) {
      Arrays.stream(raw.split(","))
          .map(String::trim)
          .filter(v -> !v.isEmpty())
          .forEach(values::add);
    }
    return values;
  }

  private static List<String> ids(Map<String, List<String>> query, String name) {
    List<String> ids = values(query, name);
    for (String id : ids) {
      if (!Identifiers.isId(id)) {
        throw ApiException.badRequest(
            "query parameter '" + name + "' must hold lowercase UUIDs, got '" + id + "'");
      }
    }
    return ids;
  }

  private static List<Status> statuses(Map<String, List<String>> query) {
    List<Status> statuses = new ArrayList<>();
    for (String value : values(query, "statuses")) {
      statuses.add(
          Status.parse(value)
              .orElseThrow(
                  () ->
                      ApiException.badRequest(
                          "query parameter 'statuses' must hold statuses ("
                              + Arrays.toString(Status.values())
                              + "), got '"
                              + value
                              + "'")));
    }
    return statuses;
  }

  private static String single(Map<String, List<String>> query, String name) {
    List<String> values = query.getOrDefault(name, List.of());
    if (values.size() > 1) {
      throw ApiException.badRequest("query parameter '" + name + "' may be given once");
    }
    return values.isEmpty() ? null : values.get(0);
  }

  private static Long number(Map<String, List<String>> query, String name, String what) {
    String value = single(query, name);
    if (value == null) {
      return null;
    }
    try {
      return Long.parseLong(value.trim());
    } catch (NumberFormatException e) {
      throw ApiException.badRequest(
          "query parameter '" + name + "' must be " + what + ", got '" + value + "'");
    }
  }

  private static Long seconds(Map<String, List<String>> query, String name) {
    Long seconds = number(query, name, "an integer (unix seconds)");
    if (seconds != null) {
      PlanBounds.unixSecondsProblem(seconds)
          .ifPresent(
              p -> {
                throw ApiException.badRequest("query parameter '" + name + "' " + p);
              });
    }
    return seconds;
  }

  /** The query of GET /api/v1/workers: only {@code limit}. */
  int workersLimit(Map<String, List<String>> query) {
    checkText(query);
    for (String name : query.keySet()) {
      if (!name.equals("limit")) {
        throw ApiException.badRequest(
            "unknown query parameter '" + name + "'; the workers list takes limit");
      }
    }
    return limit(query);
  }

  private int limit(Map<String, List<String>> query) {
    return limit(
        query, limits.defaultListLimit(), limits.maxListLimit(), "igor.limits.max-list-limit");
  }

  /** The {@code limit} parameter: {@code otherwise} when absent, from 1 to {@code max}. */
  private static int limit(
      Map<String, List<String>> query, int otherwise, int max, String setting) {
    Long limit = number(query, "limit", "an integer");
    if (limit == null) {
      return otherwise;
    }
    if (limit < 1 || limit > max) {
      throw ApiException.badRequest(
          "query parameter 'limit' must be from 1 to " + max + " (" + setting + "), got " + limit);
    }
    return limit.intValue();
  }

  private static int offset(Map<String, List<String>> query) {
    Long offset = number(query, "offset", "an integer");
    if (offset == null) {
      return 0;
    }
    if (offset < 0 || offset > Integer.MAX_VALUE) {
      throw ApiException.badRequest(
          "query parameter 'offset' must be from 0 to "
              + Integer.MAX_VALUE
              + " (a 32-bit integer), got "
              + offset);
    }
    return offset.intValue();
  }
}
