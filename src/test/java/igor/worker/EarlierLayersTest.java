package igor.worker;

import static igor.testing.HttpApi.status;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import igor.client.IgorClient;
import igor.client.LayerResult;
import igor.client.Status;
import igor.testing.HttpApi;
import igor.testing.TestNode;
import igor.testing.TestTime;
import igor.worker.api.TaskContext;
import igor.worker.api.TaskFailedException;
import igor.worker.api.TaskHandler;
import igor.worker.api.Worker;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What a Java handler knows beyond its own task: the retries left after its attempt, and the
 * results of the earlier layers of its job (read through the HTTP API, a page at a time).
 */
class EarlierLayersTest {
  private static final Duration WAIT = TestTime.scaled(Duration.ofSeconds(60));
  private static TestNode.Running igor;

  @BeforeAll
  static void startNode() {
    igor = TestNode.running(List.of(), Map.of("igor.jobs.retry-initial-delay", "10ms"));
  }

  @AfterAll
  static void stopNode() {
    igor.close();
  }

  private static Worker.Builder worker() {
    return Worker.connect(igor.redis().url()).keyPrefix(igor.redis().prefix());
  }

  private static String apiUrl() {
    return "http://127.0.0.1:" + igor.node().httpPort();
  }

  private static TaskHandler handler(String type, Handle handle) {
    return new TaskHandler() {
      @Override
      public String type() {
        return type;
      }

      @Override
      public byte[] handle(TaskContext c) throws Exception {
        return handle.handle(c);
      }
    };
  }

  private interface Handle {
    byte[] handle(TaskContext c) throws Exception;
  }

  private static String args(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void aLaterLayersHandlerReadsTheResultsOfAnEarlierLayerAndCompletesWithWhatItMadeOfThem() {
    int squares = 230; // more than two pages of the default 100
    List<Integer> seenCount = new CopyOnWriteArrayList<>();
    TaskHandler square =
        handler(
            "square",
            c -> {
              int n = Integer.parseInt(c.argsAsText());
              return String.valueOf(n * n).getBytes(StandardCharsets.UTF_8);
            });
    TaskHandler sum =
        handler(
            "sum",
            c -> {
              long total = 0;
              int count = 0;
              for (LayerResult r : c.results("squares")) {
                if (r.status() != Status.COMPLETED) {
                  throw new TaskFailedException("task " + r.taskId() + " is " + r.status(), false);
                }
                total += Long.parseLong(r.resultAsText());
                count++;
              }
              seenCount.add(count);
              return String.valueOf(total).getBytes(StandardCharsets.UTF_8);
            });
    StringBuilder tasks = new StringBuilder();
    long expected = 0;
    for (int i = 1; i <= squares; i++) {
      tasks
          .append(i > 1 ? "," : "")
          .append("{\"type\":\"square\",\"args\":\"")
          .append(args("" + i))
          .append("\"}");
      expected += (long) i * i;
    }
    JsonNode job;
    try (Worker w =
        worker().apiUrl(apiUrl()).concurrency(4).register(square).register(sum).start()) {
      String jobId =
          igor.api()
              .createJob(
                  "{\"name\":\"sum of squares\",\"layers\":["
                      + "{\"name\":\"squares\",\"priority\":0,\"tasks\":["
                      + tasks
                      + "]},{\"name\":\"total\",\"priority\":1,\"tasks\":[{\"type\":\"sum\",\"name\":\"sum\"}]}]}");
      job = igor.api().awaitJob(jobId, status("COMPLETED"), WAIT);
    }

    JsonNode total = job.at("/layers/1/tasks/0");
    assertThat(
            new String(
                Base64.getDecoder().decode(total.path("result").asText()), StandardCharsets.UTF_8))
        .isEqualTo(String.valueOf(expected));
    assertThat(seenCount).containsExactly(squares);

    IgorClient client = IgorClient.connect(apiUrl());
    List<String> fromClient = new ArrayList<>();
    for (LayerResult r : client.results(job.path("id").asText(), "squares")) {
      fromClient.add(r.taskId());
    }
    assertThat(fromClient).hasSize(squares).doesNotHaveDuplicates();
    assertThat(client.resultsPage(job.path("id").asText(), "squares", null, 30).results())
        .hasSize(30);
  }

  @Test
  void aWorkerWithoutAnApiUrlIsToldWhichSettingIsMissing() {
    Map<String, String> problems = new ConcurrentHashMap<>();
    TaskHandler reader =
        handler(
            "reader-without-api",
            c -> {
              try {
                c.results("anything").iterator().hasNext();
                return null;
              } catch (IllegalStateException e) {
                problems.put(c.taskId(), e.getMessage());
                return e.getMessage().getBytes(StandardCharsets.UTF_8);
              }
            });
    try (Worker w = worker().apiUrl("").register(reader).start()) {
      String jobId =
          igor.api().createJob("{\"layers\":[{\"tasks\":[{\"type\":\"reader-without-api\"}]}]}");
      igor.api().awaitJob(jobId, status("COMPLETED"), WAIT);
    }
    assertThat(problems.values())
        .singleElement()
        .asString()
        .contains("no API URL")
        .contains("apiUrl")
        .contains("IGOR_API_URL");
  }

  @Test
  void eachAttemptKnowsTheRetriesLeftAfterIt() {
    List<Integer> left = new CopyOnWriteArrayList<>();
    List<Integer> attempts = new CopyOnWriteArrayList<>();
    TaskHandler flaky =
        handler(
            "flaky",
            c -> {
              attempts.add(c.attempt());
              left.add(c.retriesLeft());
              throw new TaskFailedException("not yet", true);
            });
    HttpApi.Answer created;
    try (Worker w = worker().apiUrl(apiUrl()).register(flaky).start()) {
      created =
          igor.api()
              .post(
                  "/api/v1/jobs",
                  "{\"layers\":[{\"tasks\":[{\"type\":\"flaky\",\"retries\":3}]}]}");
      assertThat(created.status()).as(created.text()).isEqualTo(200);
      igor.api().awaitJob(created.body().path("id").asText(), status("ERRORED"), WAIT);
    }
    assertThat(attempts).containsExactly(1, 2, 3, 4);
    assertThat(left).containsExactly(3, 2, 1, 0);
  }
}
