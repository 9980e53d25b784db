package igor.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import igor.client.IgorClient;
import igor.domain.JobPlan;
import igor.domain.LayerPlan;
import igor.domain.ScheduleDecider;
import igor.domain.TaskPlan;
import igor.entity.ScheduledJobs;
import igor.service.ScheduledJobsOverJobService;
import igor.testing.HttpApi;
import igor.testing.TestNode;
import igor.worker.builtin.BuiltinHandlers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Schedules on a node with the machine's PostgreSQL and Redis, in real time: a schedule every
 * second fires consecutive due times, each a job of its own named after it; bad input is refused
 * naming the field and the limit; the Java client reads and steers schedules.
 */
class SchedulesTest {
  private static TestNode.Running igor;
  private static HttpApi api;

  @BeforeAll
  static void start() {
    igor = TestNode.running(BuiltinHandlers.all());
    api = igor.api();
  }

  @AfterAll
  static void stop() {
    igor.close();
  }

  @Test
  void aScheduleEverySecondFiresEachDueTimeOnceAsAJobNamedAfterIt() throws Exception {
    HttpApi.Answer created =
        api.post(
            "/api/v1/schedules",
            "{\"name\": \"tick\", \"cron\": \"* * * * * *\", \"overlap\": \"allow\", \"job\":"
                + " {\"layers\": [{\"tasks\": [{\"type\": \"noop\"}]}]}}");
    assertThat(created.status()).as(created.text()).isEqualTo(200);
    String id = created.body().path("id").asText();
    HttpApi.Answer read =
        api.awaitGet(
            "/api/v1/schedules/" + id,
            a -> a.body().path("fires").asInt() >= 4,
            Duration.ofSeconds(60));
    JsonNode fires = read.body().path("recent_fires");
    List<Long> due = new ArrayList<>();
    fires.forEach(f -> due.add(f.path("due_at").asLong()));
    for (int i = 1; i < due.size(); i++) {
      assertThat(due.get(i - 1) - due.get(i)).as("newest first, a second apart: %s", due).isOne();
    }
    JsonNode oldest = fires.get(fires.size() - 1);
    JsonNode job =
        api.awaitGet(
                "/api/v1/jobs/" + oldest.path("job_id").asText(),
                a -> a.status() == 200,
                Duration.ofSeconds(30))
            .body();
    assertThat(job.path("name").asText()).startsWith("tick@");
    assertThat(read.body().path("next_fire_at").asLong()).isGreaterThan(due.get(0));
    assertThat(
            api.send(
                    java.net.http.HttpRequest.newBuilder()
                        .uri(java.net.URI.create(base() + "/api/v1/schedules/" + id))
                        .DELETE())
                .status())
        .isEqualTo(200);
    assertThat(api.get("/api/v1/schedules/" + id).status()).isEqualTo(404);
  }

  @Test
  void badSchedulesAreRefusedNamingTheFieldAndTheLimit() {
    String job = "\"job\": {\"layers\": [{\"tasks\": [{\"type\": \"noop\"}]}]}";
    assertThat(api.post("/api/v1/schedules", "{\"cron\": \"0 61 * * * *\", " + job + "}").error())
        .contains("field 'cron'");
    assertThat(
            api.post(
                    "/api/v1/schedules",
                    "{\"cron\": \"* * * * *\", \"time_zone\": \"Mars/Olympus\", " + job + "}")
                .error())
        .contains("field 'time_zone'");
    assertThat(
            api.post(
                    "/api/v1/schedules",
                    "{\"cron\": \"* * * * *\", \"catch_up\": \"all\", \"catch_up_limit\": 1000, "
                        + job
                        + "}")
                .error())
        .contains("igor.schedules.max-catch-up");
    assertThat(
            api.post(
                    "/api/v1/schedules",
                    "{\"cron\": \"* * * * *\", \"job\": {\"layers\": [{\"tasks\": [{}]}]}}")
                .error())
        .contains("field 'job.layers[0].tasks[0].type'");
    assertThat(api.post("/api/v1/schedules", "{\"cron\": \"* * * * *\"}").status()).isEqualTo(400);
    assertThat(api.get("/api/v1/schedules/" + java.util.UUID.randomUUID()).status()).isEqualTo(404);
  }

  @Test
  void theJavaClientCreatesTriggersPausesAndDeletesASchedule() throws Exception {
    IgorClient client = IgorClient.builder(base()).build();
    String created =
        client.createScheduleJson(
            "{\"name\": \"daily\", \"cron\": \"0 0 3 * * *\", \"time_zone\": \"Europe/Paris\","
                + " \"job\": {\"layers\": [{\"tasks\": [{\"type\": \"noop\"}]}]}}");
    String id =
        new com.fasterxml.jackson.databind.ObjectMapper().readTree(created).path("id").asText();
    assertThat(client.schedulesJson()).contains(id);
    assertThat(client.actOnSchedule(id, "trigger")).contains("\"manual\":true");
    assertThat(client.actOnSchedule(id, "pause")).contains("\"paused\":true");
    assertThat(client.scheduleJson(id)).contains("\"next_fire_at\":0");
    assertThat(client.actOnSchedule(id, "unpause")).contains("\"paused\":false");
    client.actOnSchedule(id, "delete");
    assertThat(client.schedulesJson()).doesNotContain(id);
  }

  @Test
  void aFiredJobCreatedAgainIsTheSameJobNotASecondOne() throws Exception {
    var jobs = new ScheduledJobsOverJobService(igor.node().jobs());
    String jobId = ScheduleDecider.jobIdOf(java.util.UUID.randomUUID().toString(), 0);
    String layer = java.util.UUID.randomUUID().toString();
    JobPlan plan =
        new JobPlan(
            jobId,
            "again@1970-01-01T00:00:00Z",
            0,
            List.of(new LayerPlan(layer, "only", 0, 0)),
            List.of(
                new TaskPlan(
                    java.util.UUID.randomUUID().toString(), layer, "noop", "", null, 0, 0)));
    assertThat(jobs.create(plan).toCompletableFuture().get().outcome())
        .isEqualTo(ScheduledJobs.Outcome.CREATED);
    assertThat(jobs.create(plan).toCompletableFuture().get().outcome())
        .as("the same fire's job created again")
        .isEqualTo(ScheduledJobs.Outcome.CREATED);
    JsonNode job = api.get("/api/v1/jobs/" + jobId).body();
    assertThat(job.path("layers")).hasSize(1);
    assertThat(job.path("layers").get(0).path("tasks")).hasSize(1);
  }

  private static String base() {
    return "http://127.0.0.1:" + igor.node().httpPort();
  }
}
