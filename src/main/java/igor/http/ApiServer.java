package igor.http;

import igor.config.IgorSettings;
import igor.config.ScheduleSettings;
import igor.http.auth.FailureLimiter;
import igor.http.auth.RateLimiter;
import igor.http.auth.TokenSources;
import igor.metrics.IgorMetrics;
import igor.queue.FlowControl;
import igor.queue.TaskOutputChannel;
import igor.service.ClusterService;
import igor.service.IdempotentJobs;
import igor.service.JobService;
import igor.service.JobTimelines;
import igor.service.ReadYourWrites;
import igor.service.ScheduleService;
import igor.service.WorkerWatch;
import igor.storage.ChangeFeed;
import igor.storage.ReadModel;
import igor.storage.TaskOutputStore;
import igor.tls.PemFiles;
import io.opentelemetry.api.OpenTelemetry;
import java.nio.file.Path;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.ConnectionContext;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.ServerBuilder;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * The HTTP API v1 of a node: its routes, their error handling, who may call them, and the server
 * binding. /healthz, /readyz and /metrics stay open for probes and scrapers (they reveal no job
 * data), and so do the web UI's static files ({@link UiRoutes}, after the API's paths); everything
 * under /api needs a token once tokens are configured, and without tokens it answers only requests
 * to the node's own names from no page or its own ({@link Guard}). Every answer carries the {@link
 * SecurityHeaders}; requests pekko-http cannot parse get the same JSON errors ({@link
 * ParsingErrors}).
 */
public final class ApiServer extends AllDirectives {
  /**
   * The answer to a request still open after pekko.http.server.request-timeout, which is longer
   * than the ask time-out (IgorSettings): what took longer is not a job's entity but, say, the
   * database.
   */
  private static final HttpResponse REQUEST_TIMED_OUT =
      ApiJson.error(
          503,
          "the request was not answered within pekko.http.server.request-timeout; a change asked"
              + " for may still be made, so read before asking again");

  private final JobRoutes jobRoutes;
  private final TimelineRoutes timelineRoutes;
  private final TaskRoutes taskRoutes;
  private final TaskLogRoutes taskLogRoutes;
  private final ActionRoutes actionRoutes;
  private final ScheduleRoutes scheduleRoutes;
  private final ListRoutes listRoutes;
  private final ResultRoutes resultRoutes;
  private final EventRoutes eventRoutes;
  private final ClusterRoutes clusterRoutes;
  private final DashboardRoutes dashboardRoutes;
  private final WorkerRoutes workerRoutes;
  private final LimitRoutes limitRoutes;
  private final ContractRoutes contractRoutes = new ContractRoutes();
  private final IgorMetrics metrics;
  private final Guard guard;
  private final UiRoutes uiRoutes = new UiRoutes();

