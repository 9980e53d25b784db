package igor.http;

import igor.config.Limits;
import igor.domain.Action;
import igor.domain.Identifiers;
import igor.domain.ObjectKind;
import igor.domain.ObjectRef;
import igor.service.JobService;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * PATCH /api/v1/pause, /unpause, /skip, /kill and /retry: an action on any jobs, layers and tasks,
 * answered with how many changed. The refs are checked whole before any job is asked: a malformed
 * one is a 400, one that names nothing a 404, and either way nothing changes.
 */
final class ActionRoutes extends AllDirectives {
  record Ref(String kind, String id, String etag) {}

  private final JobService jobs;
  private final RequestBodies bodies;
  private final Limits limits;

  private RequestTracing tracing = RequestTracing.OFF;

  /** Traces the actions' requests (the jobs' spans of an action link to them). */
  ActionRoutes tracedBy(RequestTracing tracing) {
    this.tracing = tracing;
    return this;
  }

  ActionRoutes(JobService jobs, RequestBodies bodies, Limits limits) {
    this.jobs = jobs;
    this.bodies = bodies;
    this.limits = limits;
  }

  Route route() {
    List<Route> routes = new ArrayList<>();
    for (Action action : Action.values()) {
      routes.add(
          path(
              action.name().toLowerCase(Locale.ROOT),
              () -> patch(() -> bodies.json(body -> act(action, body)))));
    }
    return concat(routes.get(0), routes.subList(1, routes.size()).toArray(Route[]::new));
  }

  private Route act(Action action, String body) {
    List<ObjectRef> refs = refs(isNull(body) ? List.of() : ApiJson.readList(body, Ref.class));
    return optionalHeaderValueByName(
        Guard.SUBJECT, subject -> answer(action, refs, subject.orElse("")));
  }

  private Route answer(Action action, List<ObjectRef> refs, String by) {
    return extractRequest(request -> answer(action, refs, by, request));
  }

  private Route answer(Action action, List<ObjectRef> refs, String by, HttpRequest request) {
    String name = "PATCH /api/v1/" + action.name().toLowerCase(Locale.ROOT);
    return Answers.of(
        tracing.traced(request, name, trace -> jobs.act(action, refs, by, trace)),
        JobService.Acted::rejection,
        acted -> Map.of("updated", acted.updated()));
  }

  /**
   * A body of JSON null names no object, as in the original: its Go client sends a nil slice of
   * refs as null (docs/compatibility.md).
   */
  private static boolean isNull(String body) {
    return body.replaceAll("^[ \\t\\r\\n]+|[ \\t\\r\\n]+$", "").equals("null");
  }

  private List<ObjectRef> refs(List<Ref> request) {
    if (request.size() > limits.maxRefsPerRequest()) {
      throw new ApiException(
          413,
          request.size()
              + " objects in one request is over the limit of "
              + limits.maxRefsPerRequest()
              + " (igor.limits.max-refs-per-request)");
    }
    List<ObjectRef> refs = new ArrayList<>(request.size());
    for (int i = 0; i < request.size(); i++) {
      Ref ref = request.get(i);
      String at = "[" + i + "]";
      if (ref == null) {
        throw ApiException.badRequest("field '" + at + "' must be a JSON object");
      }
      refs.add(new ObjectRef(kind(at, ref.kind()), id(at, ref.id()), ref.etag()));
    }
    return refs;
  }

  private static ObjectKind kind(String at, String kind) {
    if (kind != null) {
      for (ObjectKind k : ObjectKind.values()) {
        if (k.name().equalsIgnoreCase(kind.trim())) {
          return k;
        }
      }
    }
    throw ApiException.badRequest(
        "field '" + at + ".kind' must be \"Job\", \"Layer\" or \"Task\", got " + quoted(kind));
  }

  private static String id(String at, String id) {
    if (!Identifiers.isId(id)) {
      throw ApiException.badRequest(
          "field '" + at + ".id' must be a lowercase UUID, got " + quoted(id));
    }
    return id;
  }

  private static String quoted(String text) {
    return text == null ? "nothing" : "'" + text + "'";
  }
}
