package igor.http;

import igor.config.IgorSettings;
import igor.metrics.IgorMetrics;
import igor.service.ClusterService;
import igor.service.JobService;
import igor.storage.ReadModel;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/** The HTTP API v1 of a node: its routes, their error handling, and the server binding. */
public final class ApiServer extends AllDirectives {
  private final JobRoutes jobRoutes;
  private final TaskRoutes taskRoutes;
  private final ActionRoutes actionRoutes;
  private final ListRoutes listRoutes;
  private final ClusterRoutes clusterRoutes;
  private final IgorMetrics metrics;

  public ApiServer(
      JobService jobs,
      ReadModel readModel,
      ClusterService cluster,
      IgorMetrics metrics,
      IgorSettings settings) {
    JobRequests requests =
        new JobRequests(
            settings.limits(),
            settings.jobs().defaultRetries(),
            settings.jobs().defaultTimeoutSeconds());
    RequestBodies bodies = new RequestBodies(settings.limits().maxBodyBytes());
    this.jobRoutes = new JobRoutes(jobs, requests, bodies);
    this.taskRoutes = new TaskRoutes(jobs, requests, bodies);
    this.actionRoutes = new ActionRoutes(jobs, bodies, settings.limits());
    this.listRoutes = new ListRoutes(readModel, new ListQueries(settings.limits()));
    this.clusterRoutes = new ClusterRoutes(cluster, metrics);
    this.metrics = metrics;
  }

  public Route route() {
    return timed(this::routes);
  }

  /** Every request's time until its response is made, by route (ids replaced: bounded labels). */
  private Route timed(java.util.function.Supplier<Route> inner) {
    return extractRequest(
        request -> {
          long start = System.nanoTime();
          String route = RouteNames.of(request.getUri().path());
          String method = request.method().value();
          return mapResponse(
              response -> {
                metrics.httpRequest(
                    method, route, response.status().intValue(), System.nanoTime() - start);
                return response;
              },
              inner);
        });
  }

  private Route routes() {
    return handleExceptions(
        ApiErrors.exceptionHandler(),
        () ->
            handleRejections(
                ApiErrors.rejectionHandler(),
                () ->
                    concat(
                        clusterRoutes.root(),
                        pathPrefix(
                            "api",
                            () ->
                                pathPrefix(
                                    "v1",
                                    () ->
                                        concat(
                                            clusterRoutes.api(),
                                            listRoutes.route(),
                                            jobRoutes.route(),
                                            taskRoutes.route(),
                                            actionRoutes.route()))))));
  }

  public CompletionStage<ServerBinding> bind(ActorSystem<?> system, String host, int port) {
    return Http.get(system).newServerAt(host, port).bind(route());
  }
}
