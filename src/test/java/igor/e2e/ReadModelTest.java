package igor.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import igor.domain.Identifiers;
import igor.domain.JobEvent;
import igor.domain.JobPlan;
import igor.domain.LayerPlan;
import igor.domain.TaskPlan;
import igor.testing.EarlierJournal;
import igor.testing.HttpApi;
import igor.testing.TestNode;
import igor.testing.TestTime;
import igor.worker.builtin.BuiltinHandlers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The read model, filled by the projection of the journal, shows what the job entity shows: the
 * same fields and etags for every layer and task, and counts equal to a recount of the tasks.
 */
class ReadModelTest {
  private static final Duration WAIT = TestTime.scaled(Duration.ofSeconds(30));
  private static TestNode.Running running;
  private static HttpApi api;

  @BeforeAll
  static void startNode() {
    running = TestNode.running(BuiltinHandlers.all());
    api = running.api();
  }

  @AfterAll
  static void stopNode() {
    running.close();
  }

  @Test
  void aRandomJobThatRanIsShownByTheReadModelExactlyAsByItsEntity() {
    long seed = System.nanoTime();
    String body = randomJob(new Random(seed));
    HttpApi.Answer created = api.post("/api/v1/jobs", body);
    assertThat(created.status()).as(created.text()).isEqualTo(200);
    String jobId = created.body().path("id").asText();
    JsonNode job =
        api.awaitJob(jobId, j -> j.path("status").asText().matches("COMPLETED|ERRORED"), WAIT);

    JsonNode listed =
        api.awaitGet(
                "/api/v1/jobs?job_ids=" + jobId,
                a ->
                    a.status() == 200
                        && a.body().size() == 1
                        && a.body().get(0).path("etag").asText().equals(job.path("etag").asText()),
                WAIT)
            .body()
            .get(0);
    assertThat(withoutChildren(listed)).as("seed %d", seed).isEqualTo(withoutChildren(job));
    for (JsonNode layer : job.path("layers")) {
      String layerId = layer.path("id").asText();
      JsonNode read =
          api.awaitGet(
                  "/api/v1/layers/" + layerId,
                  a ->
                      a.status() == 200
                          && a.body().path("etag").asText().equals(layer.path("etag").asText()),
                  WAIT)
              .body();
      assertThat(withoutChildren(read)).as("seed %d", seed).isEqualTo(withoutChildren(layer));
      for (JsonNode task : layer.path("tasks")) {
        JsonNode readTask =
            api.awaitGet(
                    "/api/v1/tasks/" + task.path("id").asText(),
                    a ->
                        a.status() == 200
                            && a.body().path("etag").asText().equals(task.path("etag").asText()),
                    WAIT)
                .body();
        assertThat(readTask).as("seed %d", seed).isEqualTo(task);
      }
    }
  }

  @Test
  void countsOfJobsAndLayersEqualARecountOfTheirTaskRows() {
    Random random = new Random();
    String one = api.post("/api/v1/jobs", randomJob(random)).body().path("id").asText();
    String two = api.post("/api/v1/jobs", randomJob(random)).body().path("id").asText();
    for (String id : new String[] {one, two}) {
      JsonNode job =
          api.awaitJob(id, j -> j.path("status").asText().matches("COMPLETED|ERRORED"), WAIT);
      api.awaitGet(
          "/api/v1/jobs?job_ids=" + id,
          a ->
              a.body().size() == 1
                  && a.body().get(0).path("etag").asText().equals(job.path("etag").asText()),
          WAIT);
    }

    JsonNode counts = api.get("/api/v1/counts?job_ids=" + one + "&job_ids=" + two).body();

    assertThat(counts).hasSize(2);
    for (JsonNode jobCounts : counts) {
      String jobId = jobCounts.path("job_id").asText();
      JsonNode tasks = api.get("/api/v1/tasks?job_ids=" + jobId).body();
      assertThat(jobCounts.path("counts")).isEqualTo(recount(tasks, null));
      JsonNode listedJob = api.get("/api/v1/jobs?job_ids=" + jobId).body().get(0);
      assertThat(listedJob.path("counts")).isEqualTo(jobCounts.path("counts"));
      for (JsonNode layerCounts : jobCounts.path("layers")) {
        String layerId = layerCounts.path("layer_id").asText();
        assertThat(layerCounts.path("counts")).isEqualTo(recount(tasks, layerId));
        assertThat(api.get("/api/v1/layers/" + layerId).body().path("counts"))
            .isEqualTo(layerCounts.path("counts"));
      }
    }
  }

  @Test
  void aNulJournaledBeforeTheEdgeCheckedItIsStoredSafelyAndJobsAfterItStillAppearInEveryList()
      throws Exception {
    JobPlan poisoned = journaledPlan("job\u0000name", "layer\u0000", "task\u0000\ud800");
    journalAsEarlierVersionsDid(poisoned);

    JsonNode listed =
        api.awaitGet(
                "/api/v1/jobs?job_ids=" + poisoned.jobId(),
                a -> a.status() == 200 && a.body().size() == 1,
                WAIT)
            .body()
            .get(0);
    assertThat(listed.path("name").asText()).isEqualTo("job\uFFFDname");
    String taskId = poisoned.tasks().get(0).taskId();
    JsonNode task = api.awaitGet("/api/v1/tasks/" + taskId, a -> a.status() == 200, WAIT).body();
    assertThat(task.path("name").asText()).isEqualTo("task\uFFFD\uFFFD");
    newJobsAppearInEveryList();
  }

