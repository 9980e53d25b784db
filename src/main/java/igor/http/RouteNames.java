package igor.http;

import java.util.Set;

/**
 * The route of a request path, for metrics: ids become {@code {id}}, and paths that are not Igor's
 * become "other", so that the labels stay few.
 */
final class RouteNames {
  private static final Set<String> ROOT = Set.of("healthz", "readyz", "metrics");
  private static final Set<String> RESOURCES =
      Set.of(
          "jobs",
          "layers",
          "tasks",
          "counts",
          "cluster",
          "dashboard",
          "workers",
          "events",
          "openapi.json",
          "pause",
          "unpause",
          "skip",
          "kill",
          "retry",
          "start",
          "schedules",
          "limits");

  /**
   * What follows an id: a job's audit, status, timeline and results, a schedule's actions, a task's
   * logs.
   */
  private static final Set<String> SUBRESOURCES =
      Set.of("audit", "status", "timeline", "results", "pause", "unpause", "trigger", "logs");

  private RouteNames() {}

  /** The resources under /api/v1 (the first segment after it). */
  static Set<String> resources() {
    return RESOURCES;
  }

  /** The routes at the root: health, readiness, metrics. */
  static Set<String> roots() {
    return ROOT;
  }

  static String of(String path) {
    String[] parts = path.replaceAll("^/+|/+$", "").split("/+");
    if (parts.length == 1 && ROOT.contains(parts[0])) {
      return "/" + parts[0];
    }
    if (parts.length < 3
        || !parts[0].equals("api")
        || !parts[1].equals("v1")
        || !RESOURCES.contains(parts[2])) {
      return "other";
    }
    if (parts[2].equals("limits") && parts.length > 3) {
      return parts.length == 5 ? "/api/v1/limits/{kind}/{name}" : "other";
    }
    StringBuilder route = new StringBuilder("/api/v1/").append(parts[2]);
    if (parts.length >= 4) {
      route.append("/{id}");
    }
    if (parts.length == 5 && SUBRESOURCES.contains(parts[4])) {
      route.append("/").append(parts[4]);
    } else if (parts.length > 4) {
      return "other";
    }
    return route.toString();
  }
}
