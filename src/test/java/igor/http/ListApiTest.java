package igor.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import igor.domain.Identifiers;
import igor.testing.HttpApi;
import igor.testing.TestNode;
import igor.testing.TestTime;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * GET /api/v1/jobs, /layers, /tasks and their filters, alone and combined, paging, time bounds, and
 * the 400 and 404 answers. The node has no worker: tasks stay where creation put them.
 */
class ListApiTest {
  private static final Duration WAIT = TestTime.scaled(Duration.ofSeconds(20));
  private static TestNode.Running running;
  private static HttpApi api;
  private static String alpha;
  private static String a;
  private static String b;
  private static String c;
  private static String aFirst;
  private static String aLater;

  @BeforeAll
  static void startNodeWithThreeJobs() {
    running = TestNode.running(List.of());
    api = running.api();
    alpha = "alpha-" + Identifiers.newId();
    JsonNode jobA =
        create(
            "{\"name\": \""
                + alpha
                + "\", \"layers\": ["
                + "{\"name\": \"first\", \"tasks\": [{\"type\": \"noop\"}, {\"type\": \"noop\"},"
                + " {\"type\": \"echo\", \"name\": \"say\"}]},"
                + "{\"name\": \"later\", \"priority\": 1, \"tasks\": [{\"type\": \"sleep\"}]}]}");
    a = jobA.path("id").asText();
    aFirst = jobA.path("layers").get(0).path("id").asText();
    aLater = jobA.path("layers").get(1).path("id").asText();
    b = create("{\"name\": \"beta\"}").path("id").asText();
    c =
        create("{\"name\": \"" + alpha + "\", \"layers\": [{\"tasks\": [{\"type\": \"echo\"}]}]}")
            .path("id")
            .asText();
    for (String job : List.of(a, b, c)) {
      awaitInReadModel(job);
    }
  }

  @AfterAll
  static void stopNode() {
    running.close();
  }

  @Test
  void jobsAreFilteredByIdsAndListedNewestFirstWithoutTheirLayers() {
    JsonNode jobs = list("/api/v1/jobs?job_ids=" + a + "&job_ids=" + b);

    assertThat(ids(jobs)).containsExactlyInAnyOrder(a, b);
    assertNewestFirst(jobs);
    assertThat(jobs.get(0).has("layers")).isFalse();
    assertThat(jobs.get(0).path("counts").has("PENDING")).isTrue();
  }

  @Test
  void statusesAreCaseInsensitiveRepeatableAndCommaSeparated() {
    String three = "job_ids=" + a + "," + b + "," + c;

    assertThat(ids(list("/api/v1/jobs?" + three + "&statuses=completed"))).containsExactly(b);
    assertThat(ids(list("/api/v1/jobs?" + three + "&statuses=Running&statuses=COMPLETED")))
        .containsExactlyInAnyOrder(a, b, c);
    assertThat(ids(list("/api/v1/jobs?" + three + "&statuses=running,errored")))
        .containsExactlyInAnyOrder(a, c);
  }

  @Test
  void nameFiltersAloneAndWithStatus() {
    assertThat(ids(list("/api/v1/jobs?name=" + alpha))).containsExactlyInAnyOrder(a, c);
    assertThat(ids(list("/api/v1/jobs?name=" + alpha + "&statuses=COMPLETED"))).isEmpty();
    assertThat(ids(list("/api/v1/jobs?name=" + alpha + "&job_ids=" + c))).containsExactly(c);
  }

  @Test
  void layersAreFilteredByJobLayerAndStatus() {
    assertThat(ids(list("/api/v1/layers?job_ids=" + a))).containsExactlyInAnyOrder(aFirst, aLater);
    assertThat(ids(list("/api/v1/layers?job_ids=" + a + "&statuses=pending")))
        .containsExactly(aLater);
    assertThat(ids(list("/api/v1/layers?layer_ids=" + aFirst))).containsExactly(aFirst);
    assertThat(ids(list("/api/v1/layers?layer_ids=" + aFirst + "&statuses=PENDING"))).isEmpty();
    assertThat(list("/api/v1/layers?job_ids=" + a + "," + c + "&statuses=RUNNING")).hasSize(2);
    JsonNode later = list("/api/v1/layers?layer_ids=" + aLater).get(0);
    assertThat(later.path("job_id").asText()).isEqualTo(a);
    assertThat(later.path("counts").path("PENDING").asInt()).isEqualTo(1);
    assertThat(later.has("tasks")).isFalse();
  }