  public ApiServer(
      JobService jobs,
      IdempotentJobs idempotent,
      ReadModel readModel,
      ReadYourWrites readYourWrites,
      ChangeFeed changes,
      ClusterService cluster,
      IgorMetrics metrics,
      WorkerWatch workers,
      IgorSettings settings,
      ScheduleService schedules,
      ScheduleSettings scheduleSettings,
      OpenTelemetry openTelemetry,
      TaskOutputStore taskOutput,
      TaskOutputChannel liveOutput,
      int maxLogPageLines,
      FlowControl flow) {
    RequestTracing tracing = new RequestTracing(openTelemetry);
    JobRequests requests = new JobRequests(settings.limits(), settings.jobs().taskDefaults());
    RequestBodies bodies = new RequestBodies(settings.limits().maxBodyBytes());
    IdempotentSubmits submits =
        new IdempotentSubmits(jobs, idempotent, settings.idempotency().maxKeyLength());
    java.util.function.BiFunction<String, String, String> waitingReasons =
        (type, concurrencyKey) -> {
          String noWorker = workers.waitingReason(type);
          return noWorker != null ? noWorker : flow.waitingReason(type, concurrencyKey);
        };
    this.limitRoutes = new LimitRoutes(flow, bodies);
    this.jobRoutes = new JobRoutes(jobs, requests, bodies, submits, waitingReasons, tracing);
    this.timelineRoutes =
        new TimelineRoutes(
            new JobTimelines(
                jobs.gateway(),
                changes,
                settings.limits().maxTimelineAttempts(),
                System::currentTimeMillis));
    this.taskRoutes = new TaskRoutes(requests, bodies, submits);
    this.taskLogRoutes = new TaskLogRoutes(taskOutput, maxLogPageLines);
    this.actionRoutes = new ActionRoutes(jobs, bodies, settings.limits()).tracedBy(tracing);
    this.scheduleRoutes =
        new ScheduleRoutes(
            schedules,
            requests,
            bodies,
            settings.limits(),
            scheduleSettings,
            System::currentTimeMillis);
    ListQueries queries = new ListQueries(settings.limits());
    this.listRoutes = new ListRoutes(readModel, readYourWrites, queries, waitingReasons);
    this.resultRoutes = new ResultRoutes(readModel, readYourWrites, queries, settings.limits());
    this.workerRoutes = new WorkerRoutes(workers, queries);
    this.eventRoutes =
        new EventRoutes(
            changes,
            new OutputEvents(liveOutput),
            queries,
            settings.events().maxStreams(),
            settings.events().heartbeat());
    this.clusterRoutes = new ClusterRoutes(cluster, metrics);
    this.dashboardRoutes =
        new DashboardRoutes(
            readModel, settings.projection().activityHistory(), System::currentTimeMillis);
    this.metrics = metrics;
    this.guard =
        new Guard(
            TokenSources.load(settings.auth()),
            new RateLimiter(settings.auth().requestsPerSecond()),
            new FailureLimiter(settings.auth().failuresPerMinute()),
            new OwnNames(
                settings.http().host(), settings.http().tls(), settings.http().allowedHosts()));
  }

  public Route route() {
    return timed(
        () ->
            withRequestTimeoutResponse(
                request -> SecurityHeaders.addTo(REQUEST_TIMED_OUT),
                () -> mapResponse(SecurityHeaders::addTo, this::routes)));
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
                        pathPrefix("api", () -> guard.protect(this::apiV1)),
                        uiRoutes.route())));
  }

  private Route apiV1() {
    return pathPrefix(
        "v1",
        () ->
            withoutTrailingSlash(
                () ->
                    concat(
                        clusterRoutes.api(),
                        dashboardRoutes.route(),
                        workerRoutes.route(),
                        limitRoutes.route(),
                        contractRoutes.route(),
                        eventRoutes.route(),
                        listRoutes.route(),
                        resultRoutes.route(),
                        jobRoutes.route(),
                        timelineRoutes.route(),
                        taskRoutes.route(),
                        taskLogRoutes.route(),
                        actionRoutes.route(),
                        scheduleRoutes.route())));
  }

  /**
   * A trailing slash names the same route (SEMANTICS.md section 7, "Paths"): the original's README
   * wrote {@code POST /api/v1/jobs/}. Not a redirect, which Go's client follows with a GET.
   */
  private Route withoutTrailingSlash(java.util.function.Supplier<Route> inner) {
    return mapRequestContext(
        context ->
            context.mapUnmatchedPath(
                path ->
                    path.length() > 1 && path.endsWith("/")
                        ? path.substring(0, path.length() - 1)
                        : path),
        inner);
  }

  /** Listens at the configured address: HTTPS when a certificate and key are configured. */
  public CompletionStage<ServerBinding> bind(ActorSystem<?> system, IgorSettings.Http http) {
    ServerBuilder server = Http.get(system).newServerAt(http.host(), http.port());
    if (http.tls()) {
      server =
          server.enableHttps(
              ConnectionContext.httpsServer(
                  PemFiles.serverContext(
                      Path.of(http.tlsCertificateFile()), Path.of(http.tlsPrivateKeyFile()))));
    }
    return server
        .bind(route())
        .thenApply(
            binding -> {
              guard.boundTo(binding.localAddress().getPort());
              return binding;
            });
  }
}
