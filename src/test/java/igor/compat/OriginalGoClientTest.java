package igor.compat;

import static igor.compat.GoShapes.JOB;
import static igor.compat.GoShapes.LAYER;
import static igor.compat.GoShapes.TASK;
import static igor.compat.GoShapes.UPDATE_RESPONSE;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import igor.compat.GoClient.CreateJobRequest;
import igor.compat.GoClient.CreateTaskRequest;
import igor.compat.GoClient.LayerRequest;
import igor.compat.GoClient.ObjectRef;
import igor.compat.GoClient.Query;
import igor.compat.GoClient.TaskSpec;
import igor.testing.TestNode;
import igor.worker.api.TaskContext;
import igor.worker.api.TaskFailedException;
import igor.worker.api.TaskHandler;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The original Go Igor's two end-to-end flows (its tests/end_to_end_test.go, TestJob01 and
 * TestJob02, with its tests/data), sent as its Go client sends them ({@link GoClient}), each answer
 * checked as its structs decode it ({@link GoShapes}), with the flows' own assertions. Its worker
 * is played by two handlers: "sleep" sleeps a moment, "die" fails.
 */
class OriginalGoClientTest {
  private static final Duration FINISH = Duration.ofSeconds(60);
  private static final Set<String> FINAL = Set.of("COMPLETED", "SKIPPED", "ERRORED", "KILLED");
  private static TestNode.Running running;
  private static GoClient client;

  @BeforeAll
  static void startNodeWithTheOriginalsTaskTypes() {
    running = TestNode.running(List.of(handler("sleep", false), handler("die", true)));
    client = new GoClient("http://127.0.0.1:" + running.node().httpPort());
  }

  @AfterAll
  static void stopNode() {
    running.close();
  }

  private static TaskHandler handler(String type, boolean dies) {
    return new TaskHandler() {
      @Override
      public String type() {
        return type;
      }

      @Override
      public byte[] handle(TaskContext context) throws Exception {
        if (dies) {
          throw new TaskFailedException("boom");
        }
        Thread.sleep(200);
        return null;
      }
    };
  }

  /** tests/data/test_job_01.json as the Go client marshals it. */
  private static CreateJobRequest testJob01Data() {
    return new CreateJobRequest(
        "test-job-01",
        List.of(
            new LayerRequest(
                "test-layer-01",
                100,
                0,
                List.of(
                    sleep("test-task-01-01", "1", 0, 0),
                    sleep("test-task-01-02", "2", 0, 0),
                    sleep("test-task-01-03", "3", 50, 1))),
            new LayerRequest(
                "test-layer-02",
                100,
                0,
                List.of(
                    sleep("test-task-02-01", "4", 0, 0),
                    sleep("test-task-02-02", "5", 0, 0),
                    sleep("test-task-02-03", "6", 0, 0))),
            new LayerRequest("test-layer-03", 0, 10, List.of())));
  }

  private static TaskSpec sleep(String name, String seconds, long pausedAt, long retries) {
    return new TaskSpec("sleep", seconds.getBytes(StandardCharsets.UTF_8), name, pausedAt, retries);
  }

  /** tests/data/test_job_02.json: no args (nil), nothing paused. */
  private static CreateJobRequest testJob02Data() {
    return new CreateJobRequest(
        "test-job-02",
        List.of(
            new LayerRequest(
                "test-layer-01",
                0,
                0,
                List.of(
                    new TaskSpec("die", null, "test-task-01-01", 0, 0),
                    new TaskSpec("sleep", null, "test-task-01-02", 0, 0))),
            new LayerRequest(
                "test-layer-02",
                0,
                0,
                List.of(new TaskSpec("die", null, "test-task-02-01", 0, 0)))));
  }

  @Test
  void theRequestsAreWrittenAsTheGoClientWritesThem() {
    assertThat(GoClient.jobJson(testJob02Data()))
        .isEqualTo(
            "{\"name\":\"test-job-02\",\"layers\":[{\"name\":\"test-layer-01\",\"paused_at\":0,"
                + "\"priority\":0,\"Tasks\":[{\"type\":\"die\",\"args\":null,\"name\":"
                + "\"test-task-01-01\",\"paused_at\":0,\"retries\":0},{\"type\":\"sleep\","
                + "\"args\":null,\"name\":\"test-task-01-02\",\"paused_at\":0,\"retries\":0}]},"
                + "{\"name\":\"test-layer-02\",\"paused_at\":0,\"priority\":0,\"Tasks\":"
                + "[{\"type\":\"die\",\"args\":null,\"name\":\"test-task-02-01\",\"paused_at\":0,"
                + "\"retries\":0}]}]}");
    assertThat(GoClient.jobJson(testJob01Data()))
        .contains("\"args\":\"MQ==\"")
        .contains("\"Tasks\":[]");
    assertThat(GoClient.queryString(Query.byJobs(100, "j"))).isEqualTo("job_ids=j&limit=100");
    assertThat(GoClient.queryString(Query.byTasks(5, "t"))).isEqualTo("limit=5&task_ids=t");
    assertThat(
            GoClient.queryString(
                new Query(
                    0, 0, List.of("j"), List.of("l"), List.of("t1", "t2"), List.of("RUNNING"))))
        .isEqualTo("job_ids=j&layer_ids=l&limit=1000&statuses=RUNNING&task_ids=t1&task_ids=t2");
  }

