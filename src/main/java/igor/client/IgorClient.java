package igor.client;

import com.fasterxml.jackson.databind.JsonNode;
import igor.tls.PemFiles;
import igor.worker.api.TaskSpec;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * Igor's HTTP API v1 as Java calls, over {@code java.net.http}. Thread-safe; make one and share it.
 *
 * <pre>{@code
 * IgorClient igor = IgorClient.connect("http://127.0.0.1:8100");
 * Job job = igor.create(JobSpec.named("hello")
 *     .layer(LayerSpec.priority(0).task(TaskSpec.of("echo", "hi".getBytes()))));
 * Job done = igor.awaitFinished(job.id(), Duration.ofMinutes(1));
 * }</pre>
 *
 * <p>Reads (GET) that fail to connect, time out or get 502/503/504 are tried again with doubling
 * back-off, a bounded number of times ({@link Builder#retries}); writes are sent once, since
 * creating a job twice makes two jobs. Refusals are {@link IgorException} subclasses carrying the
 * HTTP status and Igor's message.
 *
 * <p>{@link #subscribe} follows the live stream of changes (GET /api/v1/events, Server-Sent
 * Events), reconnecting by itself after the last change it handed on, so nothing is missed.
 */
public final class IgorClient implements Igor {
  private final HttpClient http;
  private final String base;
  private final String token;
  private final Duration requestTimeout;
  private final int retries;
  private final Duration backoff;

  private IgorClient(Builder b) {
    HttpClient.Builder http = HttpClient.newBuilder().connectTimeout(b.connectTimeout);
    if (b.trustedCertificates != null) {
      http.sslContext(PemFiles.clientContext(b.trustedCertificates));
    }
    this.http = http.build();
    this.base = b.url.replaceAll("/+$", "");
    this.token = b.token == null || b.token.isBlank() ? null : b.token.trim();
    this.requestTimeout = b.requestTimeout;
    this.retries = b.retries;
    this.backoff = b.backoff;
  }

  /** A client of the Igor at this URL (e.g. {@code http://127.0.0.1:8100}) with the defaults. */
  public static IgorClient connect(String url) {
    return builder(url).build();
  }

  /** A builder of a client of the Igor at this URL. */
  public static Builder builder(String url) {
    return new Builder(url);
  }

  /** The settings of a client. Defaults: 5 s to connect, 30 s a request, 3 retries from 200 ms. */
  public static final class Builder {
    private final String url;
    private String token;
    private Duration connectTimeout = Duration.ofSeconds(5);
    private Duration requestTimeout = Duration.ofSeconds(30);
    private int retries = 3;
    private Duration backoff = Duration.ofMillis(200);
    private Path trustedCertificates;

    private Builder(String url) {
      URI uri = URI.create(Objects.requireNonNull(url, "url"));
      if (uri.getScheme() == null || !uri.getScheme().startsWith("http")) {
        throw new IllegalArgumentException("Igor's URL must be http:// or https://, got " + url);
      }
      this.url = url;
    }

    /** Sends {@code Authorization: Bearer <token>} with every request (null or blank: none). */
    public Builder token(String token) {
      this.token = token;
      return this;
    }

    /** How long to wait for a connection. */
    public Builder connectTimeout(Duration timeout) {
      this.connectTimeout = timeout;
      return this;
    }

    /** How long to wait for each answer. */
    public Builder requestTimeout(Duration timeout) {
      this.requestTimeout = timeout;
      return this;
    }

    /**
     * How many times a failed read, or a create or add of tasks that got no answer, is tried again
     * (0: never). Creates and adds are sent again with the same idempotency key.
     */
    public Builder retries(int retries) {
      if (retries < 0) {
        throw new IllegalArgumentException("retries must be 0 or more, got " + retries);
      }
      this.retries = retries;
      return this;
    }

    /** The wait before the first retry of a read; it doubles each time, up to 5 s. */
    public Builder backoff(Duration backoff) {
      this.backoff = backoff;
      return this;
    }

    /**
     * For an https URL whose certificate is not signed by a CA the JVM trusts (a private CA or a
     * self-signed certificate): trust exactly the CA certificates of this PEM file.
     */
    public Builder trustCertificates(Path pemFile) {
      this.trustedCertificates = Objects.requireNonNull(pemFile, "pemFile");
      return this;
    }

    /** The client. */
    public IgorClient build() {
      return new IgorClient(this);
    }
  }

  /** The base URL of the Igor this client talks to. */
  public String url() {
    return base;
  }

  /**
   * {@inheritDoc}
   *
   * <p>Safe to retry: it sends a new idempotency key, and sends the request again with the same key
   * when no answer came (a time-out, a lost connection, a 502, 503 or 504), up to {@code retries}
   * times: Igor creates the job once and answers it to each.
   */
  @Override
  public Job create(JobSpec job) {
    return create(job, newIdempotencyKey());
  }

  /**
   * Creates the job at most once per key (within Igor's igor.idempotency.window), whoever sends it
   * and however often: a key of the caller's, e.g. derived from an order number, makes a retry of
   * the caller's own safe too. The same key with another job is refused ({@link
   * IgorException.Conflict}).
   */
  public Job create(JobSpec job, String idempotencyKey) {
    return ClientJson.read(
        submit("/api/v1/jobs", ClientJson.createJob(job).toString(), idempotencyKey), Job.class);
  }

  /**
   * Creates a job from the JSON body of POST /api/v1/jobs as it is ({@code igor submit} uses this).
   * Igor checks it. Safe to retry, as {@link #create(JobSpec)}.
   */
  public Job create(String createJobJson) {
    return create(createJobJson, newIdempotencyKey());
  }

  @Override
  public Schedule createSchedule(ScheduleSpec schedule) {
    return ClientJson.read(
        createScheduleJson(ClientJson.createSchedule(schedule).toString()), Schedule.class);
  }

  @Override
  public List<Schedule> schedules() {
    return ClientJson.schedules(schedulesJson());
  }

  @Override
  public Schedule schedule(String scheduleId) {
    return ClientJson.read(scheduleJson(scheduleId), Schedule.class);
  }

  @Override
  public Schedule pauseSchedule(String scheduleId) {
    return ClientJson.read(actOnSchedule(scheduleId, "pause"), Schedule.class);
  }

  @Override
  public Schedule unpauseSchedule(String scheduleId) {
    return ClientJson.read(actOnSchedule(scheduleId, "unpause"), Schedule.class);
  }

  /** {@inheritDoc} Sent once: a request sent again would fire twice. */
  @Override
  public Schedule triggerSchedule(String scheduleId) {
    return ClientJson.read(actOnSchedule(scheduleId, "trigger"), Schedule.class);
  }

  @Override
  public Schedule deleteSchedule(String scheduleId) {
    return ClientJson.read(actOnSchedule(scheduleId, "delete"), Schedule.class);
  }

  /**
   * Creates a schedule from the JSON body of POST /api/v1/schedules as it is (docs/semantics.md,
   * "Schedules"); answers the schedule as the API's JSON text ({@code igor schedules create}).
   */
  public String createScheduleJson(String createScheduleJson) {
    return send("POST", "/api/v1/schedules", createScheduleJson);
  }

  /** Every schedule, as the JSON text of GET /api/v1/schedules ({@code igor schedules ls}). */
  public String schedulesJson() {
    return send("GET", "/api/v1/schedules", null);
  }

  /** One schedule, as the JSON text of GET /api/v1/schedules/{id}. */
  public String scheduleJson(String scheduleId) {
    return send("GET", "/api/v1/schedules/" + encode(scheduleId), null);
  }

  /**
   * Acts on a schedule: {@code pause}, {@code unpause}, {@code trigger} (POST) or {@code delete};
   * answers the schedule as JSON text.
   */
  public String actOnSchedule(String scheduleId, String action) {
    String path = "/api/v1/schedules/" + encode(scheduleId);
    return switch (action) {
      case "delete" -> send("DELETE", path, null);
      case "pause", "unpause", "trigger" -> send("POST", path + "/" + action, null);
      default -> throw new IllegalArgumentException("no such schedule action: " + action);
    };
  }

  /**
   * Flow control's limits with their use, as the JSON text of GET /api/v1/limits
   * (docs/flow-control.md; {@code igor limits ls}).
   */
  public String limitsJson() {
    return send("GET", "/api/v1/limits", null);
  }

  /**
   * Sets a flow-control limit (role admin): {@code kind} type, key or fairness; {@code limitJson}
   * the body of PUT /api/v1/limits/{kind}/{name}, such as {@code {"concurrency": 5}}. Answers the
   * limit as JSON text.
   */
  public String setLimit(String kind, String name, String limitJson) {
    return send("PUT", "/api/v1/limits/" + segment(kind) + "/" + segment(name), limitJson);
  }

  /** Flow control's limits with their use (GET /api/v1/limits, docs/flow-control.md). */
  public java.util.List<Limit> limits() {
    return ClientJson.limits(limitsJson());
  }

  /**
   * Sets a flow-control limit (role admin), replacing the one of the same kind and name: its
   * concurrency, rate, period and weight ({@code inUse} and {@code waiting} are not sent). Answers
   * the limit as Igor holds it.
   */
  public Limit setLimit(Limit limit) {
    com.fasterxml.jackson.databind.node.ObjectNode body = ClientJson.MAPPER.createObjectNode();
    body.put("concurrency", limit.concurrency());
    body.put("rate", limit.rate());
    if (limit.rate() > 0) {
      body.put("per_seconds", limit.perSeconds());
    }
    body.put("weight", limit.weight());
    return ClientJson.read(setLimit(limit.kind(), limit.name(), body.toString()), Limit.class);
  }

  /** Removes a flow-control limit (role admin); a 404 when there is none. */
  public void removeLimit(String kind, String name) {
    send("DELETE", "/api/v1/limits/" + segment(kind) + "/" + segment(name), null);
  }

  private static String encode(String segment) {
    return java.net.URLEncoder.encode(segment, StandardCharsets.UTF_8);
  }

  /** The same, at most once per key, as {@link #create(JobSpec, String)}. */
  public Job create(String createJobJson, String idempotencyKey) {
    return ClientJson.read(submit("/api/v1/jobs", createJobJson, idempotencyKey), Job.class);
  }

  /**
   * {@inheritDoc}
   *
   * <p>Safe to retry, as {@link #create(JobSpec)}: the tasks are added once.
   */
  @Override
  public List<Task> addTasks(String layerId, List<TaskSpec> tasks) {
    return addTasks(layerId, tasks, newIdempotencyKey());
  }

  /** Adds the tasks at most once per key, as {@link #create(JobSpec, String)}. */
  public List<Task> addTasks(String layerId, List<TaskSpec> tasks, String idempotencyKey) {
    return ClientJson.readList(
        submit("/api/v1/tasks", ClientJson.addTasks(layerId, tasks).toString(), idempotencyKey),
        Task.class);
  }

  /** A new key for one submit and its retries: a random UUID. */
  public static String newIdempotencyKey() {
    return java.util.UUID.randomUUID().toString();
  }

  @Override
  public Job job(String jobId) {
    return ClientJson.read(get("/api/v1/jobs/" + segment(jobId)), Job.class);
  }

  /**
   * One layer with its counts (from the read model: it may trail the job by under a second).
   *
   * @throws IgorException.NotFound when the layer is unknown
   */
  public Layer layer(String layerId) {
    return ClientJson.read(get("/api/v1/layers/" + segment(layerId)), Layer.class);
  }

  /**
   * One task (from the read model: it may trail the job by under a second).
   *
   * @throws IgorException.NotFound when the task is unknown
   */
  public Task task(String taskId) {
    return ClientJson.read(get("/api/v1/tasks/" + segment(taskId)), Task.class);
  }

  /**
   * The log lines and progress of a task's attempts: each attempt's first page of lines (up to the
   * node's igor.task-output.max-page-lines); {@link #taskLogs(String, int, long)} pages on.
   *
   * @throws IgorException.NotFound when the task is unknown
   */
  public TaskLogs taskLogs(String taskId) {
    return ClientJson.read(get("/api/v1/tasks/" + segment(taskId) + "/logs"), TaskLogs.class);
  }

  /** One attempt's lines numbered above {@code after}: the next page of {@link #taskLogs}. */
  public TaskLogs taskLogs(String taskId, int attempt, long after) {
    return ClientJson.read(
        get("/api/v1/tasks/" + segment(taskId) + "/logs?attempt=" + attempt + "&after=" + after),
        TaskLogs.class);
  }

  /**
   * One page of the results of the job's layers named {@code layerName}: at most {@code limit}
   * tasks (0: the server's default, 100), after the cursor {@code after} (null: from the start).
   * The server also ends a page once its results pass igor.limits.max-results-page-bytes.
   *
   * @throws IgorException.NotFound when the job is unknown or has no layer of that name
   */
  public ResultsPage resultsPage(String jobId, String layerName, String after, int limit) {
    StringBuilder path =
        new StringBuilder("/api/v1/jobs/")
            .append(segment(jobId))
            .append("/results?layer=")
            .append(query(Objects.requireNonNull(layerName, "layerName")));
    if (after != null) {
      path.append("&after=").append(query(after));
    }
    if (limit > 0) {
      path.append("&limit=").append(limit);
    }
    return ClientJson.read(get(path.toString()), ResultsPage.class);
  }

  /**
   * Every task of the job's layers named {@code layerName}, in a stable order, read a page at a
   * time as the iteration goes (each iterator starts from the first page). Exact once those layers
   * finished: the server answers after the read model shows every write the job had answered.
   *
   * @throws IgorException.NotFound (when iterated) when the job is unknown or has no such layer
   */
  public Iterable<LayerResult> results(String jobId, String layerName) {
    Objects.requireNonNull(jobId, "jobId");
    Objects.requireNonNull(layerName, "layerName");
    return () ->
        new java.util.Iterator<>() {
          private java.util.Iterator<LayerResult> page;
          private String next;
          private boolean last;

          @Override
          public boolean hasNext() {
            while (page == null || (!page.hasNext() && !last)) {
              ResultsPage read = resultsPage(jobId, layerName, next, 0);
              page = read.results().iterator();
              next = read.next();
              last = next == null;
            }
            return page.hasNext();
          }

          @Override
          public LayerResult next() {
            if (!hasNext()) {
              throw new java.util.NoSuchElementException();
            }
            return page.next();
          }
        };
  }

  /** Jobs that match the filter, newest first, with their counts and without their layers. */
  public List<Job> jobs(ListFilter filter) {
    return ClientJson.readList(get("/api/v1/jobs" + filter.toQuery()), Job.class);
  }

  /** Layers that match the filter, newest first, with their counts and without their tasks. */
  public List<Layer> layers(ListFilter filter) {
    return ClientJson.readList(get("/api/v1/layers" + filter.toQuery()), Layer.class);
  }

  /** Tasks that match the filter, newest first. */
  public List<Task> tasks(ListFilter filter) {
    return ClientJson.readList(get("/api/v1/tasks" + filter.toQuery()), Task.class);
  }

  /** The counts of many jobs and their layers at once; unknown jobs are left out. */
  public List<JobCounts> counts(Collection<String> jobIds) {
    String ids = jobIds.stream().map(IgorClient::query).collect(Collectors.joining(","));
    return ClientJson.readList(get("/api/v1/counts?job_ids=" + ids), JobCounts.class);
  }

  @Override
  public List<AuditEntry> audit(String jobId) {
    return ClientJson.readList(get("/api/v1/jobs/" + segment(jobId) + "/audit"), AuditEntry.class);
  }

  @Override
  public int act(Action action, Collection<Ref> refs) {
    JsonNode answer =
        ClientJson.tree(
            send("PATCH", "/api/v1/" + action.path(), ClientJson.refs(refs).toString()));
    if (answer == null || !answer.path("updated").isInt()) {
      throw new IgorException(0, "Igor's answer to " + action.path() + " has no 'updated' count");
    }
    return answer.path("updated").asInt();
  }

  /** Whether the node answers GET /healthz with 200 (it is an Up member of its cluster). */
  public boolean healthy() {
    try {
      get("/healthz");
      return true;
    } catch (IgorException e) {
      return false;
    }
  }

  /**
   * Follows the changes of these jobs (none: of every job) from after change {@code since} (0: from
   * now on, -1: from the first change kept), on a thread of its own. The listener gets the changes
   * in order, one at a time. When the connection drops, the subscription reconnects with {@code
   * Last-Event-ID} after a second, so no change is missed or repeated.
   */
  public Subscription subscribe(
      Collection<String> jobIds, long since, java.util.function.Consumer<Change> listener) {
    StringBuilder path = new StringBuilder("/api/v1/events?");
    jobIds.forEach(id -> path.append("job_ids=").append(query(id)).append('&'));
    java.util.concurrent.atomic.AtomicLong last =
        new java.util.concurrent.atomic.AtomicLong(Math.max(since, 0));
    java.util.concurrent.atomic.AtomicBoolean open =
        new java.util.concurrent.atomic.AtomicBoolean(true);
    java.util.concurrent.atomic.AtomicReference<java.util.concurrent.CompletableFuture<?>> call =
        new java.util.concurrent.atomic.AtomicReference<>();
    Thread reader =
        new Thread(
            () -> {
              while (open.get()) {
                // after the last change seen; before any: from the start (since -1) or from now
                String url = base + path;
                url =
                    last.get() == 0 && since < 0
                        ? url + "since=0"
                        : url.substring(0, url.length() - 1);
                HttpRequest.Builder request =
                    HttpRequest.newBuilder(URI.create(url)).header("Accept", "text/event-stream");
                if (last.get() > 0) {
                  request.header("Last-Event-ID", String.valueOf(last.get()));
                }
                if (token != null) {
                  request.header("Authorization", "Bearer " + token);
                }
                try {
                  var future = http.sendAsync(request.build(), HttpResponse.BodyHandlers.ofLines());
                  call.set(future);
                  HttpResponse<java.util.stream.Stream<String>> response = future.get();
                  if (response.statusCode() != 200) {
                    response.body().close();
                  } else {
                    readEvents(response.body(), last, listener, open);
                  }
                } catch (Exception dropped) {
                  // reconnect below
                }
                if (open.get()) {
                  try {
                    Thread.sleep(1000);
                  } catch (InterruptedException e) {
                    return;
                  }
                }
              }
            },
            "igor-client-events");
    reader.setDaemon(true);
    reader.start();
    return new Subscription() {
      @Override
      public long lastId() {
        return last.get();
      }

      @Override
      public void close() {
        open.set(false);
        var future = call.get();
        if (future != null) {
          future.cancel(true);
        }
        reader.interrupt();
      }
    };
  }

  /** Reads Server-Sent Events line by line: "id:", "event:", "data:", a blank line ends one. */
  private static void readEvents(
      java.util.stream.Stream<String> lines,
      java.util.concurrent.atomic.AtomicLong last,
      java.util.function.Consumer<Change> listener,
      java.util.concurrent.atomic.AtomicBoolean open) {
    String[] id = {null};
    String[] event = {"message"};
    StringBuilder data = new StringBuilder();
    // Events without an id belong to the next one that has it (one journaled batch of reports):
    // handed over with it, or dropped with the connection and read again after reconnecting.
    List<String[]> waiting = new ArrayList<>();
    try (lines) {
      java.util.Iterator<String> it = lines.iterator();
      while (open.get() && it.hasNext()) {
        String line = it.next();
        if (line.isEmpty()) {
          if (data.length() > 0 && id[0] == null) {
            // task output (task_log, task_progress) is live only and has no id of its own: not a
            // part of a batch, and not a change (read it with taskLogs)
            if (!event[0].startsWith("task_log") && !event[0].equals("task_progress")) {
              waiting.add(new String[] {event[0], data.toString()});
            }
          } else if (data.length() > 0) {
            long changeId = Long.parseLong(id[0]);
            if (changeId > last.get()) {
              for (String[] w : waiting) {
                listener.accept(new Change(changeId, w[0], ClientJson.tree(w[1])));
              }
              listener.accept(new Change(changeId, event[0], ClientJson.tree(data.toString())));
              last.set(changeId);
            }
            waiting.clear();
          }
          id[0] = null;
          event[0] = "message";
          data.setLength(0);
        } else if (line.startsWith("id:")) {
          id[0] = line.substring(3).trim();
        } else if (line.startsWith("event:")) {
          event[0] = line.substring(6).trim();
        } else if (line.startsWith("data:")) {
          if (data.length() > 0) {
            data.append('\n');
          }
          data.append(line.substring(5).stripLeading());
        }
      }
    }
  }

  private String get(String path) {
    IgorException last = null;
    long wait = backoff.toMillis();
    for (int attempt = 0; attempt <= retries; attempt++) {
      if (attempt > 0) {
        sleep(wait);
        wait = Math.min(wait * 2, 5000);
      }
      try {
        return send("GET", path, null);
      } catch (IgorException.Unavailable e) {
        last = e;
      }
    }
    throw last;
  }

  /** A POST with its idempotency key, sent again with the same key while no answer comes. */
  private String submit(String path, String body, String idempotencyKey) {
    Objects.requireNonNull(idempotencyKey, "idempotencyKey");
    IgorException.Unavailable last = null;
    long wait = backoff.toMillis();
    for (int attempt = 0; attempt <= retries; attempt++) {
      if (attempt > 0) {
        sleep(wait);
        wait = Math.min(wait * 2, 5000);
      }
      try {
        return send("POST", path, body, idempotencyKey);
      } catch (IgorException.Unavailable e) {
        last = e;
      }
    }
    throw last;
  }

  private String send(String method, String path, String body) {
    return send(method, path, body, null);
  }

  private String send(String method, String path, String body, String idempotencyKey) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(base + path))
            .timeout(requestTimeout)
            .header("Accept", "application/json");
    if (idempotencyKey != null) {
      request.header("Idempotency-Key", idempotencyKey);
    }
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    if (body == null) {
      request.method(method, HttpRequest.BodyPublishers.noBody());
    } else {
      request
          .header("Content-Type", "application/json")
          .method(method, HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    }
    HttpResponse<String> response;
    try {
      response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (HttpTimeoutException e) {
      throw new IgorException.Unavailable(
          0, "Igor at " + base + " did not answer " + method + " " + path + " in time", e);
    } catch (ConnectException e) {
      throw new IgorException.Unavailable(0, "Igor at " + base + " could not be reached", e);
    } catch (IOException e) {
      throw new IgorException.Unavailable(
          0, method + " " + path + " to Igor at " + base + " failed: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IgorException(0, method + " " + path + " was interrupted", e);
    }
    if (response.statusCode() / 100 == 2) {
      return response.body();
    }
    throw IgorException.of(response.statusCode(), errorOf(response.body()));
  }

  private static String errorOf(String body) {
    JsonNode json = ClientJson.tree(body);
    if (json != null && json.path("error").isTextual()) {
      return json.path("error").asText();
    }
    return body == null || body.isBlank() ? "no message" : body.strip();
  }

  private static String segment(String id) {
    return URLEncoder.encode(Objects.requireNonNull(id, "id"), StandardCharsets.UTF_8)
        .replace("+", "%20");
  }

  private static String query(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IgorException(0, "interrupted while waiting to retry", e);
    }
  }
}
