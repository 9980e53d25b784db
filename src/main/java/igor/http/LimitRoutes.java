package igor.http;

import igor.config.FlowLimits;
import igor.queue.FlowControl;
import igor.queue.FlowLimit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * Flow control's limits (docs/flow-control.md): GET /api/v1/limits lists them with their use; PUT
 * and DELETE /api/v1/limits/{kind}/{name} set and remove one (role admin: {@link Guard}). A change
 * is recorded in PostgreSQL, then holds for the whole cluster at once (Redis keeps the live copy)
 * and admits what it now allows (ADR 0026).
 */
final class LimitRoutes extends AllDirectives {
  private final FlowControl flow;
  private final RequestBodies bodies;

  LimitRoutes(FlowControl flow, RequestBodies bodies) {
    this.flow = flow;
    this.bodies = bodies;
  }

  /** A limit's body: every field optional, 0 or absent for none. */
  record LimitBody(Integer concurrency, Integer rate, Double perSeconds, Integer weight) {}

  record LimitView(
      String kind,
      String name,
      int concurrency,
      int rate,
      double perSeconds,
      int weight,
      Long inUse,
      Long waiting) {}

  record LimitsView(List<LimitView> limits) {}

  Route route() {
    return pathPrefix(
        "limits",
        () ->
            concat(
                pathEnd(() -> get(() -> onDone(list(), v -> ApiJson.response(200, v)))),
                path(
                    PathMatchers.segment().slash(PathMatchers.segment()),
                    (kind, name) ->
                        concat(
                            put(() -> bodies.json(body -> set(kind, name, body))),
                            delete(
                                () ->
                                    onDone(
                                        flow.remove(kind, name),
                                        removed ->
                                            removed
                                                ? ApiJson.response(200, Map.of("updated", 1))
                                                : ApiJson.error(
                                                    404,
                                                    "no limit of kind '"
                                                        + kind
                                                        + "' named '"
                                                        + name
                                                        + "'")))))));
  }

  private Route set(String kind, String name, String body) {
    LimitBody b = ApiJson.read(body.isBlank() ? "{}" : body, LimitBody.class);
    double per = b.perSeconds() == null ? 1.0 : b.perSeconds();
    if (!(per > 0) || per > 86_400) {
      throw ApiException.badRequest(
          "field 'per_seconds' must be more than 0 and at most 86400, got " + per);
    }
    FlowLimit limit =
        new FlowLimit(
            kind,
            name,
            b.concurrency() == null ? 0 : b.concurrency(),
            b.rate() == null ? 0 : b.rate(),
            Math.max(1, Math.round(per * 1000)),
            b.weight() == null ? 0 : b.weight());
    String problem = FlowLimits.problem(limit);
    if (problem != null) {
      throw ApiException.badRequest("limit " + kind + "/" + name + ": " + problem);
    }
    return onDone(flow.set(limit), done -> ApiJson.response(200, view(limit, null)));
  }

  private CompletionStage<LimitsView> list() {
    return flow.limits()
        .thenCombine(
            flow.usage(),
            (limits, usage) -> {
              List<LimitView> views = new ArrayList<>(limits.size());
              for (FlowLimit l : limits) {
                views.add(view(l, usage));
              }
              return new LimitsView(views);
            });
  }

  private static LimitView view(FlowLimit l, Map<String, long[]> usage) {
    long[] u = usage == null ? null : usage.get(l.field());
    return new LimitView(
        l.kind(),
        l.name(),
        l.concurrency(),
        l.rate(),
        l.perMillis() / 1000.0,
        l.weight(),
        u == null ? null : u[0],
        u == null || !FlowLimit.TYPE.equals(l.kind()) ? null : u[1]);
  }

  private <T> Route onDone(
      CompletionStage<T> stage,
      java.util.function.Function<T, org.apache.pekko.http.javadsl.model.HttpResponse> answer) {
    return onComplete(
        stage,
        done ->
            done.isFailure()
                ? complete(ApiErrors.of(done.failed().get()))
                : complete(answer.apply(done.get())));
  }
}