  /**
   * TestJob01: three layers (two paused, one empty), read back by job at once, a task added to the
   * empty layer, the paused layers and task unpaused by their etags, then the job completes.
   */
  @Test
  void theFlowOfTestJob01PassesAsTheGoClientSendsIt() {
    JsonNode job = client.createJob(testJob01Data());
    GoShapes.assertCreateJobResponse(job);
    String jobId = job.get("id").asText();
    Query query = Query.byJobs(100, jobId);

    JsonNode jobs = client.jobs(query);
    GoShapes.assertListOf(JOB, jobs, "jobs");
    assertThat(jobs).hasSize(1);
    assertThat(jobs.get(0).get("id").asText()).isEqualTo(jobId);
    assertThat(jobs.get(0).get("name").asText()).isEqualTo(job.get("name").asText());
    assertThat(jobs.get(0).get("etag").asText()).isNotEmpty();
    assertThat(jobs.get(0).get("created_at").asLong()).isNotZero();
    assertThat(jobs.get(0).get("updated_at").asLong()).isNotZero();

    JsonNode layers = client.layers(query);
    GoShapes.assertListOf(LAYER, layers, "layers");
    assertThat(layers).hasSize(3);
    Map<String, JsonNode> layerMap = byId(layers);
    for (JsonNode original : job.get("layers")) {
      JsonNode layer = layerMap.get(original.get("id").asText());
      assertThat(layer).as("layer " + original.get("id")).isNotNull();
      assertThat(layer.get("job_id").asText()).isEqualTo(jobId);
      assertThat(layer.get("name").asText()).isEqualTo(original.get("name").asText());
      assertThat(layer.get("paused_at").asLong()).isEqualTo(original.get("paused_at").asLong());
      assertThat(layer.get("etag").asText()).isNotEmpty();
      assertThat(layer.get("created_at").asLong()).isNotZero();
      assertThat(layer.get("updated_at").asLong()).isNotZero();
    }

    JsonNode tasks = client.tasks(query);
    GoShapes.assertListOf(TASK, tasks, "tasks");
    assertThat(tasks).hasSize(6);
    Map<String, JsonNode> taskMap = byId(tasks);

    List<ObjectRef> toUnpause = new ArrayList<>();
    String zeroTaskLayerId = "";
    for (JsonNode original : job.get("layers")) {
      String layerId = original.get("id").asText();
      if (original.get("tasks").isEmpty()) {
        zeroTaskLayerId = layerId;
      }
      if (original.get("paused_at").asLong() > 0) {
        toUnpause.add(new ObjectRef("Layer", layerId, original.get("etag").asText()));
      }
      for (JsonNode originalTask : original.get("tasks")) {
        JsonNode task = taskMap.get(originalTask.get("id").asText());
        assertThat(task).as("task " + originalTask.get("id")).isNotNull();
        assertThat(task.get("name").asText()).isEqualTo(originalTask.get("name").asText());
        assertThat(task.get("paused_at").asLong())
            .isEqualTo(originalTask.get("paused_at").asLong());
        assertThat(task.get("layer_id").asText()).isEqualTo(layerId);
        assertThat(task.get("job_id").asText()).isEqualTo(jobId);
        assertThat(task.get("etag").asText()).isNotEmpty();
        assertThat(task.get("created_at").asLong()).isNotZero();
        assertThat(task.get("updated_at").asLong()).isNotZero();
        if (task.get("paused_at").asLong() > 0) {
          toUnpause.add(new ObjectRef("Task", task.get("id").asText(), task.get("etag").asText()));
        }
      }
    }

    assertThat(zeroTaskLayerId).isNotEmpty();
    JsonNode newTasks =
        client.createTasks(
            List.of(
                new CreateTaskRequest(
                    new TaskSpec("sleep", null, "added-task", 0, 0), zeroTaskLayerId)));
    GoShapes.assertListOf(TASK, newTasks, "created tasks");
    assertThat(newTasks).hasSize(1);
    assertThat(newTasks.get(0).get("name").asText()).isEqualTo("added-task");
    assertThat(newTasks.get(0).get("layer_id").asText()).isEqualTo(zeroTaskLayerId);

    JsonNode info = client.unpause(toUnpause);
    GoShapes.assertObject(UPDATE_RESPONSE, info, "UpdateResponse");
    assertThat(toUnpause).hasSize(3);
    assertThat(info.get("updated").asLong()).isEqualTo(toUnpause.size());

    JsonNode finished = awaitFinal(() -> single(client.jobs(query), JOB, "jobs"));
    assertThat(finished.get("status").asText()).isEqualTo("COMPLETED");
  }

