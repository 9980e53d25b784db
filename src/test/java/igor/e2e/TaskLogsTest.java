package igor.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import igor.app.IgorNode;
import igor.client.IgorClient;
import igor.client.TaskLogs;
import igor.testing.EventStream;
import igor.testing.HttpApi;
import igor.testing.IgorProcess;
import igor.testing.TemporaryDirectories;
import igor.testing.TestDatabase;
import igor.testing.TestNode;
import igor.testing.TestRedis;
import igor.testing.TestTime;
import igor.worker.api.TaskContext;
import igor.worker.api.TaskHandler;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.redisson.api.RedissonClient;
import org.redisson.api.stream.StreamAddArgs;
import org.redisson.client.codec.StringCodec;

/**
 * Log lines and progress of running attempts (docs/adr/0014-task-output.md), end to end: a Java
 * worker process (`igor worker`, whose built-in sleep logs and reports progress) seen live on the
 * event stream and read back over HTTP after the end; and the bounds of a node (oldest lines
 * dropped, long lines cut, hostile text made safe, bad entries set aside while the reader goes on).
 */
class TaskLogsTest {
  private static final Duration WAIT = TestTime.scaled(Duration.ofSeconds(60));
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void aWorkerProcessLogsAndReportsProgressLiveAndReadableAfterTheEnd() throws Exception {
    try (TestDatabase db = TestDatabase.create();
        TestRedis redis = TestRedis.create();
        IgorNode node = TestNode.start(db, redis, List.of())) {
      HttpApi api = new HttpApi(node.httpPort());
      Path log = TemporaryDirectories.create("task-logs").resolve("worker.log");
      try (IgorProcess worker =
              IgorProcess.start(
                  "worker",
                  "worker",
                  Map.of(
                      "IGOR_REDIS_URL", redis.url(),
                      "IGOR_REDIS_KEY_PREFIX", redis.prefix()),
                  List.of("-Xmx256m"),
                  log);
          EventStream events = EventStream.open(node.httpPort(), "", null);
          EventStream withoutOutput = EventStream.open(node.httpPort(), "?output=false", null)) {
        String jobId =
            api.createJob(
                "{\"layers\": [{\"tasks\": [{\"type\": \"sleep\", \"args\": \"Mw==\"}]}]}");
        List<EventStream.Event> seen = events.until(e -> "task_completed".equals(e.type()), WAIT);
        List<String> types = seen.stream().map(EventStream.Event::type).toList();
        // live: the lines and progress came while the attempt ran, before it completed
        assertThat(types).contains("task_log", "task_progress");
        EventStream.Event firstLog =
            seen.stream().filter(e -> "task_log".equals(e.type())).findFirst().orElseThrow();
        assertThat(firstLog.id()).isNull();
        assertThat(firstLog.data().path("job_id").asText()).isEqualTo(jobId);
        assertThat(firstLog.data().path("line").asText()).isEqualTo("sleeping 3.0 s");
        assertThat(firstLog.data().path("level").asText()).isEqualTo("info");
        assertThat(
                seen.stream()
                    .filter(e -> "task_progress".equals(e.type()))
                    .map(e -> e.data().path("progress").asDouble()))
            .allSatisfy(p -> assertThat(p).isBetween(0.0, 1.0));
        String taskId = firstLog.data().path("task_id").asText();
        assertThat(
                withoutOutput.until(e -> "task_completed".equals(e.type()), WAIT).stream()
                    .map(EventStream.Event::type))
            .doesNotContain("task_log", "task_progress");

        // after the end: from the endpoint
        HttpApi.Answer logs =
            api.awaitGet(
                "/api/v1/tasks/" + taskId + "/logs",
                a ->
                    a.status() == 200
                        && a.body().path("attempts").path(0).path("lines").size() == 2,
                WAIT);
        JsonNode attempt = logs.body().path("attempts").path(0);
        assertThat(logs.body().path("job_id").asText()).isEqualTo(jobId);
        assertThat(attempt.path("attempt").asInt()).isEqualTo(1);
        assertThat(attempt.path("progress").asDouble()).isEqualTo(1.0);
        assertThat(attempt.path("dropped").asLong()).isZero();
        assertThat(attempt.path("lines").findValuesAsText("line"))
            .containsExactly("sleeping 3.0 s", "slept 3.0 s");
        assertThat(attempt.path("lines").path(0).path("at").asText()).endsWith("Z");
        // and through the Java client
        TaskLogs read = IgorClient.connect("http://127.0.0.1:" + node.httpPort()).taskLogs(taskId);
        assertThat(read.jobId()).isEqualTo(jobId);
        assertThat(read.attempts().get(0).progress()).isEqualTo(1.0);
        assertThat(read.attempts().get(0).lines())
            .extracting(TaskLogs.Line::line)
            .containsExactly("sleeping 3.0 s", "slept 3.0 s");
      }
    }
  }

