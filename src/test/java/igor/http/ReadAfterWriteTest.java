package igor.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import igor.domain.Identifiers;
import igor.testing.HttpApi;
import igor.testing.TestNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Reads filtered by ids see every write answered before them (SEMANTICS.md section 7, "Reads"),
 * over real HTTP, each read sent the moment the write is answered. The node has no worker, so
 * nothing changes a job but these requests; it follows at most two jobs one by one
 * (igor.reads.max-jobs-per-wait), so a read of three waits for their tag slices instead.
 */
class ReadAfterWriteTest {
  private static TestNode.Running running;
  private static HttpApi api;

  @BeforeAll
  static void startNode() {
    running = TestNode.running(List.of(), Map.of("igor.reads.max-jobs-per-wait", 2));
    api = running.api();
  }

  @AfterAll
  static void stopNode() {
    running.close();
  }

  @Test
  void tasksListedByJobRightAfterItsCreationAreAllThereWithTheirEtags() {
    for (int round = 0; round < 5; round++) {
      JsonNode job = create(twoLayers());

      JsonNode tasks = ok(api.get("/api/v1/tasks?job_ids=" + job.path("id").asText()));

      assertThat(etags(tasks)).isEqualTo(taskEtags(job));
    }
  }

  @Test
  void theJobAndItsLayersListedRightAfterCreationAreThere() {
    JsonNode job = create(twoLayers());
    String id = job.path("id").asText();

    JsonNode jobs = ok(api.get("/api/v1/jobs?job_ids=" + id + "&limit=100"));
    JsonNode layers = ok(api.get("/api/v1/layers?job_ids=" + id));
    JsonNode counts = ok(api.get("/api/v1/counts?job_ids=" + id));

    assertThat(jobs).hasSize(1);
    assertThat(jobs.get(0).path("etag").asText()).isEqualTo(job.path("etag").asText());
    assertThat(etags(layers)).isEqualTo(layerEtags(job));
    assertThat(counts.get(0).path("counts").path("QUEUED").asInt()).isEqualTo(1);
  }

  @Test
  void aLayerPausedRightAfterCreationIsListedPausedByItsId() {
    for (int round = 0; round < 5; round++) {
      JsonNode job = create(twoLayers());
      String later = job.path("layers").get(1).path("id").asText();
      HttpApi.Answer paused =
          api.patch("/api/v1/pause", "[{\"kind\": \"Layer\", \"id\": \"" + later + "\"}]");
      assertThat(paused.body().path("updated").asInt()).isEqualTo(1);

      JsonNode layers = ok(api.get("/api/v1/layers?layer_ids=" + later));

      assertThat(layers).hasSize(1);
      assertThat(layers.get(0).path("paused_at").asLong()).isPositive();
      assertThat(layers.get(0).path("etag").asText())
          .isNotEqualTo(job.path("layers").get(1).path("etag").asText());
    }
  }

  @Test
  void aTaskAddedAndALayerCreatedAreReadByTheirIdsAtOnce() {
    JsonNode job = create(twoLayers());
    String later = job.path("layers").get(1).path("id").asText();

    JsonNode layer = ok(api.get("/api/v1/layers/" + later));
    HttpApi.Answer added =
        api.post(
            "/api/v1/tasks",
            "[{\"layer_id\": \"" + later + "\", \"type\": \"noop\", \"name\": \"n\"}]");
    assertThat(added.status()).as(added.text()).isEqualTo(200);
    String taskId = added.body().get(0).path("id").asText();
    JsonNode task = ok(api.get("/api/v1/tasks/" + taskId));
    JsonNode byTaskId = ok(api.get("/api/v1/tasks?task_ids=" + taskId));

    assertThat(layer.path("id").asText()).isEqualTo(later);
    assertThat(task.path("etag").asText()).isEqualTo(added.body().get(0).path("etag").asText());
    assertThat(byTaskId).hasSize(1);
  }

  @Test
  void aReadOfMoreJobsThanTheBoundSeesThemAll() {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      ids.add(create(twoLayers()).path("id").asText());
    }

    JsonNode jobs = ok(api.get("/api/v1/jobs?job_ids=" + String.join(",", ids)));
    JsonNode tasks = ok(api.get("/api/v1/tasks?job_ids=" + String.join(",", ids)));

    assertThat(jobs).hasSize(3);
    assertThat(tasks).hasSize(6);
  }

  @Test
  void unknownIdsAreAnsweredAtOnce() {
    long start = System.nanoTime();

    JsonNode tasks = ok(api.get("/api/v1/tasks?job_ids=" + Identifiers.newId()));
    HttpApi.Answer layer = api.get("/api/v1/layers/" + Identifiers.newId());

    assertThat(tasks).isEmpty();
    assertThat(layer.status()).isEqualTo(404);
    assertThat(System.nanoTime() - start).isLessThan(5_000_000_000L);
  }

  private static String twoLayers() {
    return "{\"name\": \"ryw\", \"layers\": ["
        + "{\"name\": \"now\", \"tasks\": [{\"type\": \"noop\"}]},"
        + "{\"name\": \"later\", \"priority\": 1, \"tasks\": [{\"type\": \"noop\"}]}]}";
  }

  private static JsonNode create(String body) {
    return ok(api.post("/api/v1/jobs", body));
  }

  private static JsonNode ok(HttpApi.Answer answer) {
    assertThat(answer.status()).as(answer.text()).isEqualTo(200);
    return answer.body();
  }

  private static Map<String, String> etags(JsonNode list) {
    Map<String, String> etags = new HashMap<>();
    list.forEach(x -> etags.put(x.path("id").asText(), x.path("etag").asText()));
    return etags;
  }

  private static Map<String, String> taskEtags(JsonNode job) {
    Map<String, String> etags = new HashMap<>();
    job.path("layers")
        .forEach(
            l ->
                l.path("tasks")
                    .forEach(t -> etags.put(t.path("id").asText(), t.path("etag").asText())));
    return etags;
  }

  private static Map<String, String> layerEtags(JsonNode job) {
    Map<String, String> etags = new HashMap<>();
    job.path("layers").forEach(l -> etags.put(l.path("id").asText(), l.path("etag").asText()));
    return etags;
  }
}
