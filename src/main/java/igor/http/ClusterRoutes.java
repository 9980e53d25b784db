package igor.http;

import igor.metrics.IgorMetrics;
import igor.service.ClusterService;
import java.util.Map;
import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * The node's own resources: {@code /healthz} (alive), {@code /readyz} (ready to serve), {@code
 * /metrics} (Prometheus), and {@code /api/v1/cluster} (members, roles, jobs held).
 */
final class ClusterRoutes extends AllDirectives {
  /** The Prometheus text exposition format, version 0.0.4. */
  private static final ContentType PROMETHEUS_TEXT =
      ContentTypes.parse("text/plain; version=0.0.4; charset=utf-8");

  private final ClusterService cluster;
  private final IgorMetrics metrics;

  ClusterRoutes(ClusterService cluster, IgorMetrics metrics) {
    this.cluster = cluster;
    this.metrics = metrics;
  }

  /** The routes at the root of the server. */
  Route root() {
    return concat(
        path("healthz", () -> get(() -> complete(ApiJson.response(200, Map.of("ok", true))))),
        path("readyz", () -> get(this::readiness)),
        path(
            "metrics",
            () ->
                get(
                    () ->
                        complete(
                            HttpResponse.create()
                                .withEntity(
                                    HttpEntities.create(
                                        PROMETHEUS_TEXT,
                                        metrics
                                            .scrape()
                                            .getBytes(
                                                java.nio.charset.StandardCharsets.UTF_8)))))));
  }

  /** The routes under /api/v1. */
  Route api() {
    return path("cluster", () -> get(this::members));
  }

  private Route readiness() {
    return onComplete(
        cluster.readiness(),
        done -> {
          if (done.isFailure()) {
            return complete(ApiErrors.of(done.failed().get()));
          }
          ClusterService.Readiness r = done.get();
          return complete(
              ApiJson.response(
                  r.ready() ? 200 : 503, Map.of("ready", r.ready(), "checks", r.checks())));
        });
  }

  private Route members() {
    return onComplete(
        cluster.members(),
        done ->
            done.isFailure()
                ? complete(ApiErrors.of(done.failed().get()))
                : complete(ApiJson.response(200, Map.of("members", done.get()))));
  }
}