  @Test
  void tasksAreFilteredByEveryFilterAndTheirCombinations() {
    assertThat(list("/api/v1/tasks?job_ids=" + a)).hasSize(4);
    assertThat(list("/api/v1/tasks?job_ids=" + a + "&types=noop")).hasSize(2);
    assertThat(list("/api/v1/tasks?job_ids=" + a + "&statuses=pending")).hasSize(1);
    assertThat(list("/api/v1/tasks?job_ids=" + a + "&statuses=queued&types=echo")).hasSize(1);
    assertThat(list("/api/v1/tasks?layer_ids=" + aFirst)).hasSize(3);
    assertThat(list("/api/v1/tasks?layer_ids=" + aFirst + "&types=echo")).hasSize(1);
    assertThat(list("/api/v1/tasks?layer_ids=" + aLater + "&statuses=QUEUED")).isEmpty();
    assertThat(list("/api/v1/tasks?job_ids=" + a + "," + c + "&types=echo")).hasSize(2);
    assertThat(list("/api/v1/tasks?job_ids=" + c + "&layer_ids=" + aFirst)).isEmpty();
    JsonNode say = list("/api/v1/tasks?layer_ids=" + aFirst + "&name=say");
    assertThat(say).hasSize(1);
    String sayId = say.get(0).path("id").asText();
    assertThat(ids(list("/api/v1/tasks?task_ids=" + sayId))).containsExactly(sayId);
    assertThat(ids(list("/api/v1/tasks?task_ids=" + sayId + "&statuses=queued")))
        .containsExactly(sayId);
    assertThat(list("/api/v1/tasks?task_ids=" + sayId + "&job_ids=" + c)).isEmpty();
    // Without a job or layer: the index of the tasks not COMPLETED (V13, V14), or the newest
    // first.
    assertThat(ids(list("/api/v1/tasks?name=say&statuses=queued"))).contains(sayId);
    assertThat(ids(list("/api/v1/tasks?name=say&statuses=queued,completed"))).contains(sayId);
    assertThat(ids(list("/api/v1/tasks?name=say&statuses=completed"))).doesNotContain(sayId);
    assertThat(ids(list("/api/v1/tasks?name=say&statuses=running,errored"))).doesNotContain(sayId);
    assertThat(say.get(0).path("queue_task_id").asText())
        .as("the delivery id of attempt 1: a name-based UUID of the task id and attempt")
        .isEqualTo(
            UUID.nameUUIDFromBytes(("delivery/" + sayId + "/1").getBytes(StandardCharsets.UTF_8))
                .toString());
  }

  @Test
  void jobsAreFilteredByTheLayersAndTasksTheyHold() {
    String aTask = list("/api/v1/tasks?layer_ids=" + aLater).get(0).path("id").asText();
    String cTask = list("/api/v1/tasks?job_ids=" + c).get(0).path("id").asText();

    assertThat(ids(list("/api/v1/jobs?layer_ids=" + aFirst))).containsExactly(a);
    assertThat(ids(list("/api/v1/jobs?task_ids=" + aTask + "," + cTask)))
        .containsExactlyInAnyOrder(a, c);
    assertThat(ids(list("/api/v1/jobs?job_ids=" + a + "&task_ids=" + aTask + "," + cTask)))
        .containsExactly(a);
    assertThat(list("/api/v1/jobs?layer_ids=" + aFirst + "&task_ids=" + cTask)).isEmpty();
    assertThat(list("/api/v1/jobs?layer_ids=" + Identifiers.newId())).isEmpty();
  }

  @Test
  void layersAreFilteredByTheTasksTheyHold() {
    String aTask = list("/api/v1/tasks?layer_ids=" + aLater).get(0).path("id").asText();
    String cTask = list("/api/v1/tasks?job_ids=" + c).get(0).path("id").asText();

    assertThat(ids(list("/api/v1/layers?task_ids=" + aTask))).containsExactly(aLater);
    assertThat(list("/api/v1/layers?task_ids=" + aTask + "," + cTask)).hasSize(2);
    assertThat(list("/api/v1/layers?task_ids=" + aTask + "&layer_ids=" + aFirst)).isEmpty();
  }

  @Test
  void aTrailingSlashNamesTheSameRoute() {
    assertThat(ids(list("/api/v1/jobs/?job_ids=" + a))).containsExactly(a);
    assertThat(ids(list("/api/v1/layers/?layer_ids=" + aFirst))).containsExactly(aFirst);
    assertThat(list("/api/v1/tasks/?job_ids=" + a)).hasSize(4);
    assertThat(api.get("/api/v1/jobs/" + a + "/").body().path("id").asText()).isEqualTo(a);
    assertThat(api.get("/api/v1/layers/" + aFirst + "/").body().path("id").asText())
        .isEqualTo(aFirst);
    HttpApi.Answer created = api.post("/api/v1/jobs/", "{\"name\": \"slash\"}");
    assertThat(created.status()).as(created.text()).isEqualTo(200);
    HttpApi.Answer paused =
        api.patch(
            "/api/v1/pause/",
            "[{\"kind\": \"Job\", \"id\": \"" + created.body().path("id").asText() + "\"}]");
    assertThat(paused.status()).as(paused.text()).isEqualTo(200);
    assertThat(api.get("/api/v1/jobs//").status()).isEqualTo(404);
  }