  /**
   * TestJob02: two layers whose first tasks die; read back by job at once; the errored task and
   * layer awaited by their ids, skipped with the etags read, and the job completes.
   */
  @Test
  void theFlowOfTestJob02PassesAsTheGoClientSendsIt() {
    JsonNode job = client.createJob(testJob02Data());
    GoShapes.assertCreateJobResponse(job);
    Query query = Query.byJobs(100, job.get("id").asText());

    JsonNode jobs = client.jobs(query);
    GoShapes.assertListOf(JOB, jobs, "jobs");
    assertThat(jobs).hasSize(1);
    JsonNode layers = client.layers(query);
    GoShapes.assertListOf(LAYER, layers, "layers");
    assertThat(layers).hasSize(2);
    JsonNode tasks = client.tasks(query);
    GoShapes.assertListOf(TASK, tasks, "tasks");
    assertThat(tasks).hasSize(3);

    String skipLayerId = "";
    String skipTaskId = "";
    for (JsonNode l : job.get("layers")) {
      if (l.get("name").asText().equals("test-layer-02")) {
        skipLayerId = l.get("id").asText();
      }
      for (JsonNode t : l.get("tasks")) {
        if (t.get("name").asText().equals("test-task-01-01")) {
          skipTaskId = t.get("id").asText();
        }
      }
    }
    String taskId = skipTaskId;
    String layerId = skipLayerId;

    JsonNode task = awaitFinal(() -> single(client.tasks(Query.byTasks(5, taskId)), TASK, "tasks"));
    assertThat(task.get("status").asText()).isEqualTo("ERRORED");
    JsonNode layer =
        awaitFinal(() -> single(client.layers(Query.byLayers(5, layerId)), LAYER, "layers"));
    assertThat(layer.get("status").asText()).isEqualTo("ERRORED");

    JsonNode info =
        client.skip(
            List.of(
                new ObjectRef("Layer", layerId, layer.get("etag").asText()),
                new ObjectRef("Task", taskId, task.get("etag").asText())));
    GoShapes.assertObject(UPDATE_RESPONSE, info, "UpdateResponse");
    assertThat(info.get("updated").asLong()).isEqualTo(2);

    JsonNode finished = awaitFinal(() -> single(client.jobs(query), JOB, "jobs"));
    assertThat(finished.get("status").asText()).isEqualTo("COMPLETED");
  }

  /** A nil slice of refs is marshalled as null: the original answered that it updated nothing. */
  @Test
  void anActionOnANilSliceUpdatesNothing() {
    for (JsonNode info :
        List.of(
            client.pause(null),
            client.unpause(null),
            client.skip(null),
            client.kill(null),
            client.retry(null))) {
      GoShapes.assertObject(UPDATE_RESPONSE, info, "UpdateResponse");
      assertThat(info.get("updated").asLong()).isZero();
    }
  }

  private static JsonNode single(JsonNode list, Map<String, GoShapes.GoType> shape, String what) {
    GoShapes.assertListOf(shape, list, what);
    assertThat(list).hasSize(1);
    return list.get(0);
  }

  private static JsonNode awaitFinal(Supplier<JsonNode> read) {
    long deadline = System.nanoTime() + FINISH.toNanos();
    JsonNode last = null;
    while (System.nanoTime() < deadline) {
      last = read.get();
      if (FINAL.contains(last.get("status").asText())) {
        return last;
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    throw new AssertionError("not final within " + FINISH + ": " + last);
  }

  private static Map<String, JsonNode> byId(JsonNode list) {
    Map<String, JsonNode> byId = new HashMap<>();
    list.forEach(x -> byId.put(x.get("id").asText(), x));
    return byId;
  }
}
