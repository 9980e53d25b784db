package igor.config;

import com.typesafe.config.Config;
import igor.domain.OutcomeLimits;
import igor.domain.PlanBounds;
import igor.domain.RetryPolicy;
import igor.domain.TaskDefaults;
import igor.entity.EntitySettings;
import igor.queue.ProtocolDefaults;
import igor.queue.redis.KeyBounds;
import igor.queue.redis.RedisSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;

/** Every setting under {@code igor { }}, read once at start (igor.conf documents each). */
public record IgorSettings(
    Node node,
    Http http,
    Database database,
    RedisSettings redis,
    Jobs jobs,
    Reports reports,
    Worker worker,
    Limits limits,
    Auth auth,
    Projection projection,
    Events events,
    Retention retention,
    Reads reads,
    Idempotency idempotency,
    Path devDataDir) {

  /** What this node runs: a subset of {@link #ROLES}. */
  public record Node(Set<String> roles) {
    public static final String API = "api";
    public static final String JOBS = "jobs";
    public static final String WORKER = "worker";
    public static final Set<String> ROLES = Set.of(API, JOBS, WORKER);

    public Node {
      roles = Set.copyOf(roles);
      for (String role : roles) {
        if (!ROLES.contains(role)) {
          throw new IllegalArgumentException(
              "igor.node.roles: unknown role '" + role + "'; roles are api, jobs and worker");
        }
      }
      if (roles.isEmpty()) {
        throw new IllegalArgumentException(
            "igor.node.roles: give at least one of api, jobs, worker");
      }
    }

    public boolean has(String role) {
      return roles.contains(role);
    }
  }

  /** The HTTP API's address; HTTPS when both TLS files are set (empty strings: plain HTTP). */
  /**
   * allowedHosts: more names the node answers to in open mode (docs/security.md#open-mode), each
   * "name" (any port) or "name:port"; "*" takes any Host. askResendAfter: how long a read of a job
   * waits for its answer before it is sent again (JobGateway#askResending).
   */
  public record Http(
      String host,
      int port,
      Duration askTimeout,
      Duration askResendAfter,
      String tlsCertificateFile,
      String tlsPrivateKeyFile,
      java.util.List<String> allowedHosts) {
    public Http {
      allowedHosts = java.util.List.copyOf(allowedHosts);
      if (tlsCertificateFile.isBlank() != tlsPrivateKeyFile.isBlank()) {
        throw new IllegalArgumentException(
            "igor.http.tls: set both certificate-file and private-key-file, or neither");
      }
    }

    public boolean tls() {
      return !tlsCertificateFile.isBlank();
    }

    /** http or https. */
    public String scheme() {
      return tls() ? "https" : "http";
    }
  }

  public record Database(
      String url, String user, String password, int maxPoolSize, boolean migrateOnStart) {}

  /**
   * What job entities decide with; {@code tasksPerEvent} bounds the tasks one journaled event names
   * (a creation, a queuing, and a pause, kill, retry or skip of a layer or job).
   */
  public record Jobs(
      int defaultRetries,
      int defaultTimeoutSeconds,
      RetryPolicy retryPolicy,
      int snapshotEveryEvents,
      Duration idleAfterFinish,
      Duration redeliveryDelay,
      Duration unclaimedRedeliveryAfter,
      int tasksPerEvent) {
    /** The most tasks one event may name: 10,000 ids make a journal row of about 400 KB. */
    public static final int MAX_TASKS_PER_EVENT = 10_000;

    /** What a task that names no retries or time-out gets. */
    public TaskDefaults taskDefaults() {
      return new TaskDefaults(defaultRetries, defaultTimeoutSeconds);
    }
  }

  /**
   * How long Igor's per-attempt keys live in Redis and what the dead letters keep, from the worker
   * and reports settings.
   */
  public KeyBounds keyBounds() {
    return new KeyBounds(
        worker.claimTtl(),
        worker.claimLinger(),
        reports.deadLetterExcerptChars(),
        reports.deadLettersKept(),
        reports.deadLetterMaxAge());
  }

  /** What job entities need, from the jobs and worker settings. */
  public EntitySettings entitySettings() {
    return new EntitySettings(
        jobs.snapshotEveryEvents(),
        jobs.idleAfterFinish(),
        jobs.redeliveryDelay(),
        worker.lease(),
        jobs.unclaimedRedeliveryAfter());
  }

  /**
   * How nodes read worker reports: batches, waits (a {@code started} report read alone waits at
   * most {@code startLinger} for its outcome, to be journaled with it), and the largest outcome
   * applied ({@code outcomeLimits}, also told to the built-in worker); a dead letter keeps at most
   * {@code deadLetterExcerptChars} characters of the message it sets aside, and the list of them at
   * most {@code deadLettersKept} entries, none older than {@code deadLetterMaxAge} for long. A
   * batch is handed to its jobs for at most {@code applyTimeout}, shorter than {@code
   * reclaimAfter}.
   */
  public record Reports(
      int batchSize,
      Duration pollWait,
      Duration startLinger,
      Duration reclaimAfter,
      OutcomeLimits outcomeLimits,
      int deadLetterExcerptChars,
      Duration applyTimeout,
      int deadLettersKept,
      Duration deadLetterMaxAge) {
    public Reports {
      if (startLinger.isNegative() || startLinger.compareTo(Duration.ofSeconds(1)) > 0) {
        throw new IllegalArgumentException(
            "igor.reports.start-linger (IGOR_REPORTS_START_LINGER) must be from 0s to 1s, got "
                + startLinger);
      }
      if (applyTimeout.isZero()
          || applyTimeout.isNegative()
          || applyTimeout.compareTo(reclaimAfter) >= 0) {
        throw new IllegalArgumentException(
            "igor.reports.apply-timeout (IGOR_REPORTS_APPLY_TIMEOUT) must be more than 0s and"
                + " shorter than igor.reports.reclaim-after ("
                + reclaimAfter
                + "), got "
                + applyTimeout);
      }
    }
  }

  /** API tokens (comma-separated subject:token:role, and/or a file of them) and their rate. */
  /**
   * failuresPerMinute: wrong or missing tokens allowed per client address and minute (as a bucket
   * of that size refilled evenly), 0 for no limit.
   */
  public record Auth(
      String tokens,
      String tokensFile,
      boolean allowOpen,
      double requestsPerSecond,
      double failuresPerMinute) {}

  /**
   * {@code claimTtl}: a claim's life unless renewed with its lease (longer than {@code lease});
   * {@code claimLinger}: what is left of it once its attempt's final report was read.
   */
  public record Worker(
      int concurrency,
      Duration pollWait,
      Duration claimTtl,
      Duration claimLinger,
      Duration lease,
      Duration leaseCheckInterval,
      Duration queueCheckInterval,
      Duration shutdownGrace) {}

  /**
   * The read model's projection: events are written in groups of at most groupSize. It counts the
   * attempts started, ended and failed per 10 s for activityHistory: how far back the dashboard
   * reaches.
   */
  public record Projection(
      boolean enabled, int groupSize, Duration groupWithin, Duration activityHistory) {}

  /**
   * GET /api/v1/events: at most maxStreams open per node, a heartbeat comment after heartbeat of
   * silence, changes held for reorderWindow to hand them on in journal order.
   */
  public record Events(int maxStreams, Duration heartbeat, Duration reorderWindow) {}

  /**
   * Reads filtered by ids wait at most waitForWrites (zero: not at all) for the read model to apply
   * the writes answered before them, looking every pollInterval; up to maxJobsPerWait jobs each
   * job's own last event is awaited, above that the last event of their tag slices.
   */
  public record Reads(Duration waitForWrites, Duration pollInterval, int maxJobsPerWait) {
    public Reads {
      if (waitForWrites.isNegative()) {
        throw new IllegalArgumentException("igor.reads.wait-for-writes must be 0s or more");
      }
      if (pollInterval.isZero() || pollInterval.isNegative()) {
        throw new IllegalArgumentException("igor.reads.poll-interval must be more than 0s");
      }
      if (maxJobsPerWait < 1) {
        throw new IllegalArgumentException("igor.reads.max-jobs-per-wait must be 1 or more");
      }
    }

    public boolean waits() {
      return !waitForWrites.isZero();
    }

    /** The same settings without any wait (a read model that does not follow the journal). */
    public Reads withoutWaiting() {
      return new Reads(Duration.ZERO, pollInterval, maxJobsPerWait);
    }
  }

  /**
   * Removal of finished jobs: those in one of statuses whose last change is older than
   * finishedAfter (null: never), batchSize jobs per run, a run every interval.
   */
  public record Retention(
      Duration finishedAfter,
      java.util.Set<igor.domain.Status> statuses,
      int batchSize,
      Duration interval) {
    public Retention {
      statuses = java.util.Set.copyOf(statuses);
    }

    public boolean enabled() {
      return finishedAfter != null;
    }
  }

  /**
   * Idempotency keys of submits (docs/semantics.md, "Idempotent submits"): a key answers what it
   * created for {@code window}; keys are {@code maxKeyLength} characters at most; expired keys are
   * removed {@code sweepBatchSize} at a time every {@code sweepInterval}.
   */
  public record Idempotency(
      Duration window, int maxKeyLength, Duration sweepInterval, int sweepBatchSize) {
    /** The longest key the setting may allow: index entries of PostgreSQL stay well bounded. */
    public static final int MAX_KEY_LENGTH_CEILING = 1000;

    public Idempotency {
      if (window.compareTo(Duration.ofSeconds(1)) < 0) {
        refuse("igor.idempotency.window must be at least 1s, got " + window);
      }
      if (maxKeyLength < 1 || maxKeyLength > MAX_KEY_LENGTH_CEILING) {
        refuse(
            "igor.idempotency.max-key-length must be from 1 to "
                + MAX_KEY_LENGTH_CEILING
                + ", got "
                + maxKeyLength);
      }
      if (sweepInterval.toMillis() < 1) {
        refuse("igor.idempotency.sweep-interval must be at least 1ms, got " + sweepInterval);
      }
      if (sweepBatchSize < 1) {
        refuse("igor.idempotency.sweep-batch-size must be 1 or more, got " + sweepBatchSize);
      }
    }

    static Idempotency from(Config c) {
      return new Idempotency(
          c.getDuration("window"),
          c.getInt("max-key-length"),
          c.getDuration("sweep-interval"),
          c.getInt("sweep-batch-size"));
    }
  }

  public static IgorSettings from(Config root) {
    FailoverSettings.from(root); // refuses, at start, failover settings without a margin
    Config c = root.getConfig("igor");
    Limits limits = Limits.from(c.getConfig("limits"));
    return new IgorSettings(
        new Node(new java.util.LinkedHashSet<>(c.getStringList("node.roles"))),
        new Http(
            c.getString("http.host"),
            c.getInt("http.port"),
            askTimeout(root),
            askResendAfter(c),
            c.getString("http.tls.certificate-file"),
            c.getString("http.tls.private-key-file"),
            java.util.Arrays.stream(c.getString("http.allowed-hosts").split(","))
                .map(String::trim)
                .filter(h -> !h.isEmpty())
                .toList()),
        new Database(
            c.getString("database.url"),
            c.getString("database.user"),
            c.getString("database.password"),
            c.getInt("database.max-pool-size"),
            c.getBoolean("database.migrate-on-start")),
        new RedisSettings(
            c.getString("redis.url"),
            c.getString("redis.password"),
            c.getString("redis.key-prefix"),
            c.getInt("redis.connection-pool-size"),
            c.getString("redis.tls-ca-file")),
        new Jobs(
            defaultRetries(c, limits.planBounds()),
            defaultTimeoutSeconds(c, limits.planBounds()),
            new RetryPolicy(
                c.getDuration("jobs.retry-initial-delay").toMillis(),
                timerDelay(c, "jobs.retry-max-delay").toMillis()),
            c.getInt("jobs.snapshot-every-events"),
            c.getDuration("jobs.idle-after-finish"),
            c.getDuration("jobs.redelivery-delay"),
            unclaimedRedeliveryAfter(c),
            tasksPerEvent(c)),
        new Reports(
            c.getInt("reports.batch-size"),
            c.getDuration("reports.poll-wait"),
            c.getDuration("reports.start-linger"),
            c.getDuration("reports.reclaim-after"),
            new OutcomeLimits(
                positiveInt(c, "reports.max-result-bytes"),
                positiveInt(c, "reports.max-message-bytes")),
            positiveInt(c, "reports.dead-letter-excerpt-chars"),
            c.getDuration("reports.apply-timeout"),
            positiveInt(c, "reports.dead-letters-kept"),
            positiveDuration(c, "reports.dead-letter-max-age")),
        new Worker(
            c.getInt("worker.concurrency"),
            c.getDuration("worker.poll-wait"),
            claimTtl(c),
            positiveDuration(c, "worker.claim-linger"),
            durationOr(c, "worker.lease", ProtocolDefaults.LEASE),
            c.getDuration("worker.lease-check-interval"),
            c.getDuration("worker.queue-check-interval"),
            c.getDuration("worker.shutdown-grace")),
        limits,
        new Auth(
            c.getString("auth.tokens"),
            c.getString("auth.tokens-file"),
            c.getBoolean("auth.allow-open"),
            c.getDouble("auth.requests-per-second"),
            c.getDouble("auth.failures-per-minute")),
        new Projection(
            c.getBoolean("projection.enabled"),
            c.getInt("projection.group-size"),
            c.getDuration("projection.group-within"),
            positiveDuration(c, "projection.activity-history")),
        new Events(
            c.getInt("events.max-streams"),
            c.getDuration("events.heartbeat"),
            c.getDuration("events.reorder-window")),
        retention(c.getConfig("retention")),
        new Reads(
            c.getDuration("reads.wait-for-writes"),
            c.getDuration("reads.poll-interval"),
            c.getInt("reads.max-jobs-per-wait")),
        Idempotency.from(c.getConfig("idempotency")),
        devDataDir(c, System.getenv("HOME"), System.getProperty("user.home")));
  }

  /**
   * igor.dev.data-dir (IGOR_DATA_DIR) when set, else .igor/dev in the home directory: $HOME, as a
   * shell user expects ({@code ~}), and Java's user.home (from the password file) without it.
   */
  static Path devDataDir(Config c, String homeVariable, String userHome) {
    if (c.hasPath("dev.data-dir")) {
      return Path.of(c.getString("dev.data-dir"));
    }
    String home = homeVariable == null || homeVariable.isBlank() ? userHome : homeVariable;
    return Path.of(home, ".igor", "dev");
  }

  /**
   * igor.http.ask-timeout, shorter than pekko-http's request time-out: otherwise a request whose
   * job does not answer gets pekko-http's generic 503 first, not the ask's, which says that a
   * change asked for may still be made.
   */
  private static Duration askTimeout(Config root) {
    Duration ask = root.getDuration("igor.http.ask-timeout");
    String requestTimeout = "pekko.http.server.request-timeout";
    if (root.hasPath(requestTimeout)
        && !root.getString(requestTimeout).equals("infinite")
        && ask.compareTo(root.getDuration(requestTimeout)) >= 0) {
      refuse(
          "igor.http.ask-timeout ("
              + ask
              + ") must be shorter than pekko.http.server.request-timeout ("
              + root.getDuration(requestTimeout)
              + "): raise IGOR_HTTP_REQUEST_TIMEOUT with it");
    }
    return ask;
  }

  /** igor.jobs.unclaimed-redelivery-after: 1 s or more, and a timer Pekko takes. */
  private static Duration unclaimedRedeliveryAfter(Config c) {
    Duration after = timerDelay(c, "jobs.unclaimed-redelivery-after");
    if (after.compareTo(Duration.ofSeconds(1)) < 0) {
      refuse("igor.jobs.unclaimed-redelivery-after must be 1s or more, got " + after);
    }
    return after;
  }

  /** igor.http.ask-resend-after: more than 0s (as long as the ask time-out: never resent). */
  private static Duration askResendAfter(Config c) {
    Duration resendAfter = c.getDuration("http.ask-resend-after");
    if (resendAfter.isZero() || resendAfter.isNegative()) {
      refuse(
          "igor.http.ask-resend-after must be more than 0s (IGOR_HTTP_ASK_RESEND_AFTER; as long"
              + " as igor.http.ask-timeout: never sent again), got "
              + resendAfter);
    }
    return resendAfter;
  }

  /** igor.jobs.default-retries, within igor.limits.max-task-retries. */
  private static int defaultRetries(Config c, PlanBounds bounds) {
    long retries = c.getLong("jobs.default-retries");
    bounds.retriesProblem(retries).ifPresent(p -> refuse("igor.jobs.default-retries " + p));
    return (int) retries;
  }

  /** igor.jobs.default-timeout in whole seconds, within igor.limits.max-task-timeout. */
  private static int defaultTimeoutSeconds(Config c, PlanBounds bounds) {
    Duration timeout = c.getDuration("jobs.default-timeout");
    if (timeout.toNanosPart() != 0) {
      refuse("igor.jobs.default-timeout must be whole seconds, got " + timeout);
    }
    bounds
        .timeoutProblem(timeout.getSeconds())
        .ifPresent(p -> refuse("igor.jobs.default-timeout " + p));
    return (int) timeout.getSeconds();
  }

  /** A duration that becomes a timer: at most PlanBounds.TIMER_CEILING_SECONDS. */
  private static Duration timerDelay(Config c, String path) {
    Duration delay = c.getDuration(path);
    if (delay.isNegative() || delay.getSeconds() >= PlanBounds.TIMER_CEILING_SECONDS) {
      refuse(
          "igor."
              + path
              + " must be from 0s to "
              + PlanBounds.TIMER_CEILING_SECONDS
              + "s (180 days), got "
              + delay);
    }
    return delay;
  }

  private static void refuse(String problem) {
    throw new IllegalArgumentException(problem);
  }

  private static Retention retention(Config r) {
    String after = r.getString("finished-after").trim();
    Duration finishedAfter =
        after.isEmpty() || after.equalsIgnoreCase("off") ? null : r.getDuration("finished-after");
    java.util.Set<igor.domain.Status> statuses =
        java.util.EnumSet.of(igor.domain.Status.COMPLETED, igor.domain.Status.SKIPPED);
    if (r.getBoolean("include-errored")) {
      statuses.add(igor.domain.Status.ERRORED);
    }
    if (finishedAfter != null && finishedAfter.compareTo(Duration.ofMinutes(1)) < 0) {
      throw new IllegalArgumentException(
          "igor.retention.finished-after must be at least 1m (or off), got " + after);
    }
    return new Retention(
        finishedAfter, statuses, r.getInt("batch-size"), r.getDuration("interval"));
  }

  private static int tasksPerEvent(Config c) {
    int value = c.getInt("jobs.tasks-per-event");
    if (value < 1 || value > Jobs.MAX_TASKS_PER_EVENT) {
      throw new com.typesafe.config.ConfigException.BadValue(
          c.origin(),
          "igor.jobs.tasks-per-event",
          "must be from 1 to " + Jobs.MAX_TASKS_PER_EVENT + ", got " + value);
    }
    return value;
  }

  /**
   * igor.worker.claim-ttl (unset: the protocol's default): longer than the lease it is renewed
   * with.
   */
  private static Duration claimTtl(Config c) {
    Duration ttl = durationOr(c, "worker.claim-ttl", ProtocolDefaults.CLAIM_TTL);
    Duration lease = durationOr(c, "worker.lease", ProtocolDefaults.LEASE);
    if (ttl.toMillis() < 1 || ttl.compareTo(lease) <= 0) {
      refuse(
          "igor.worker.claim-ttl ("
              + ttl
              + ") must be longer than igor.worker.lease ("
              + lease
              + "), with which it is renewed");
    }
    return ttl;
  }

  /** A duration of at least a millisecond. */
  private static Duration positiveDuration(Config c, String path) {
    Duration value = c.getDuration(path);
    if (value.toMillis() < 1) {
      refuse("igor." + path + " must be at least 1ms, got " + value);
    }
    return value;
  }

  /** A duration the config may leave unset, taking a default defined in code. */
  private static Duration durationOr(Config c, String path, Duration otherwise) {
    return c.hasPath(path) ? c.getDuration(path) : otherwise;
  }

  /** A whole number of bytes or characters, from 1 to 2^31 - 1 (sizes such as 1MiB are read). */
  private static int positiveInt(Config c, String path) {
    long value = c.getBytes(path);
    if (value < 1 || value > Integer.MAX_VALUE) {
      throw new com.typesafe.config.ConfigException.BadValue(
          c.origin(), "igor." + path, "must be from 1 to " + Integer.MAX_VALUE);
    }
    return (int) value;
  }
}