  @Test
  void limitAndOffsetPageThroughTheSameOrder() {
    JsonNode all = list("/api/v1/tasks?job_ids=" + a);
    JsonNode first = list("/api/v1/tasks?job_ids=" + a + "&limit=3");
    JsonNode second = list("/api/v1/tasks?job_ids=" + a + "&limit=3&offset=3");

    assertNewestFirst(all);
    assertThat(first).hasSize(3);
    assertThat(second).hasSize(1);
    List<String> paged = ids(first);
    paged.addAll(ids(second));
    assertThat(paged).isEqualTo(ids(all));
  }

  @Test
  void timeFiltersAreStrictAtTheirBoundaries() {
    JsonNode job = list("/api/v1/jobs?job_ids=" + b).get(0);
    long created = job.path("created_at").asLong();
    long updated = job.path("updated_at").asLong();
    String only = "/api/v1/jobs?job_ids=" + b;

    assertThat(list(only + "&created_after=" + (created - 1))).hasSize(1);
    assertThat(list(only + "&created_after=" + created)).isEmpty();
    assertThat(list(only + "&created_before=" + (created + 1))).hasSize(1);
    assertThat(list(only + "&created_before=" + created)).isEmpty();
    assertThat(list(only + "&updated_after=" + (updated - 1))).hasSize(1);
    assertThat(list(only + "&updated_after=" + updated)).isEmpty();
    assertThat(list(only + "&updated_before=" + (updated + 1))).hasSize(1);
    assertThat(list(only + "&updated_before=" + updated)).isEmpty();
    assertThat(
            list(
                only
                    + "&created_after="
                    + (created - 1)
                    + "&created_before="
                    + (created + 1)
                    + "&statuses=completed"))
        .hasSize(1);
  }

  @Test
  void pagesNeitherRepeatNorMissJobsWhileNewOnesArriveWhenTheWindowIsFixed() throws Exception {
    for (int i = 0; i < 12; i++) {
      create("{\"name\": \"paging\"}");
    }
    long window = System.currentTimeMillis() / 1000 + 1;
    Thread.sleep(Math.max(0, window * 1000 - System.currentTimeMillis()));
    JsonNode before =
        api.awaitGet(
                "/api/v1/jobs?name=paging&created_before=" + window,
                x -> x.status() == 200 && x.body().size() == 12,
                WAIT)
            .body();
    AtomicBoolean stop = new AtomicBoolean();
    Thread creator =
        new Thread(
            () -> {
              while (!stop.get()) {
                create("{\"name\": \"paging\"}");
              }
            });
    creator.start();
    List<String> paged = new ArrayList<>();
    try {
      for (int offset = 0; ; offset += 5) {
        Thread.sleep(100);
        JsonNode page =
            list("/api/v1/jobs?name=paging&limit=5&offset=" + offset + "&created_before=" + window);
        paged.addAll(ids(page));
        if (page.size() < 5) {
          break;
        }
      }
    } finally {
      stop.set(true);
      creator.join();
    }

    assertThat(paged).doesNotHaveDuplicates().containsExactlyElementsOf(ids(before));
    // the jobs made meanwhile do show outside the window, once the read model has them
    api.awaitGet(
        "/api/v1/jobs?name=paging&limit=10000",
        x -> x.status() == 200 && x.body().size() > before.size(),
        WAIT);
  }

  @Test
  void layerAndTaskByIdAreReadAndUnknownOnesAreNotFound() {
    HttpApi.Answer layer = api.get("/api/v1/layers/" + aLater);
    HttpApi.Answer unknownLayer = api.get("/api/v1/layers/" + Identifiers.newId());
    HttpApi.Answer unknownTask = api.get("/api/v1/tasks/" + Identifiers.newId());
    HttpApi.Answer malformed = api.get("/api/v1/tasks/NOPE");

    assertThat(layer.status()).isEqualTo(200);
    assertThat(layer.body().path("name").asText()).isEqualTo("later");
    assertThat(unknownLayer.status()).isEqualTo(404);
    assertThat(unknownLayer.error()).isEqualTo("layer not found");
    assertThat(unknownTask.status()).isEqualTo(404);
    assertThat(unknownTask.error()).isEqualTo("task not found");
    assertThat(malformed.status()).isEqualTo(400);
    assertThat(malformed.error()).contains("lowercase UUID").contains("NOPE");
  }

