package igor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import igor.client.IgorClient;
import igor.client.Job;
import igor.client.Status;
import igor.testing.TestNode;
import igor.testing.TestTime;
import igor.worker.builtin.BuiltinHandlers;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The client subcommands of `igor`, run in-process against a real node: output and exit code. */
class ClientCliTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration WAIT = TestTime.scaled(Duration.ofSeconds(20));
  private static TestNode.Running running;
  private static String url;
  private static IgorClient client;

  @TempDir static Path dir;

  record Run(int code, String out, String err) {
    JsonNode json() {
      try {
        return JSON.readTree(out);
      } catch (Exception e) {
        throw new AssertionError("not JSON: " + out + err, e);
      }
    }
  }

  @BeforeAll
  static void startNode() {
    running = TestNode.running(BuiltinHandlers.all());
    url = "http://127.0.0.1:" + running.node().httpPort();
    client = IgorClient.connect(url);
  }

  @AfterAll
  static void stopNode() {
    running.close();
  }

  static Run igor(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = IgorCommand.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    List<String> all = new ArrayList<>(Arrays.asList(args));
    if (all.size() > 0 && !all.contains("--help")) {
      all.add("--url");
      all.add(url);
    }
    int code = cli.execute(all.toArray(String[]::new));
    return new Run(code, out.toString(), err.toString());
  }

  static Path file(String json) throws Exception {
    Path f = Files.createTempFile(dir, "job", ".json");
    Files.writeString(f, json);
    return f;
  }

  @Test
  void submitCreatesTheJobOfAFileAndPrintsItAsJson() throws Exception {
    Run run =
        igor(
            "submit",
            file("{\"name\": \"cli\", \"layers\": [{\"tasks\": [{\"type\": \"echo\", \"args\":"
                    + " \"aGk=\"}]}]}")
                .toString(),
            "-o",
            "json");

    assertThat(run.code()).as(run.err()).isZero();
    assertThat(run.json().path("name").asText()).isEqualTo("cli");
    assertThat(run.json().path("layers").get(0).path("tasks")).hasSize(1);
  }

  @Test
  void submitWithAStartDelayCreatesAJobThatWaitsAndStartStartsItNow() throws Exception {
    Path job = file("{\"name\": \"later\", \"layers\": [{\"tasks\": [{\"type\": \"noop\"}]}]}");
    long before = System.currentTimeMillis() / 1000;

    Run run = igor("submit", job.toString(), "--start-after", "2h", "-o", "json");

    assertThat(run.code()).as(run.err()).isZero();
    assertThat(run.json().path("status").asText()).isEqualTo("PENDING");
    assertThat(run.json().path("start_at").asLong()).isBetween(before + 7199, before + 7202);
    String id = run.json().path("id").asText();
    Run text = igor("get", "job", id);
    assertThat(text.out()).contains("PENDING", "starts at ");
    Run started = igor("start", "job", id);
    assertThat(started.code()).as(started.err()).isZero();
    assertThat(started.out()).contains("1");
  }

  @Test
  void submitWithAnUrgencyGivesTheJobsTasksThatUrgencyAndABadOneIsUsage() throws Exception {
    Path job = file("{\"urgency\": 2, \"layers\": [{\"tasks\": [{\"type\": \"noop\"}]}]}");

    Run urgent = igor("submit", job.toString(), "--urgency", "5", "-o", "json");
    Run bad = igor("submit", job.toString(), "--urgency", "9");

    assertThat(urgent.code()).as(urgent.err()).isZero();
    String id = urgent.json().path("id").asText();
    java.net.http.HttpResponse<String> got =
        java.net.http.HttpClient.newHttpClient()
            .send(
                java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create(url + "/api/v1/jobs/" + id))
                    .build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
    assertThat(
            JSON.readTree(got.body())
                .path("layers")
                .get(0)
                .path("tasks")
                .get(0)
                .path("urgency")
                .asInt())
        .as(got.body())
        .isEqualTo(5);
    assertThat(bad.code()).isEqualTo(ExitCodes.USAGE);
    assertThat(bad.err()).contains("--urgency must be from 1 to 5, got 9");
  }

  @Test
  void submitWithAStartTimeAndABadDelayAreRefusedAsUsage() throws Exception {
    Path job = file("{\"start_after\": 5, \"layers\": []}");

    long inAnHour = System.currentTimeMillis() / 1000 + 3600;
    String iso = java.time.Instant.ofEpochSecond(inAnHour).toString();

    Run at = igor("submit", job.toString(), "--start-at", iso, "-o", "json");
    Run bad = igor("submit", job.toString(), "--start-after", "soon");
    Run both = igor("submit", job.toString(), "--start-at", "5", "--start-after", "5");

    assertThat(at.code()).as(at.err()).isZero();
    assertThat(at.json().path("start_at").asLong()).isEqualTo(inAnHour);
    assertThat(at.json().path("status").asText()).isEqualTo("PENDING");
    assertThat(bad.code()).isEqualTo(ExitCodes.USAGE);
    assertThat(bad.err()).contains("--start-after");
    assertThat(both.code()).isEqualTo(ExitCodes.USAGE);
  }

  @Test
  void submitWithAnIdempotencyKeyCreatesTheJobOnceHoweverOftenItRuns() throws Exception {
    String job = file("{\"name\": \"keyed\", \"layers\": [{\"tasks\": []}]}").toString();
    String key = "order-" + java.util.UUID.randomUUID();

    Run first = igor("submit", job, "--idempotency-key", key, "-o", "json");
    Run again = igor("submit", job, "--idempotency-key", key, "-o", "json");
    Run other =
        igor(
            "submit",
            file("{\"name\": \"other\"}").toString(),
            "--idempotency-key",
            key,
            "-o",
            "json");

    assertThat(first.code()).as(first.err()).isZero();
    assertThat(again.code()).as(again.err()).isZero();
    assertThat(again.json().path("id").asText()).isEqualTo(first.json().path("id").asText());
    assertThat(other.code()).isEqualTo(3);
    assertThat(other.err()).contains("409").contains(key);
  }

  @Test
  void submitOfAJobIgorRefusesExitsThreeWithItsError() throws Exception {
    Run run = igor("submit", file("{\"layers\": [{\"tasks\": [{\"name\": \"x\"}]}]}").toString());

    assertThat(run.code()).isEqualTo(3);
    assertThat(run.err()).contains("field 'layers[0].tasks[0].type' is required").contains("400");
  }

  @Test
  void limitsAreSetListedAndRemovedAndABadOneExitsThreeNamingTheField() throws Exception {
    Run set = igor("limits", "set", "type", "cli-limited", "--concurrency", "3", "--rate", "20");
    assertThat(set.code()).as(set.err()).isZero();
    assertThat(set.out()).contains("\"concurrency\":3").contains("\"rate\":20");
    assertThat(igor("limits", "ls").out()).contains("\"cli-limited\"");
    Run bad = igor("limits", "set", "type", "cli-limited", "--concurrency", "-2");
    assertThat(bad.code()).isEqualTo(3);
    assertThat(bad.err()).contains("concurrency must be from 0");
    igor.client.Limit typed = client.setLimit(igor.client.Limit.concurrency("key", "cli-key", 2));
    assertThat(typed.concurrency()).isEqualTo(2);
    assertThat(client.limits())
        .anySatisfy(
            l -> {
              assertThat(l.kind()).isEqualTo("type");
              assertThat(l.name()).isEqualTo("cli-limited");
              assertThat(l.concurrency()).isEqualTo(3);
              assertThat(l.rate()).isEqualTo(20);
              assertThat(l.inUse()).isZero();
              assertThat(l.waiting()).isZero();
            })
        .anySatisfy(l -> assertThat(l.name()).isEqualTo("cli-key"));
    client.removeLimit("key", "cli-key");
    assertThat(igor("limits", "rm", "type", "cli-limited").code()).isZero();
    assertThat(igor("limits", "ls").out()).doesNotContain("cli-limited");
    Run urgent =
        igor(
            "submit",
            file("{\"urgency\": 4, \"layers\": [{\"tasks\": [{\"type\": \"noop\"}]}]}").toString());
    assertThat(urgent.code()).as(urgent.err()).isZero();
  }

  @Test
  void submitOfAMissingFileSaysTheFileIsNotFound() {
    Run run = igor("submit", "no-such-job.json");

    assertThat(run.code()).isEqualTo(1);
    assertThat(run.err().strip()).isEqualTo("igor: file not found: no-such-job.json");
  }

  @Test
  void submitOfADirectorySaysItIsNoFile() {
    Run run = igor("submit", System.getProperty("java.io.tmpdir"));

    assertThat(run.code()).isEqualTo(1);
    assertThat(run.err()).contains("not a file but a directory");
  }

  @Test
  void getShowsAJobWithItsLayersAndTasksAndALayerAndATask() {
    Job job =
        client.create(
            igor.client.JobSpec.named("shown")
                .paused()
                .layer(
                    igor.client.LayerSpec.priority(0)
                        .named("one")
                        .task(igor.worker.api.TaskSpec.of("noop", null))));
    String layer = job.layers().get(0).id();
    String task = job.tasks().get(0).id();

    Run table = igor("get", "job", job.id());
    assertThat(table.code()).isZero();
    assertThat(table.out())
        .contains("job " + job.id())
        .contains("\"shown\"")
        .contains("layer " + layer)
        .contains("task " + task)
        .contains("noop");

    Run json = igor("get", "job", job.id(), "--output", "json");
    assertThat(json.json().path("layers").get(0).path("id").asText()).isEqualTo(layer);

    assertThat(awaitCode(() -> igor("get", "layer", layer)).out())
        .contains("layer " + layer)
        .contains("0/1 done");
    assertThat(
            awaitCode(() -> igor("get", "task", task, "-o", "json")).json().path("type").asText())
        .isEqualTo("noop");
  }

  @Test
  void getOfAnUnknownIdExitsTwo() {
    Run run = igor("get", "job", "00000000-0000-4000-8000-000000000000");

    assertThat(run.code()).isEqualTo(2);
    assertThat(run.err()).contains("404");
  }

  @Test
  void lsListsWithFiltersAsTableOrJson() {
    String name = "ls-" + System.nanoTime();
    Job a =
        client.create(
            igor.client.JobSpec.named(name)
                .paused()
                .layer(
                    igor.client.LayerSpec.priority(0)
                        .task(
                            igor.worker.api.TaskSpec.of("noop", null),
                            igor.worker.api.TaskSpec.of("echo", null))));
    awaitCode(() -> igor("get", "task", a.tasks().get(1).id()));

    Run jobs = igor("ls", "jobs", "--name", name);
    assertThat(jobs.code()).isZero();
    assertThat(jobs.out()).startsWith("ID").contains(a.id()).contains("0/2");

    Run tasks =
        igor("ls", "tasks", "--job", a.id(), "--type", "echo", "--status", "pending", "-o", "json");
    assertThat(tasks.json()).hasSize(1);
    assertThat(tasks.json().get(0).path("type").asText()).isEqualTo("echo");

    Run none =
        igor(
            "ls",
            "layers",
            "--job",
            a.id(),
            "--created-before",
            "2001-01-01T00:00:00Z",
            "-o",
            "json");
    assertThat(none.json()).isEmpty();
  }

  @Test
  void aFilterAListDoesNotTakeOrAnUnknownSubcommandIsAUsageErrorExitingOne() {
    Run layerOfJobs = igor("ls", "jobs", "--layer", "00000000-0000-4000-8000-000000000000");
    assertThat(layerOfJobs.code()).isEqualTo(1);
    assertThat(layerOfJobs.err()).contains("--layer filters layers and tasks");

    assertThat(igor("ls", "gadgets").code()).isEqualTo(1);
    assertThat(igor("pause", "job").code()).as("no id").isEqualTo(1);
    assertThat(igor("ls", "jobs", "--status", "sleepy").code()).isEqualTo(1);
  }

  @Test
  void eachActionPrintsHowManyChangedAndAnEtagThatIsStaleChangesNothing() {
    Job job =
        client.create(
            igor.client.JobSpec.named("acted")
                .layer(
                    igor.client.LayerSpec.priority(0)
                        .task(igor.worker.api.TaskSpec.of("sleep", "60".getBytes())))
                .layer(
                    igor.client.LayerSpec.priority(1)
                        .task(igor.worker.api.TaskSpec.of("noop", null))));
    String sleep = job.tasks().get(0).id();
    String later = job.layers().get(1).id();
    String laterEtag = job.layers().get(1).etag();

    assertThat(igor("pause", "layer", later + "@" + laterEtag).out()).isEqualTo("updated 1\n");
    assertThat(igor("unpause", "layer", later).out()).isEqualTo("updated 1\n");
    assertThat(igor("pause", "layer", later + "@" + laterEtag).out())
        .as("the etag of the create, stale since the pause")
        .isEqualTo("updated 0\n");
    assertThat(client.job(job.id()).layers().get(1).isPaused()).isFalse();
    assertThat(igor("pause", "layer", later).out()).isEqualTo("updated 1\n");
    client.awaitJob(job.id(), j -> j.tasks().get(0).status() == Status.RUNNING, WAIT);
    assertThat(igor("kill", "task", sleep).out()).isEqualTo("updated 1\n");
    client.awaitJob(job.id(), j -> j.status() == Status.ERRORED, WAIT);
    assertThat(igor("retry", "task", sleep, "-o", "json").json().path("updated").asInt())
        .isEqualTo(1);
    assertThat(igor("skip", "task", sleep).out()).isEqualTo("updated 1\n");
    Run unpause = igor("unpause", "layer", later);
    assertThat(unpause.code()).isZero();
    assertThat(unpause.out()).isEqualTo("updated 1\n");

    assertThat(client.awaitFinished(job.id(), WAIT).status()).isEqualTo(Status.COMPLETED);
    Run audit = igor("audit", job.id());
    assertThat(audit.out())
        .contains("pause")
        .contains("kill")
        .contains("retry")
        .contains("skip")
        .contains("unpause");
  }

  @Test
  void resultsListsEveryTaskOfTheLayersOfThatName() {
    Job job =
        client.create(
            igor.client.JobSpec.named("with results")
                .layer(
                    igor.client.LayerSpec.priority(0)
                        .named("made")
                        .task(
                            igor.worker.api.TaskSpec.of("echo", "forty-two".getBytes()),
                            igor.worker.api.TaskSpec.of("echo", new byte[] {0, 1, 2}))));
    assertThat(client.awaitFinished(job.id(), WAIT).status()).isEqualTo(Status.COMPLETED);

    Run table = igor("results", job.id(), "made");
    assertThat(table.code()).as(table.err()).isZero();
    assertThat(table.out()).contains("STATUS").contains("forty-two").contains("(3 bytes)");
    JsonNode json = igor("results", job.id(), "made", "-o", "json").json();
    assertThat(json).hasSize(2);
    assertThat(json.get(0).path("status").asText()).isEqualTo("COMPLETED");

    Run missing = igor("results", job.id(), "nothing");
    assertThat(missing.code()).isEqualTo(2);
    assertThat(missing.err()).contains("'nothing'");
  }

  @Test
  void watchShowsProgressUntilTheJobEndsAndExitsByHowItEnded() {
    Job ok =
        client.create(
            igor.client.JobSpec.named("watched")
                .layer(
                    igor.client.LayerSpec.priority(0)
                        .named("sleepy")
                        .task(
                            igor.worker.api.TaskSpec.of("sleep", "0.5".getBytes()),
                            igor.worker.api.TaskSpec.of("noop", null))));
    Run done = igor("watch", ok.id(), "--interval", "100ms");
    assertThat(done.code()).as(done.err()).isZero();
    assertThat(done.out())
        .contains("job watched")
        .contains("sleepy")
        .contains("[##############################] 2/2 COMPLETED");

    Job bad =
        client.create(
            igor.client.JobSpec.named("failing")
                .layer(
                    igor.client.LayerSpec.priority(0)
                        .task(igor.worker.api.TaskSpec.of("fail", "no".getBytes()))));
    Run failed = igor("watch", bad.id(), "--interval", "100ms");
    assertThat(failed.code()).isEqualTo(5);
    assertThat(failed.out()).contains("ERRORED (1 errored)");
  }

  @Test
  void anIgorThatIsNotThereExitsFour() throws Exception {
    int port;
    try (var socket = new java.net.ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    StringWriter err = new StringWriter();
    CommandLine cli = IgorCommand.commandLine();
    cli.setErr(new PrintWriter(err, true));
    int code = cli.execute("ls", "jobs", "--url", "http://127.0.0.1:" + port);

    assertThat(code).isEqualTo(4);
    assertThat(err.toString()).contains("could not be reached");
  }

  @Test
  void theServerCommandsAreStillThere() {
    assertThat(IgorCommand.commandLine().getSubcommands().keySet())
        .contains(
            "server", "worker", "dev", "migrate", "submit", "get", "ls", "pause", "unpause", "skip",
            "kill", "retry", "start", "watch", "audit", "results");
  }

  private static Run awaitCode(java.util.function.Supplier<Run> run) {
    long deadline = System.nanoTime() + WAIT.toNanos();
    Run last = run.get();
    while (last.code() != 0 && System.nanoTime() < deadline) {
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
      last = run.get();
    }
    return last;
  }
}