  /** Logs 12 numbered lines, one with a NUL, one far over the byte limit, and half progress. */
  private static final class Chatty implements TaskHandler {
    @Override
    public String type() {
      return "chatty";
    }

    @Override
    public byte[] handle(TaskContext context) {
      for (int i = 1; i <= 12; i++) {
        context.log("line " + i);
      }
      context.log("warn", "a\u0000b\ud800c");
      context.log("error", "é".repeat(200));
      context.progress(0.5);
      return null;
    }
  }

  @Test
  void aNodeKeepsTheNewestLinesCutsLongOnesAndSetsAsideBadEntriesWithoutStalling()
      throws Exception {
    try (TestNode.Running igor =
        TestNode.running(
            List.of(new Chatty()),
            Map.of(
                "igor.task-output.lines-per-attempt", 5,
                "igor.task-output.max-line-bytes", 100))) {
      RedissonClient redis = igor.redis().client();
      String prefix = igor.redis().prefix();
      var stream = redis.<String, String>getStream(prefix + ":logs", StringCodec.INSTANCE);
      String unknownTask = "00000000-0000-4000-8000-000000000001";
      String head =
          "{\"v\":1,\"job_id\":\"" + unknownTask + "\",\"task_id\":\"" + unknownTask + "\",";
      stream.add(StreamAddArgs.entry("entry", "not json"));
      stream.add(
          StreamAddArgs.entry(
              "entry", head + "\"kind\":\"log\",\"attempt\":1,\"level\":\"loud\",\"line\":\"x\"}"));
      stream.add(
          StreamAddArgs.entry(
              "entry", head + "\"kind\":\"progress\",\"attempt\":1,\"progress\":2}"));
      // well formed, but no such attempt was ever taken: dropped, not a dead letter
      stream.add(
          StreamAddArgs.entry(
              "entry", head + "\"kind\":\"log\",\"attempt\":1,\"line\":\"ghost\"}"));

      String jobId = igor.api().createJob("{\"layers\": [{\"tasks\": [{\"type\": \"chatty\"}]}]}");
      JsonNode job = igor.api().awaitJob(jobId, HttpApi.status("COMPLETED"), WAIT);
      String taskId = job.path("layers").path(0).path("tasks").path(0).path("id").asText();
      HttpApi.Answer logs =
          igor.api()
              .awaitGet(
                  "/api/v1/tasks/" + taskId + "/logs",
                  a ->
                      a.status() == 200
                          && a.body().path("attempts").path(0).path("sent").asLong() == 14,
                  WAIT);
      JsonNode attempt = logs.body().path("attempts").path(0);
      assertThat(attempt.path("progress").asDouble()).isEqualTo(0.5);
      assertThat(attempt.path("dropped").asLong()).isEqualTo(9);
      List<String> lines = attempt.path("lines").findValuesAsText("line");
      assertThat(lines.subList(0, 3)).containsExactly("line 10", "line 11", "line 12");
      assertThat(lines.get(3)).isEqualTo("a\ufffdb\ufffdc");
      assertThat(lines.get(4)).endsWith(" [truncated]").startsWith("éé");
      assertThat(lines.get(4).getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(100);
      assertThat(attempt.path("lines").findValuesAsText("level"))
          .containsExactly("info", "info", "info", "warn", "error");

      // paging
      JsonNode page =
          igor.api().get("/api/v1/tasks/" + taskId + "/logs?attempt=1&after=11&limit=2").body();
      assertThat(page.path("attempts").path(0).path("lines").findValuesAsText("line"))
          .containsExactly("line 12", "a\ufffdb\ufffdc");
      assertThat(page.path("attempts").path(0).path("next_after").asLong()).isEqualTo(13);
      assertThat(igor.api().get("/api/v1/tasks/" + taskId + "/logs?limit=0").status())
          .isEqualTo(400);
      assertThat(igor.api().get("/api/v1/tasks/" + unknownTask + "/logs").status()).isEqualTo(404);

      List<String> deadLetters =
          redis.<String>getList(prefix + ":dead-letters", StringCodec.INSTANCE).readAll();
      List<String> problems = new ArrayList<>();
      for (String d : deadLetters) {
        problems.add(JSON.readTree(d).path("problem").asText());
      }
      assertThat(problems)
          .hasSize(3)
          .anySatisfy(p -> assertThat(p).contains("not JSON"))
          .anySatisfy(p -> assertThat(p).contains("'level'"))
          .anySatisfy(p -> assertThat(p).contains("'progress'"));
      assertThat(stream.size()).isZero();
    }
  }
}
