package igor.app;

import com.typesafe.config.Config;
import igor.config.FlowSettings;
import igor.config.IgorSettings;
import igor.config.ScheduleSettings;
import igor.config.TaskOutputSettings;
import igor.config.TracingSettings;
import igor.domain.JobDecider;
import igor.domain.ScheduleDecider;
import igor.entity.JobBehavior;
import igor.entity.JobTags;
import igor.entity.ScheduleBehavior;
import igor.http.ApiServer;
import igor.metrics.IgorMetrics;
import igor.metrics.MetricsPoller;
import igor.queue.FlowControl;
import igor.queue.QueueKeeping;
import igor.queue.ReportInbox;
import igor.queue.TaskOutputChannel;
import igor.queue.redis.RedisFlowControl;
import igor.queue.redis.RedisQueues;
import igor.queue.redis.RedisSettings;
import igor.schedule.CronDueTimes;
import igor.service.ClusterIgor;
import igor.service.ClusterService;
import igor.service.IdempotentJobs;
import igor.service.JobGateway;
import igor.service.JobService;
import igor.service.LimitKeeper;
import igor.service.QueueKeeper;
import igor.service.ReadYourWrites;
import igor.service.ReportRouter;
import igor.service.RetentionKeeper;
import igor.service.ScheduleService;
import igor.service.ScheduledJobsOverJobService;
import igor.service.TaskOutputRouter;
import igor.service.WorkerWatch;
import igor.storage.ReadModel;
import igor.storage.jdbc.JdbcStorage;
import igor.tracing.NodeTracing;
import igor.worker.api.TaskHandler;
import igor.worker.internal.WorkerRuntime;
import io.opentelemetry.api.OpenTelemetry;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.Done;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.Cancellable;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Igor node: the one place where the parts are made and wired. It opens PostgreSQL and Redis,
 * migrates the schema, joins the cluster, and starts what its roles ask (igor.node.roles): "jobs"
 * hosts the job entities' shards, the report router, the queue keeper and the read model's
 * projection; "api" serves HTTP; "worker" runs the given handlers in the process. Every node has
 * the metrics and a sharding proxy. Everything stops in order through Pekko's coordinated shutdown.
 */