  @Test
  void badQueryParametersAreRefusedNamingTheParameter() {
    Map<String, String> expected = new HashMap<>();
    expected.put("/api/v1/jobs?statuses=bogus", "'statuses'");
    expected.put("/api/v1/jobs?job_ids=NOT-A-UUID", "'job_ids'");
    expected.put("/api/v1/tasks?layer_ids=" + a + ",x", "'layer_ids'");
    expected.put("/api/v1/jobs?limit=0", "'limit'");
    expected.put("/api/v1/jobs?limit=10001", "igor.limits.max-list-limit");
    expected.put("/api/v1/jobs?limit=many", "'limit'");
    expected.put("/api/v1/jobs?offset=-1", "'offset'");
    expected.put("/api/v1/jobs?created_after=yesterday", "'created_after'");
    expected.put("/api/v1/tasks?updated_before=1.5", "'updated_before'");
    expected.put("/api/v1/jobs?status=RUNNING", "'status'");
    expected.put("/api/v1/jobs?layer_ids=NOPE", "'layer_ids'");
    expected.put("/api/v1/layers?task_ids=NOPE", "'task_ids'");
    expected.put("/api/v1/layers?types=noop", "'types'");
    expected.put("/api/v1/jobs?name=x&name=y", "'name'");
    expected.put("/api/v1/counts", "'job_ids'");

    expected.forEach(
        (path, named) -> {
          HttpApi.Answer answer = api.get(path);
          assertThat(answer.status()).as(path).isEqualTo(400);
          assertThat(answer.error()).as(path).contains(named);
        });
  }

  @Test
  void countsForManyJobsAnswerTheKnownOnes() {
    JsonNode counts =
        list("/api/v1/counts?job_ids=" + a + "," + b + "&job_ids=" + Identifiers.newId());

    assertThat(counts).hasSize(2);
    Map<String, JsonNode> byJob = new HashMap<>();
    counts.forEach(x -> byJob.put(x.path("job_id").asText(), x));
    assertThat(byJob.get(a).path("counts").path("QUEUED").asInt()).isEqualTo(3);
    assertThat(byJob.get(a).path("counts").path("PENDING").asInt()).isEqualTo(1);
    assertThat(byJob.get(a).path("layers")).hasSize(2);
    assertThat(byJob.get(b).path("layers")).isEmpty();
  }

  private static JsonNode create(String body) {
    HttpApi.Answer created = api.post("/api/v1/jobs", body);
    assertThat(created.status()).as(created.text()).isEqualTo(200);
    return created.body();
  }

  private static JsonNode list(String path) {
    HttpApi.Answer answer = api.get(path);
    assertThat(answer.status()).as(path + ": " + answer.text()).isEqualTo(200);
    return answer.body();
  }

  /** Waits until the read model shows the job's layers and tasks with the entity's etags. */
  private static void awaitInReadModel(String jobId) {
    JsonNode job = api.get("/api/v1/jobs/" + jobId).body();
    Map<String, String> etags = new HashMap<>();
    job.path("layers")
        .forEach(
            l ->
                l.path("tasks")
                    .forEach(t -> etags.put(t.path("id").asText(), t.path("etag").asText())));
    api.awaitGet(
        "/api/v1/jobs?job_ids=" + jobId,
        x ->
            x.body().size() == 1
                && x.body().get(0).path("etag").asText().equals(job.path("etag").asText()),
        WAIT);
    api.awaitGet(
        "/api/v1/tasks?job_ids=" + jobId,
        x -> {
          Map<String, String> read = new HashMap<>();
          x.body().forEach(t -> read.put(t.path("id").asText(), t.path("etag").asText()));
          return read.equals(etags);
        },
        WAIT);
  }

  private static List<String> ids(JsonNode list) {
    List<String> ids = new ArrayList<>();
    list.forEach(x -> ids.add(x.path("id").asText()));
    return ids;
  }

  private static void assertNewestFirst(JsonNode list) {
    Set<String> seen = new HashSet<>();
    for (int i = 1; i < list.size(); i++) {
      JsonNode prev = list.get(i - 1);
      JsonNode next = list.get(i);
      long p = prev.path("created_at").asLong();
      long n = next.path("created_at").asLong();
      assertThat(
              p > n || (p == n && prev.path("id").asText().compareTo(next.path("id").asText()) > 0))
          .as("%s before %s", prev, next)
          .isTrue();
      assertThat(seen.add(next.path("id").asText())).isTrue();
    }
  }
}
