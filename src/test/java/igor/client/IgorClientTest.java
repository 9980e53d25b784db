package igor.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import igor.app.IgorNode;
import igor.testing.TestDatabase;
import igor.testing.TestNode;
import igor.testing.TestRedis;
import igor.testing.TestTime;
import igor.worker.api.TaskSpec;
import igor.worker.builtin.BuiltinHandlers;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The Java client against a real node with the built-in task types: every operation. */
class IgorClientTest {
  private static final Duration WAIT = TestTime.scaled(Duration.ofSeconds(20));
  private static TestDatabase db;
  private static TestRedis redis;
  private static IgorNode node;
  private static IgorClient client;

  @BeforeAll
  static void startNode() {
    db = TestDatabase.create();
    redis = TestRedis.create();
    node =
        TestNode.start(db, redis, BuiltinHandlers.all(), Map.of("igor.limits.max-args-bytes", 64));
    client = IgorClient.connect("http://127.0.0.1:" + node.httpPort());
  }

  @AfterAll
  static void stopNode() {
    node.close();
    redis.close();
    db.close();
  }

  private static byte[] text(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void aJobBuiltFluentlyIsCreatedWithItsLayersTasksAndSettings() {
    Job job =
        client.create(
            JobSpec.named("built")
                .layer(
                    LayerSpec.priority(0)
                        .named("first")
                        .task(
                            TaskSpec.of("echo", text("hi")).withName("greet").withRetries(2),
                            TaskSpec.of("noop", null).withTimeout(Duration.ofSeconds(30))))
                .layer(
                    LayerSpec.priority(5).named("held").paused().task(TaskSpec.of("noop", null))));

    assertThat(job.id()).isNotBlank();
    assertThat(job.name()).isEqualTo("built");
    assertThat(job.layers()).extracting(Layer::name).containsExactly("first", "held");
    assertThat(job.layer("held").orElseThrow().isPaused()).isTrue();
    Task greet = job.layers().get(0).tasks().get(0);
    assertThat(greet.name()).isEqualTo("greet");
    assertThat(greet.retries()).isEqualTo(2);
    assertThat(greet.args()).isEqualTo(text("hi"));
    assertThat(job.layers().get(0).tasks().get(1).timeout()).isEqualTo(30);
    assertThat(job.counts().total()).isEqualTo(3);
  }

  @Test
  void aJobToStartLaterWaitsWithItsStartTimeAndStartIsAnAction() {
    long before = System.currentTimeMillis() / 1000;
    Job waiting =
        client.create(
            JobSpec.named("later")
                .startAfter(Duration.ofHours(1))
                .layer(LayerSpec.priority(0).task(TaskSpec.of("noop", null))));
    Job atATime =
        client.create(
            JobSpec.named("at")
                .startAt(java.time.Instant.ofEpochSecond(before + 600))
                .layer(LayerSpec.priority(0).task(TaskSpec.of("noop", null))));

    assertThat(waiting.status()).isEqualTo(Status.PENDING);
    assertThat(waiting.isWaitingToStart()).isTrue();
    assertThat(waiting.startAt()).isBetween(before + 3599, before + 3602);
    assertThat(atATime.startAt()).isEqualTo(before + 600);
    assertThat(client.act(igor.client.Action.START, List.of(igor.client.Ref.of(waiting))))
        .isEqualTo(1);
    assertThat(client.awaitFinished(waiting.id(), WAIT).status()).isEqualTo(Status.COMPLETED);
    assertThatThrownBy(() -> client.create(JobSpec.named("far").startAfter(Duration.ofDays(365))))
        .isInstanceOfSatisfying(
            IgorException.BadRequest.class,
            e -> assertThat(e.error()).contains("start_after", "igor.limits.max-start-delay"));
  }

  @Test
  void awaitJobReturnsTheJobOnceItSatisfiesTheCondition() {
    Job job =
        client.create(
            JobSpec.named("echo")
                .layer(LayerSpec.priority(0).task(TaskSpec.of("echo", text("back")))));

    Job done = client.awaitFinished(job.id(), WAIT);

    assertThat(done.status()).isEqualTo(Status.COMPLETED);
    assertThat(done.tasks().get(0).resultAsText()).isEqualTo("back");
    assertThat(done.counts().done()).isEqualTo(1);
  }

  @Test
  void awaitJobTimesOutWithTheLastJobSeen() {
    Job job =
        client.create(
            JobSpec.named("held")
                .paused()
                .layer(LayerSpec.priority(0).task(TaskSpec.of("noop", null))));

    assertThatThrownBy(() -> client.awaitFinished(job.id(), Duration.ofMillis(300)))
        .isInstanceOfSatisfying(
            IgorException.TimedOut.class, e -> assertThat(e.last().id()).isEqualTo(job.id()));
  }

  @Test
  void tasksAreAddedToALayerThatHasNotStartedAndRefusedWithConflictOnceItEnded() {
    Job job =
        client.create(
            JobSpec.named("grow")
                .paused()
                .layer(LayerSpec.priority(0).task(TaskSpec.of("echo", text("x"))))
                .layer(LayerSpec.priority(1).named("later")));
    String later = job.layer("later").orElseThrow().id();
    String first = job.layers().get(0).id();

    List<Task> added =
        client.addTasks(later, List.of(TaskSpec.of("noop", null), TaskSpec.of("noop", null)));

    assertThat(added).hasSize(2).allSatisfy(t -> assertThat(t.layerId()).isEqualTo(later));
    client.unpause(Ref.job(job.id()));
    client.awaitJob(job.id(), j -> j.layers().get(0).status() == Status.COMPLETED, WAIT);
    assertThatThrownBy(() -> client.addTasks(first, List.of(TaskSpec.of("noop", null))))
        .isInstanceOfSatisfying(
            IgorException.Conflict.class,
            e -> {
              assertThat(e.status()).isEqualTo(409);
              assertThat(e.error()).contains("COMPLETED");
            });
  }

  @Test
  void oneLayerOneTaskListsWithFiltersAndPagingAndCountsComeFromTheReadModel() {
    String name = "listed-" + System.nanoTime();
    Job a =
        client.create(
            JobSpec.named(name)
                .paused()
                .layer(
                    LayerSpec.priority(0)
                        .named("l")
                        .task(TaskSpec.of("noop", null), TaskSpec.of("echo", null))));
    Job b =
        client.create(
            JobSpec.named(name)
                .paused()
                .layer(LayerSpec.priority(0).task(TaskSpec.of("noop", null))));
    String layerId = a.layers().get(0).id();
    String taskId = a.layers().get(0).tasks().get(1).id();

    Layer layer = eventually(() -> client.layer(layerId));
    Task task = eventually(() -> client.task(taskId));
    assertThat(layer.counts().total()).isEqualTo(2);
    assertThat(task.type()).isEqualTo("echo");

    List<Job> both =
        eventually(
            () -> {
              List<Job> jobs = client.jobs(ListFilter.all().name(name));
              if (jobs.size() < 2) throw new IgorException.NotFound("not yet");
              return jobs;
            });
    // newest first; jobs created in the same second are ordered by id
    assertThat(both).extracting(Job::id).containsExactlyInAnyOrder(a.id(), b.id());
    assertThat(
            both.stream()
                .filter(j -> j.id().equals(a.id()))
                .findFirst()
                .orElseThrow()
                .counts()
                .of(Status.PENDING))
        .isEqualTo(2);

    ListFilter page = ListFilter.all().name(name).limit(1);
    assertThat(client.jobs(page)).extracting(Job::id).containsExactly(both.get(0).id());
    assertThat(client.jobs(page.next())).extracting(Job::id).containsExactly(both.get(1).id());

    assertThat(client.layers(ListFilter.all().job(a.id())))
        .extracting(Layer::id)
        .containsExactly(layerId);
    assertThat(
            client.tasks(
                ListFilter.all().job(a.id(), b.id()).types("noop").statuses(Status.PENDING)))
        .hasSize(2)
        .allSatisfy(t -> assertThat(t.type()).isEqualTo("noop"));
    assertThat(
            client.tasks(
                ListFilter.all()
                    .layer(layerId)
                    .createdAfter(a.createdAt() - 1)
                    .createdBefore(a.createdAt() + 60)))
        .hasSize(2);
    assertThat(client.jobs(ListFilter.all().name(name).updatedBefore(a.createdAt() - 1))).isEmpty();

    List<JobCounts> counts = client.counts(List.of(a.id(), b.id()));
    assertThat(counts).extracting(JobCounts::jobId).containsExactlyInAnyOrder(a.id(), b.id());
    JobCounts ofA = counts.stream().filter(c -> c.jobId().equals(a.id())).findFirst().orElseThrow();
    assertThat(ofA.counts().total()).isEqualTo(2);
    assertThat(ofA.layers())
        .singleElement()
        .satisfies(l -> assertThat(l.layerId()).isEqualTo(layerId));
  }

  @Test
  void everyActionAnswersHowManyChangedAndAStaleEtagChangesNothing() {
    Job job =
        client.create(
            JobSpec.named("steer")
                .layer(
                    LayerSpec.priority(0)
                        .task(
                            TaskSpec.of("sleep", text("60")),
                            TaskSpec.of("fail", text("disk full"))))
                .layer(LayerSpec.priority(1).named("later").task(TaskSpec.of("noop", null))));
    Layer later = job.layer("later").orElseThrow();
    String sleep = job.layers().get(0).tasks().get(0).id();
    String fail = job.layers().get(0).tasks().get(1).id();

    assertThat(client.pause(Ref.of(later))).isEqualTo(1);
    assertThat(client.unpause(Ref.layer(later.id())))
        .as("no etag: acts on what is current")
        .isEqualTo(1);
    assertThat(client.pause(Ref.of(later)))
        .as("the etag of the create, stale since the pause")
        .isZero();
    assertThat(client.job(job.id()).layer("later").orElseThrow().isPaused()).isFalse();
    assertThat(client.pause(Ref.layer(later.id()))).isEqualTo(1);
    client.awaitJob(job.id(), j -> j.tasks().get(0).status() == Status.RUNNING, WAIT);
    assertThat(client.kill(Ref.task(sleep))).isEqualTo(1);
    client.awaitJob(job.id(), j -> j.status() == Status.ERRORED, WAIT);
    assertThat(client.retry(Ref.task(sleep))).isEqualTo(1);
    assertThat(client.skip(Ref.task(sleep), Ref.task(fail))).isEqualTo(2);
    assertThat(client.unpause(Ref.layer(later.id()))).isEqualTo(1);

    assertThat(client.awaitFinished(job.id(), WAIT).status()).isEqualTo(Status.COMPLETED);
    assertThat(client.audit(job.id()))
        .extracting(AuditEntry::action)
        .containsExactly("pause", "unpause", "pause", "kill", "retry", "skip", "skip", "unpause");
    assertThat(client.audit(job.id()).get(0).kind()).isEqualTo("Layer");
  }

  @Test
  void refusalsAreTypedWithTheirStatusAndMessage() {
    assertThatThrownBy(() -> client.create("{\"layers\": [{\"tasks\": [{\"name\": \"x\"}]}]}"))
        .isInstanceOfSatisfying(
            IgorException.BadRequest.class,
            e -> {
              assertThat(e.status()).isEqualTo(400);
              assertThat(e.error()).contains("layers[0].tasks[0].type");
            });
    assertThatThrownBy(() -> client.job("00000000-0000-4000-8000-000000000000"))
        .isInstanceOfSatisfying(
            IgorException.NotFound.class, e -> assertThat(e.status()).isEqualTo(404));
    assertThatThrownBy(() -> client.task("00000000-0000-4000-8000-000000000000"))
        .isInstanceOf(IgorException.NotFound.class);
    assertThatThrownBy(
            () ->
                client.create(
                    JobSpec.named("big")
                        .layer(LayerSpec.priority(0).task(TaskSpec.of("echo", new byte[100])))))
        .isInstanceOfSatisfying(
            IgorException.TooLarge.class, e -> assertThat(e.error()).contains("max-args-bytes"));
    assertThatThrownBy(() -> client.pause(new Ref(Ref.Kind.JOB, "not-an-id", "")))
        .isInstanceOf(IgorException.BadRequest.class);
  }

  @Test
  void readsAreRetriedWithBackOffAndSendTheBearerToken() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    List<String> auth = new CopyOnWriteArrayList<>();
    List<String> keys = new CopyOnWriteArrayList<>();
    HttpServer stub = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    stub.createContext(
        "/",
        exchange -> {
          auth.add(exchange.getRequestHeaders().getFirst("Authorization"));
          if (exchange.getRequestMethod().equals("POST")) {
            keys.add(exchange.getRequestHeaders().getFirst("Idempotency-Key"));
          }
          boolean fail = calls.incrementAndGet() < 3 || exchange.getRequestMethod().equals("POST");
          byte[] body =
              (fail ? "{\"error\": \"not ready\"}" : "{\"id\": \"j\", \"status\": \"RUNNING\"}")
                  .getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(fail ? 503 : 200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    stub.start();
    try {
      IgorClient stubbed =
          IgorClient.builder("http://127.0.0.1:" + stub.getAddress().getPort())
              .token("s3cret")
              .backoff(Duration.ofMillis(10))
              .build();

      assertThat(stubbed.job("j").status()).isEqualTo(Status.RUNNING);
      assertThat(calls.get()).isEqualTo(3);
      assertThat(auth).containsOnly("Bearer s3cret");

      calls.set(0);
      assertThatThrownBy(() -> stubbed.create(JobSpec.named("once")))
          .isInstanceOfSatisfying(
              IgorException.Unavailable.class, e -> assertThat(e.status()).isEqualTo(503));
      assertThat(calls.get()).as("a create is retried, as often as a read").isEqualTo(4);
      assertThat(keys).hasSize(4).doesNotContainNull();
      assertThat(Set.copyOf(keys)).as("with one key for the create and its retries").hasSize(1);
      calls.set(0);
      assertThatThrownBy(() -> stubbed.create(JobSpec.named("twice")))
          .isInstanceOf(IgorException.Unavailable.class);
      assertThat(Set.copyOf(keys)).as("a new create, a new key").hasSize(2);
    } finally {
      stub.stop(0);
    }
  }

  /**
   * A journaled batch of reports streams as several events of which only the last has the id (ADR
   * 0019): the listener gets them together with that id; a connection lost among them loses none,
   * and repeats none, after the reconnect.
   */
  @Test
  void eventsWithoutAnIdArriveWithTheNextThatHasOneAndOnlyOnce() throws Exception {
    List<String> lastIds = new CopyOnWriteArrayList<>();
    AtomicInteger connections = new AtomicInteger();
    String b = "event:task_started\ndata:{\"job_id\":\"j\",\"n\":\"b\"}\n\n";
    String c = "event:task_completed\ndata:{\"job_id\":\"j\",\"n\":\"c\"}\n\n";
    HttpServer stub = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    stub.createContext(
        "/",
        exchange -> {
          lastIds.add(String.valueOf(exchange.getRequestHeaders().getFirst("Last-Event-ID")));
          String body =
              connections.incrementAndGet() == 1
                  // the batch's events are cut off before the one with the id
                  ? "data:{\"job_id\":\"j\",\"n\":\"a\"}\nevent:job_created\nid:5\n\n" + b + c
                  : b + c + "data:{\"job_id\":\"j\",\"n\":\"d\"}\nevent:task_started\nid:6\n\n";
          byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().add("Content-Type", "text/event-stream");
          exchange.sendResponseHeaders(200, bytes.length);
          exchange.getResponseBody().write(bytes);
          exchange.close();
        });
    stub.start();
    List<String> seen = new CopyOnWriteArrayList<>();
    Subscription subscription =
        IgorClient.builder("http://127.0.0.1:" + stub.getAddress().getPort())
            .build()
            .subscribe(
                List.of(),
                0,
                change ->
                    seen.add(
                        change.id()
                            + " "
                            + change.event()
                            + " "
                            + change.data().path("n").asText()));
    try {
      long deadline = System.nanoTime() + WAIT.toNanos();
      while (seen.size() < 4 && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      Thread.sleep(TestTime.scaled(Duration.ofMillis(1500)).toMillis());

      assertThat(seen)
          .containsExactly(
              "5 job_created a", "6 task_started b", "6 task_completed c", "6 task_started d");
      assertThat(lastIds.subList(0, 2)).containsExactly("null", "5");
      assertThat(subscription.lastId()).isEqualTo(6);
    } finally {
      subscription.close();
      stub.stop(0);
    }
  }

  @Test
  void aCreateWhoseAnswerIsLostIsSentAgainWithItsKeyAndMakesOneJob() throws Exception {
    // a proxy that passes every request on to the node, but answers the first one 504, as a
    // load balancer whose wait ran out does when the node made the job anyway
    AtomicInteger calls = new AtomicInteger();
    List<String> keys = new CopyOnWriteArrayList<>();
    java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
    HttpServer proxy = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    proxy.createContext(
        "/",
        exchange -> {
          String key = exchange.getRequestHeaders().getFirst("Idempotency-Key");
          keys.add(key);
          java.net.http.HttpRequest.Builder forward =
              java.net.http.HttpRequest.newBuilder(
                      java.net.URI.create(
                          "http://127.0.0.1:" + node.httpPort() + exchange.getRequestURI()))
                  .header("Content-Type", "application/json")
                  .POST(
                      java.net.http.HttpRequest.BodyPublishers.ofByteArray(
                          exchange.getRequestBody().readAllBytes()));
          if (key != null) {
            forward.header("Idempotency-Key", key);
          }
          byte[] body;
          int status;
          try {
            java.net.http.HttpResponse<byte[]> answer =
                http.send(forward.build(), java.net.http.HttpResponse.BodyHandlers.ofByteArray());
            boolean lost = calls.incrementAndGet() == 1;
            status = lost ? 504 : answer.statusCode();
            body = lost ? "upstream timed out".getBytes(StandardCharsets.UTF_8) : answer.body();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            status = 500;
            body = new byte[0];
          }
          exchange.sendResponseHeaders(status, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    proxy.start();
    try {
      IgorClient throughProxy =
          IgorClient.builder("http://127.0.0.1:" + proxy.getAddress().getPort())
              .backoff(Duration.ofMillis(10))
              .build();
      String name = "lost-" + java.util.UUID.randomUUID();
      long before = jobsInJournal();

      Job job = throughProxy.create(JobSpec.named(name).layer(LayerSpec.priority(0)));

      assertThat(calls.get()).isEqualTo(2);
      assertThat(keys).hasSize(2).doesNotContainNull();
      assertThat(keys.get(1)).isEqualTo(keys.get(0));
      assertThat(job.name()).isEqualTo(name);
      assertThat(jobsInJournal() - before).as("jobs created").isEqualTo(1);
    } finally {
      proxy.stop(0);
    }
  }

  private static long jobsInJournal() throws java.sql.SQLException {
    try (var c = db.connect();
        var s =
            c.prepareStatement(
                "SELECT count(*) FROM event_journal WHERE persistence_id LIKE 'Job|%'"
                    + " AND sequence_number = 1");
        var rs = s.executeQuery()) {
      rs.next();
      return rs.getLong(1);
    }
  }

  @Test
  void anIgorThatIsNotThereIsUnavailableAfterTheRetries() throws Exception {
    int port;
    try (var socket = new java.net.ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    IgorClient absent =
        IgorClient.builder("http://127.0.0.1:" + port)
            .retries(2)
            .backoff(Duration.ofMillis(10))
            .build();

    assertThatThrownBy(() -> absent.job("x"))
        .isInstanceOfSatisfying(
            IgorException.Unavailable.class, e -> assertThat(e.status()).isZero());
    assertThat(absent.healthy()).isFalse();
    assertThat(client.healthy()).isTrue();
  }

  @Test
  void aSubscriptionGetsEveryChangeOfAJobInOrderUntilItCompletes() throws Exception {
    java.util.List<Change> changes = new java.util.concurrent.CopyOnWriteArrayList<>();
    Job job =
        client.create(
            JobSpec.named("followed")
                .layer(LayerSpec.priority(0).task(TaskSpec.of("noop", new byte[0])))
                .layer(LayerSpec.priority(1).task(TaskSpec.of("echo", text("x")))));

    try (Subscription subscription =
        client.subscribe(java.util.List.of(job.id()), -1, changes::add)) {
      long deadline = System.currentTimeMillis() + WAIT.toMillis();
      while (changes.stream().noneMatch(c -> c.event().equals("job_status_changed"))
          && System.currentTimeMillis() < deadline) {
        Thread.sleep(50);
      }

      assertThat(changes.get(0).event()).isEqualTo("job_created");
      assertThat(changes).extracting(Change::jobId).containsOnly(job.id());
      // the starts and ends journaled as one batch of reports share its id (ADR 0019)
      assertThat(changes).extracting(Change::id).isSorted();
      assertThat(changes)
          .extracting(c -> c.id() + " " + c.event() + " " + c.data().path("task_id").asText())
          .doesNotHaveDuplicates();
      assertThat(changes).extracting(Change::event).contains("task_completed", "layer_finished");
      assertThat(changes.get(changes.size() - 1).data().path("status").asText())
          .isEqualTo("COMPLETED");
      assertThat(subscription.lastId()).isEqualTo(changes.get(changes.size() - 1).id());
    }
  }

  @Test
  void theClientStatusesAreTheServers() {
    assertThat(java.util.Arrays.stream(Status.values()).map(Enum::name))
        .containsExactlyElementsOf(
            java.util.Arrays.stream(igor.domain.Status.values()).map(Enum::name).toList());
  }

  @Test
  void aScheduleIsCreatedReadListedPausedTriggeredAndDeletedAsTypedRecords() {
    Schedule created =
        client.createSchedule(
            ScheduleSpec.of(
                    "0 3 1 1 *",
                    JobSpec.named("yearly")
                        .layer(LayerSpec.priority(0).task(TaskSpec.of("noop", null))))
                .named("new year")
                .inTimeZone("Europe/Paris")
                .allowOverlap()
                .catchUpAll(2));

    assertThat(created.id()).isNotEmpty();
    assertThat(created.name()).isEqualTo("new year");
    assertThat(created.cron()).isEqualTo("0 3 1 1 *");
    assertThat(created.timeZone()).isEqualTo("Europe/Paris");
    assertThat(created.overlap()).isEqualTo("allow");
    assertThat(created.catchUp()).isEqualTo("all");
    assertThat(created.catchUpLimit()).isEqualTo(2);
    assertThat(created.paused()).isFalse();
    assertThat(created.nextFireAt()).isGreaterThan(System.currentTimeMillis() / 1000);
    assertThat(created.lastFire()).isEmpty();
    assertThat(client.schedule(created.id())).isEqualTo(created);
    assertThat(client.schedules()).extracting(Schedule::id).contains(created.id());

    Schedule paused = client.pauseSchedule(created.id());
    assertThat(paused.paused()).isTrue();
    assertThat(paused.nextFireAt()).isZero();
    Schedule triggered = client.triggerSchedule(created.id());
    Schedule.Fire fire = triggered.lastFire().orElseThrow();
    assertThat(fire.manual()).isTrue();
    assertThat(triggered.lastJobId()).isEqualTo(fire.jobId());
    Job fired = eventually(() -> client.job(fire.jobId()));
    assertThat(fired.name()).startsWith("yearly@");
    assertThat(client.awaitFinished(fired.id(), WAIT).status()).isEqualTo(Status.COMPLETED);
    assertThat(client.unpauseSchedule(created.id()).nextFireAt()).isPositive();

    assertThat(client.deleteSchedule(created.id()).id()).isEqualTo(created.id());
    assertThatThrownBy(() -> client.schedule(created.id()))
        .isInstanceOfSatisfying(
            IgorException.NotFound.class, e -> assertThat(e.status()).isEqualTo(404));
    assertThat(client.schedules()).extracting(Schedule::id).doesNotContain(created.id());
    assertThatThrownBy(
            () -> client.createSchedule(ScheduleSpec.of("every minute", JobSpec.named("bad"))))
        .isInstanceOfSatisfying(
            IgorException.BadRequest.class, e -> assertThat(e.error()).contains("'cron'"));
  }

  /** The read model trails the journal: ask until it knows. */
  static <T> T eventually(Supplier<T> read) {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (true) {
      try {
        return read.get();
      } catch (IgorException.NotFound e) {
        if (System.nanoTime() > deadline) {
          throw e;
        }
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
  }
}