public final class IgorNode implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(IgorNode.class);

  /** How long /readyz waits for PostgreSQL and Redis to answer. */
  private static final Duration READY_CHECK_TIMEOUT = Duration.ofSeconds(2);

  private final ActorSystem<Void> system;
  private final ServerBinding binding;
  private final JobService jobs;

  private final RetentionKeeper retention;
  private final ClusterIgor igor;
  private final IdempotentJobs idempotentJobs;

  private IgorNode(
      ActorSystem<Void> system,
      ServerBinding binding,
      JobService jobs,
      RetentionKeeper retention,
      ClusterIgor igor,
      IdempotentJobs idempotentJobs) {
    this.system = system;
    this.binding = binding;
    this.jobs = jobs;
    this.retention = retention;
    this.igor = igor;
    this.idempotentJobs = idempotentJobs;
  }

  /**
   * Starts a node; with handlers, it also runs a worker for them. A node that fails to start (bad
   * settings, a server not answering) closes whatever it had opened before the failure: in an
   * embedding JVM its actor system would otherwise go on writing to Redis and holding connections.
   */
  public static IgorNode start(Config config, List<TaskHandler> workerHandlers) {
    return start(config, workerHandlers, null);
  }

  /**
   * As {@link #start(Config, List)}, tracing with {@code tracing} (tests, an embedding
   * application); null: as igor.tracing says (docs/operations.md#tracing).
   */
  public static IgorNode start(
      Config config, List<TaskHandler> workerHandlers, NodeTracing tracing) {
    IgorSettings settings = IgorSettings.from(config);
    if (tracing == null) {
      tracing =
          NodeTracing.from(
              TracingSettings.from(config), ManagementFactory.getRuntimeMXBean().getName());
    }
    JdbcStorage storage = JdbcStorage.open(settings.database());
    RedisQueues redis = null;
    ActorSystem<Void> system = null;
    try {
      if (settings.database().migrateOnStart()) {
        storage.migrate();
      }
      storage.warnWhenAutovacuumIsOff();
      redis = RedisQueues.open(redisOf(settings, workerHandlers), settings.keyBounds());
      system = ActorSystem.create(Behaviors.empty(), "igor", config);
      return wire(system, settings, storage, redis, workerHandlers, tracing);
    } catch (RuntimeException e) {
      if (system != null) {
        system.terminate();
        try {
          system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (Exception stillStopping) {
          e.addSuppressed(stillStopping);
        }
      }
      if (redis != null) {
        redis.close();
      }
      storage.close();
      tracing.close();
      throw e;
    }
  }

  private static IgorNode wire(
      ActorSystem<Void> system,
      IgorSettings settings,
      JdbcStorage storage,
      RedisQueues redis,
      List<TaskHandler> workerHandlers,
      NodeTracing tracing) {
    IgorSettings.Node node = settings.node();
    Cluster cluster = Cluster.get(system);
    if (system.settings().config().getStringList("pekko.cluster.seed-nodes").isEmpty()) {
      cluster.manager().tell(Join.create(cluster.selfMember().address()));
    }
    IgorMetrics metrics = new IgorMetrics();
    FlowSettings flowSettings = FlowSettings.from(system.settings().config());
    RedisFlowControl flow =
        redis.flowControl(
            flowSettings.urgencyStep(),
            flowSettings.admissionScan(),
            flowSettings.slotGrace(),
            flowSettings.autoOrder(),
            flowSettings.autoOrderKeep(),
            // an ordered type's slots written every lease check live ten of them (at least 10 s)
            Duration.ofMillis(
                Math.max(10_000, settings.worker().leaseCheckInterval().toMillis() * 10)));
    LimitKeeper limits = new LimitKeeper(storage.limitRecords(), flow, flowSettings.limits());
    limits.reconcile(true).toCompletableFuture().join();
    Cancellable flowRefresh =
        system
            .scheduler()
            .scheduleWithFixedDelay(
                settings.worker().leaseCheckInterval(),
                settings.worker().leaseCheckInterval(),
                () ->
                    limits
                        .reconcile(false)
                        .whenComplete(
                            (ok, failure) -> {
                              if (failure == null) {
                                metrics.flowLimits(flow.lastUsage());
                              } else {
                                log.warn(
                                    "flow control refresh failed problem={}", failure.toString());
                              }
                            }),
                system.executionContext());
    // On every node: where the role "jobs" is missing this is a proxy to the members that have it.
    JobBehavior.init(
        system,
        new JobBehavior.Dependencies(
            redis.taskQueue(),
            new JobDecider(
                settings.jobs().retryPolicy(),
                settings.limits().maxTasksPerJob(),
                settings.limits().planBounds(),
                settings.jobs().tasksPerEvent()),
            settings.entitySettings(),
            System::currentTimeMillis,
            metrics,
            tracing.openTelemetry().getTracer("igor.node")),
        IgorSettings.Node.JOBS);

    JobGateway gateway =
        new JobGateway(system, storage.directory(), settings.http().askResendAfter());
    CoordinatedShutdown shutdown = CoordinatedShutdown.get(system);
    RetentionKeeper retention =
        new RetentionKeeper(
            system,
            gateway,
            storage.retention(),
            settings.retention(),
            settings.http().askTimeout());
    if (node.has(IgorSettings.Node.JOBS)) {
      startJobsRole(system, settings, storage, redis, gateway, metrics, retention, shutdown);
    }
    MetricsPoller poller =
        new MetricsPoller(
                metrics,
                redis.keeping(),
                settings.projection().enabled()
                    ? now -> storage.projectionLagMillis(JobTags.all(), now)
                    : null,
                () -> storage.readModel().waiting().thenApply(IgorNode::oldestQueued))
            .start(system);
    stopWith(shutdown, CoordinatedShutdown.PhaseServiceStop(), "igor-metrics-poller", poller::stop);
    WorkerWatch workers =
        new WorkerWatch(redis.workerRegistry(), metrics::workers)
            .start(system, settings.worker().leaseCheckInterval());
    stopWith(shutdown, CoordinatedShutdown.PhaseServiceStop(), "igor-worker-watch", workers::stop);
    stopWith(
        shutdown, CoordinatedShutdown.PhaseServiceStop(), "igor-flow-refresh", flowRefresh::cancel);

    JobService jobs =
        new JobService(system, gateway, storage.directory(), settings.http().askTimeout());
    IdempotentJobs idempotentJobs =
        new IdempotentJobs(
            system,
            jobs,
            storage.directory(),
            storage.idempotencyKeys(),
            settings.idempotency().window());
    if (node.has(IgorSettings.Node.JOBS)) {
      idempotentJobs.startSweeping(
          system, settings.idempotency().sweepInterval(), settings.idempotency().sweepBatchSize());
      stopWith(
          shutdown,
          CoordinatedShutdown.PhaseServiceStop(),
          "igor-idempotency-sweep",
          idempotentJobs::stopSweeping);
    }
    ScheduleService schedules =
        startSchedules(
            system,
            ScheduleSettings.from(system.settings().config()),
            settings,
            storage,
            jobs,
            metrics);
    ServerBinding binding = null;
    if (node.has(IgorSettings.Node.API)) {
      binding =
          startApiRole(
              system,
              settings,
              storage,
              redis,
              jobs,
              idempotentJobs,
              schedules,
              metrics,
              workers,
              tracing.openTelemetry(),
              limits);
      ServerBinding bound = binding;
      shutdown.addTask(
          CoordinatedShutdown.PhaseServiceUnbind(),
          "igor-http-unbind",
          () -> bound.unbind().thenApply(x -> Done.getInstance()));
    }
    if (node.has(IgorSettings.Node.WORKER) && !workerHandlers.isEmpty()) {
      WorkerRuntime worker =
          startWorker(settings, redis, workerHandlers, binding)
              .tracedBy(tracing.openTelemetry())
              .start();
      // before the keepers stop, so that the attempts it gives back reach their jobs
      stopWith(
          shutdown,
          CoordinatedShutdown.PhaseServiceRequestsDone(),
          "igor-worker",
          () -> worker.stop(settings.worker().shutdownGrace()));
    }

    system
        .getWhenTerminated()
        .thenRun(
            () -> {
              redis.close();
              storage.close();
              tracing.close();
            });
    log.info(
        "igor node started roles={} http={} cluster={}",
        String.join(",", new TreeSet<>(node.roles())),
        binding == null
            ? "none"
            : settings.http().scheme()
                + "://"
                + settings.http().host()
                + ":"
                + binding.localAddress().getPort(),
        cluster.selfMember().address());
    ClusterIgor igor =
        new ClusterIgor(
            jobs,
            schedules,
            settings.limits(),
            ScheduleSettings.from(system.settings().config()),
            settings.jobs().taskDefaults(),
            settings.http().askTimeout().plusSeconds(1));
    return new IgorNode(system, binding, jobs, retention, igor, idempotentJobs);
  }

  private static Map<String, Long> oldestQueued(List<ReadModel.Waiting> waiting) {
    Map<String, Long> oldest = new java.util.TreeMap<>();
    waiting.stream()
        .filter(w -> w.oldestQueuedAt() > 0)
        .forEach(w -> oldest.put(w.type(), w.oldestQueuedAt()));
    return oldest;
  }

  /**
   * The role "jobs": the queue's keeper, the read model's projection, the report router and
   * retention, each stopped by a named task of the service-stop phase.
   */
  private static void startJobsRole(
      ActorSystem<Void> system,
      IgorSettings settings,
      JdbcStorage storage,
      RedisQueues redis,
      JobGateway gateway,
      IgorMetrics metrics,
      RetentionKeeper retention,
      CoordinatedShutdown shutdown) {
    QueueKeeper keeper =
        new QueueKeeper(system, redis.keeping(), settings.worker().lease())
            .start(settings.worker().leaseCheckInterval(), settings.worker().queueCheckInterval());
    stopWith(shutdown, CoordinatedShutdown.PhaseServiceStop(), "igor-queue-keeper", keeper::stop);
    if (settings.projection().enabled()) {
      storage
          .readModelProjection()
          .start(
              system,
              IgorSettings.Node.JOBS,
              JobTags.all(),
              settings.projection().groupSize(),
              settings.projection().groupWithin(),
              settings.projection().activityHistory(),
              metrics::projectionFailure);
    }
    String self = reader(Cluster.get(system).selfMember().address());
    ReportInbox inbox =
        redis.reportInbox(
            self, settings.reports().reclaimAfter(), settings.reports().outcomeLimits());
    TaskOutputSettings output = TaskOutputSettings.from(system.settings().config());
    TaskOutputChannel outputs =
        redis.taskOutput(self, output.reclaimAfter(), output.maxLineBytes());
    // a node that died at this address (a restart, or a whole cluster started again) left these
    inbox.takeOverFrom(self);
    outputs.takeOverFrom(self);
    RemovedMembers.subscribe(
        system,
        "igor-removed-members",
        removed -> {
          log.info("taking over what a removed node read and did not apply node={}", removed);
          inbox.takeOverFrom(reader(removed));
          outputs.takeOverFrom(reader(removed));
        });
    ReportRouter router =
        new ReportRouter(
                inbox,
                gateway,
                metrics,
                settings.reports().batchSize(),
                settings.reports().pollWait(),
                settings.reports().startLinger(),
                settings.reports().applyTimeout(),
                system.executionContext())
            .start();
    stopWith(
        shutdown,
        CoordinatedShutdown.PhaseServiceStop(),
        "igor-report-router",
        () -> router.stop().toCompletableFuture().orTimeout(5, TimeUnit.SECONDS).join());
    TaskOutputRouter outputRouter =
        new TaskOutputRouter(
                outputs,
                storage.taskOutput(output.linesPerAttempt()),
                output.batchSize(),
                output.pollWait())
            .start();
    stopWith(
        shutdown,
        CoordinatedShutdown.PhaseServiceStop(),
        "igor-task-output-router",
        outputRouter::stop);
    if (settings.retention().enabled()) {
      retention.start();
      stopWith(shutdown, CoordinatedShutdown.PhaseServiceStop(), "igor-retention", retention::stop);
    }
  }

  /** How a node of the role "jobs" at this address reads the report and task output streams. */
  private static String reader(Address node) {
    return "node-" + node.hostPort();
  }

  /** The role "api": readiness checks and the HTTP server, bound before this returns. */
  private static ServerBinding startApiRole(
      ActorSystem<Void> system,
      IgorSettings settings,
      JdbcStorage storage,
      RedisQueues redis,
      JobService jobs,
      IdempotentJobs idempotentJobs,
      ScheduleService schedules,
      IgorMetrics metrics,
      WorkerWatch workers,
      OpenTelemetry openTelemetry,
      FlowControl limits) {
    QueueKeeping queue = redis.keeping();
    TaskOutputSettings output = TaskOutputSettings.from(system.settings().config());
    ClusterService clusterService =
        new ClusterService(
            system,
            List.of(
                new ClusterService.Check("database", storage::answers),
                new ClusterService.Check("redis", queue::answers)),
            READY_CHECK_TIMEOUT);
    return bind(
        system,
        settings,
        new ApiServer(
            jobs,
            idempotentJobs,
            storage.readModel(),
            new ReadYourWrites(
                system,
                storage.directory(),
                storage.projectionProgress(),
                settings.projection().enabled()
                    ? settings.reads()
                    : settings.reads().withoutWaiting()),
            storage.changeFeed(system, settings.events().reorderWindow()),
            clusterService,
            metrics,
            workers,
            settings,
            schedules,
            ScheduleSettings.from(system.settings().config()),
            openTelemetry,
            storage.taskOutput(output.linesPerAttempt()),
            redis.taskOutput(
                "api-" + Cluster.get(system).selfMember().address().hostPort(),
                output.reclaimAfter(),
                output.maxLineBytes()),
            output.maxPageLines(),
            limits));
  }

  /**
   * Schedules (docs/adr/0013-schedules.md): their entities' shards on the members with the role
   * "jobs" (a proxy elsewhere), each firing jobs through {@code jobs}.
   */
  private static ScheduleService startSchedules(
      ActorSystem<Void> system,
      ScheduleSettings scheduleSettings,
      IgorSettings settings,
      JdbcStorage storage,
      JobService jobs,
      IgorMetrics metrics) {
    ScheduleBehavior.init(
        system,
        new ScheduleBehavior.Dependencies(
            new ScheduleDecider(scheduleSettings.misfireAfter().toMillis()),
            spec -> CronDueTimes.of(spec.cron(), spec.zone()),
            new ScheduledJobsOverJobService(jobs),
            System::currentTimeMillis,
            metrics::scheduleFired,
            scheduleSettings.retryAfter(),
            scheduleSettings.snapshotEveryEvents()),
        IgorSettings.Node.JOBS);
    return new ScheduleService(
        system,
        storage.scheduleDirectory(),
        scheduleSettings,
        settings.http().askTimeout(),
        settings.http().askResendAfter());
  }

  /**
   * The role "worker": the built-in handlers, reaching the API of this node when it serves one. It
   * runs the SDK's runtime on the node's own Redis connection (one Redisson client per process).
   */
  /**
   * igor.redis, with one connection more per type of the node's worker: a worker waits on each of
   * its queues with a BLMOVE of its own, which holds a connection while it waits.
   */
  private static RedisSettings redisOf(IgorSettings settings, List<TaskHandler> workerHandlers) {
    RedisSettings r = settings.redis();
    if (!settings.node().has(IgorSettings.Node.WORKER) || workerHandlers.isEmpty()) {
      return r;
    }
    return new RedisSettings(
        r.url(),
        r.password(),
        r.keyPrefix(),
        r.connectionPoolSize() + workerHandlers.size(),
        r.tlsCaFile());
  }

  private static WorkerRuntime startWorker(
      IgorSettings settings, RedisQueues redis, List<TaskHandler> handlers, ServerBinding binding) {
    String apiUrl = WorkerProcess.apiUrl(settings);
    if (binding != null) {
      String host = settings.http().host();
      String apiHost = host.equals("0.0.0.0") || host.equals("::") ? "127.0.0.1" : host;
      apiUrl = settings.http().scheme() + "://" + apiHost + ":" + binding.localAddress().getPort();
    }
    return new WorkerRuntime(
        redis.workerChannel(),
        handlers,
        List.of(),
        WorkerProcess.workerSettings(
            settings.worker(), settings.reports().outcomeLimits(), apiUrl));
  }

  /**
   * A named task of the phase that runs {@code stop} (blocking: off the actor system's threads).
   */
  private static void stopWith(
      CoordinatedShutdown shutdown, String phase, String name, Runnable stop) {
    shutdown.addTask(
        phase,
        name,
        () ->
            CompletableFuture.supplyAsync(
                () -> {
                  stop.run();
                  return Done.getInstance();
                }));
  }

  private static ServerBinding bind(ActorSystem<?> system, IgorSettings settings, ApiServer api) {
    try {
      return api.bind(system, settings.http()).toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(
          "HTTP API could not listen on "
              + settings.http().host()
              + ":"
              + settings.http().port()
              + ": "
              + e.getMessage(),
          e);
    }
  }

  /** The HTTP port, or -1 when the node has no "api" role. */
  public int httpPort() {
    return binding == null ? -1 : binding.localAddress().getPort();
  }

  public JobService jobs() {
    return jobs;
  }

  /**
   * Job creation at most once per idempotency key: {@link IdempotentJobs#createOnce} for services
   * in the node that derive their own keys (e.g. schedules).
   */
  public IdempotentJobs idempotentJobs() {
    return idempotentJobs;
  }

  /** Retention of finished jobs (it runs on its own only when igor.retention is on). */
  public RetentionKeeper retention() {
    return retention;
  }

  /** The in-cluster API of this node, for JVM services running in it (no HTTP). */
  public ClusterIgor igor() {
    return igor;
  }

  public ActorSystem<Void> system() {
    return system;
  }

  /** Blocks until the node has stopped (by {@link #close()} or a signal). */
  public void awaitTermination() throws InterruptedException {
    try {
      system.getWhenTerminated().toCompletableFuture().get();
    } catch (java.util.concurrent.ExecutionException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    system.terminate();
    try {
      system.getWhenTerminated().toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      log.warn("node did not stop in time problem={}", e.toString());
    }
  }
}