  @Test
  void anEventWhoseRowsTheDatabaseRefusesIsSkippedAndCountedAndJobsAfterItStillAppear()
      throws Exception {
    double before = skippedEvents();
    JobPlan tooLong = journaledPlan("n".repeat(300), "layer", "task");
    journalAsEarlierVersionsDid(tooLong);

    newJobsAppearInEveryList();
    assertThat(skippedEvents()).isGreaterThan(before);
  }

  private static double skippedEvents() {
    return igor.testing.PrometheusText.value(
        api.get("/metrics").text(), "igor_projection_failures_total");
  }

  /**
   * Journals the creation of the plan's job as a version of Igor before today's checks did: the job
   * and its tasks declared, its first layer started and its task queued (no worker takes it).
   */
  private static void journalAsEarlierVersionsDid(JobPlan plan) {
    long at = System.currentTimeMillis();
    String layerId = plan.layers().get(0).layerId();
    EarlierJournal.append(
        running.node().system(),
        plan.jobId(),
        List.of(
            new JobEvent.JobCreated(plan.jobId(), plan.name(), 0, plan.layers(), at),
            new JobEvent.TasksAdded(plan.jobId(), plan.tasks(), at),
            new JobEvent.LayersStarted(plan.jobId(), List.of(layerId), at),
            new JobEvent.TasksQueued(
                plan.jobId(), plan.tasks().stream().map(TaskPlan::taskId).toList(), at)));
  }

  /** A job plan with names the HTTP edge and today's job entities would refuse. */
  private static JobPlan journaledPlan(String jobName, String layerName, String taskName) {
    String layerId = Identifiers.newId();
    return new JobPlan(
        Identifiers.newId(),
        jobName,
        0,
        List.of(new LayerPlan(layerId, layerName, 0, 0)),
        List.of(new TaskPlan(Identifiers.newId(), layerId, "noop", taskName, null, 0, 0)));
  }

  /** Jobs created now show in the unfiltered list, their own lists, counts and layers. */
  private static void newJobsAppearInEveryList() {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      ids.add(
          api.createJob(
              "{\"name\": \"after\", \"layers\": [{\"tasks\": [{\"type\": \"noop\"}]}]}"));
    }
    for (String id : ids) {
      JsonNode job = api.awaitJob(id, j -> j.path("status").asText().equals("COMPLETED"), WAIT);
      api.awaitGet(
          "/api/v1/jobs?job_ids=" + id,
          a ->
              a.body().size() == 1
                  && a.body().get(0).path("etag").asText().equals(job.path("etag").asText()),
          WAIT);
      String layerId = job.path("layers").get(0).path("id").asText();
      assertThat(api.get("/api/v1/layers/" + layerId).status()).isEqualTo(200);
      assertThat(api.get("/api/v1/tasks?job_ids=" + id).body()).hasSize(1);
      assertThat(api.get("/api/v1/counts?job_ids=" + id).body()).hasSize(1);
    }
    JsonNode all = api.get("/api/v1/jobs?limit=10000").body();
    List<String> listed = new ArrayList<>();
    all.forEach(j -> listed.add(j.path("id").asText()));
    assertThat(listed).containsAll(ids);
  }

  /** 1 to 4 layers in up to 3 groups, each of 0 to 5 tasks that complete, echo or fail. */
  static String randomJob(Random random) {
    StringBuilder b = new StringBuilder("{\"name\": \"random\", \"layers\": [");
    int layers = 1 + random.nextInt(4);
    for (int l = 0; l < layers; l++) {
      b.append(l == 0 ? "" : ", ")
          .append("{\"name\": \"l")
          .append(l)
          .append("\", \"priority\": ")
          .append(random.nextInt(3))
          .append(", \"tasks\": [");
      int tasks = random.nextInt(6);
      for (int t = 0; t < tasks; t++) {
        b.append(t == 0 ? "" : ", ");
        switch (random.nextInt(4)) {
          case 0 -> b.append("{\"type\": \"noop\", \"name\": \"t").append(t).append("\"}");
          case 1 -> b.append("{\"type\": \"echo\", \"args\": \"aGk=\"}");
          case 2 -> b.append("{\"type\": \"fail\", \"args\": \"bm8=\", \"retries\": 1}");
          default -> b.append("{\"type\": \"sleep\", \"args\": \"MC4x\"}");
        }
      }
      b.append("]}");
    }
    return b.append("]}").toString();
  }

  private static JsonNode withoutChildren(JsonNode object) {
    ObjectNode copy = object.deepCopy();
    copy.remove("layers");
    copy.remove("tasks");
    return copy;
  }

  private static JsonNode recount(JsonNode tasks, String layerId) {
    Map<String, Integer> counts = new HashMap<>();
    for (String s :
        new String[] {
          "PENDING", "QUEUED", "RUNNING", "KILLED", "COMPLETED", "ERRORED", "SKIPPED"
        }) {
      counts.put(s, 0);
    }
    for (Iterator<JsonNode> it = tasks.elements(); it.hasNext(); ) {
      JsonNode t = it.next();
      if (layerId == null || layerId.equals(t.path("layer_id").asText())) {
        counts.merge(t.path("status").asText(), 1, Integer::sum);
      }
    }
    ObjectNode node = new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode();
    counts.forEach(node::put);
    return node;
  }
}
