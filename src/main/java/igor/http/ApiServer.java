package igor.http;

import igor.config.IgorSettings;
import igor.service.JobService;
import igor.storage.ChangeFeed;
import igor.storage.ReadModel;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.function.BooleanSupplier;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * The HTTP API v1 of a node: its routes, their error handling, and the server binding; the web UI
 * ({@link UiRoutes}) comes after the API's paths.
 */
public final class ApiServer extends AllDirectives {
  private final JobRoutes jobRoutes;
  private final TaskRoutes taskRoutes;
  private final ActionRoutes actionRoutes;
  private final ListRoutes listRoutes;
  private final EventRoutes eventRoutes;
  private final UiRoutes uiRoutes = new UiRoutes();
  private final BooleanSupplier ready;

  public ApiServer(
      JobService jobs,
      ReadModel readModel,
      ChangeFeed changes,
      IgorSettings settings,
      BooleanSupplier ready) {
    JobRequests requests =
        new JobRequests(
            settings.limits(),
            settings.jobs().defaultRetries(),
            settings.jobs().defaultTimeoutSeconds());
    RequestBodies bodies = new RequestBodies(settings.limits().maxBodyBytes());
    this.jobRoutes = new JobRoutes(jobs, requests, bodies);
    this.taskRoutes = new TaskRoutes(jobs, requests, bodies);
    this.actionRoutes = new ActionRoutes(jobs, bodies, settings.limits());
    ListQueries queries = new ListQueries(settings.limits());
    this.listRoutes = new ListRoutes(readModel, queries);
    this.eventRoutes =
        new EventRoutes(
            changes, queries, settings.events().maxStreams(), settings.events().heartbeat());
    this.ready = ready;
  }

  public Route route() {
    return handleExceptions(
        ApiErrors.exceptionHandler(),
        () ->
            handleRejections(
                ApiErrors.rejectionHandler(),
                () ->
                    concat(
                        path("healthz", () -> get(this::health)),
                        pathPrefix(
                            "api",
                            () ->
                                pathPrefix(
                                    "v1",
                                    () ->
                                        concat(
                                            eventRoutes.route(),
                                            listRoutes.route(),
                                            jobRoutes.route(),
                                            taskRoutes.route(),
                                            actionRoutes.route()))),
                        uiRoutes.route())));
  }

  private Route health() {
    if (ready.getAsBoolean()) {
      return complete(ApiJson.response(200, Map.of("ok", true)));
    }
    return complete(ApiJson.response(503, Map.of("ok", false)));
  }

  public CompletionStage<ServerBinding> bind(ActorSystem<?> system, String host, int port) {
    return Http.get(system).newServerAt(host, port).bind(route());
  }
}
