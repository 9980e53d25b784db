package igor.http;

import static igor.testing.HttpApi.status;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import igor.testing.HttpApi;
import igor.testing.TestNode;
import igor.testing.TestTime;
import igor.worker.builtin.BuiltinHandlers;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * GET /api/v1/jobs/{id}/results on a real node (PostgreSQL, Redis, the built-in echo worker, whose
 * result is its args): every task of the layers of one name, in pages bounded in count and in
 * bytes, exact right after the job finished, and clear errors for what it cannot answer.
 */
class ResultsApiTest {
  private static final Duration WAIT = TestTime.scaled(Duration.ofSeconds(60));
  private static final int BUDGET = 500_000;
  private static TestNode.Running running;
  private static HttpApi api;

  @BeforeAll
  static void startNode() {
    running =
        TestNode.running(
            BuiltinHandlers.all(),
            Map.of(
                "igor.limits.max-args-bytes", 600_000,
                "igor.limits.max-results-page", 200,
                "igor.limits.max-results-page-bytes", BUDGET));
    api = running.api();
  }

  @AfterAll
  static void stopNode() {
    running.close();
  }

  private static String echo(String name, byte[] args) {
    return "{\"type\": \"echo\", \"name\": \""
        + name
        + "\", \"args\": \""
        + Base64.getEncoder().encodeToString(args)
        + "\"}";
  }

  private static String layer(String name, int priority, List<String> tasks) {
    return "{\"name\": \""
        + name
        + "\", \"priority\": "
        + priority
        + ", \"tasks\": ["
        + String.join(",", tasks)
        + "]}";
  }

  private static String job(String... layers) {
    return "{\"name\": \"results\", \"layers\": [" + String.join(",", layers) + "]}";
  }

  private static HttpApi.Answer results(String jobId, String query) {
    return api.get("/api/v1/jobs/" + jobId + "/results?" + query);
  }

  /** Every page of the layer, following next; each page checked to be 200 and at most max. */
  private static List<JsonNode> allPages(String jobId, String layer, int limit) {
    List<JsonNode> pages = new ArrayList<>();
    String after = null;
    do {
      String query =
          "layer="
              + URLEncoder.encode(layer, StandardCharsets.UTF_8)
              + (limit > 0 ? "&limit=" + limit : "")
              + (after == null ? "" : "&after=" + after);
      HttpApi.Answer page = results(jobId, query);
      assertThat(page.status()).as(page.text()).isEqualTo(200);
      assertThat(page.body().path("results").size()).isPositive();
      pages.add(page.body());
      after = page.body().path("next").isNull() ? null : page.body().path("next").asText();
      assertThat(pages).hasSizeLessThan(1_000);
    } while (after != null);
    return pages;
  }

  @Test
  void everyTaskOfTheLayersOfThatNameComesOnceInAStableOrderAndExactRightAfterTheJobEnded() {
    List<String> fetch = new ArrayList<>();
    Map<String, String> expected = new HashMap<>();
    for (int i = 0; i < 130; i++) {
      fetch.add(echo("f" + i, ("r" + i).getBytes(StandardCharsets.UTF_8)));
      expected.put("f" + i, "r" + i);
    }
    List<String> alsoFetch = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      alsoFetch.add(echo("g" + i, ("s" + i).getBytes(StandardCharsets.UTF_8)));
      expected.put("g" + i, "s" + i);
    }
    String jobId =
        api.createJob(
            job(
                layer("fetch", 0, fetch),
                layer("fetch", 1, alsoFetch),
                layer("other", 2, List.of(echo("o", new byte[] {1})))));
    api.awaitJob(jobId, status("COMPLETED"), WAIT);

    List<JsonNode> pages = allPages(jobId, "fetch", 0);
    List<String> order = new ArrayList<>();
    Map<String, String> seen = new HashMap<>();
    for (JsonNode page : pages) {
      assertThat(page.path("results").size()).isLessThanOrEqualTo(100);
      for (JsonNode r : page.path("results")) {
        assertThat(r.path("status").asText()).isEqualTo("COMPLETED");
        assertThat(UUID.fromString(r.path("task_id").asText()).toString())
            .isEqualTo(r.path("task_id").asText());
        order.add(r.path("task_id").asText());
        seen.put(
            r.path("name").asText(),
            new String(
                Base64.getDecoder().decode(r.path("result").asText()), StandardCharsets.UTF_8));
      }
    }
    assertThat(pages).as("the default page is 100 tasks").hasSize(2);
    assertThat(new LinkedHashSet<>(order)).hasSize(137);
    assertThat(seen).isEqualTo(expected);

    List<String> again = new ArrayList<>();
    for (JsonNode page : allPages(jobId, "fetch", 7)) {
      assertThat(page.path("results").size()).isLessThanOrEqualTo(7);
      page.path("results").forEach(r -> again.add(r.path("task_id").asText()));
    }
    assertThat(again).as("the same order, whatever the page size").isEqualTo(order);

    JsonNode other = results(jobId, "layer=other").body();
    assertThat(other.path("results")).hasSize(1);
    assertThat(other.path("next").isNull()).as("next is null, not absent").isTrue();
    assertThat(other.path("results").get(0).path("message").isTextual()).isTrue();
  }

  @Test
  void aPageStopsOnceItsResultsPassTheByteBudgetAndHoldsOneAtLeast() {
    List<String> big = new ArrayList<>();
    byte[] args = new byte[200_000];
    for (int i = 0; i < 5; i++) {
      args[0] = (byte) i;
      big.add(echo("b" + i, args.clone()));
    }
    byte[] huge = new byte[BUDGET + 1_000];
    String jobId =
        api.createJob(job(layer("big", 0, big), layer("huge", 1, List.of(echo("h", huge)))));
    api.awaitJob(jobId, status("COMPLETED"), WAIT);

    List<JsonNode> pages = allPages(jobId, "big", 200);
    List<Integer> sizes = new ArrayList<>();
    Set<Integer> firstBytes = new LinkedHashSet<>();
    for (JsonNode page : pages) {
      sizes.add(page.path("results").size());
      for (JsonNode r : page.path("results")) {
        byte[] result = Base64.getDecoder().decode(r.path("result").asText());
        assertThat(result).hasSize(200_000);
        firstBytes.add((int) result[0]);
      }
    }
    assertThat(sizes)
        .as("0, 200,000 and 400,000 bytes before: under the budget of 500,000; 600,000: not")
        .containsExactly(3, 2);
    assertThat(firstBytes).containsExactlyInAnyOrder(0, 1, 2, 3, 4);

    List<JsonNode> hugePages = allPages(jobId, "huge", 0);
    assertThat(hugePages).hasSize(1);
    assertThat(
            Base64.getDecoder()
                .decode(hugePages.get(0).path("results").get(0).path("result").asText()))
        .as("a result over the budget still comes, alone")
        .hasSize(huge.length);
  }

  @Test
  void layersThatHaveNotFinishedShowTheirTasksAsTheyAreWithoutResults() {
    String jobId =
        api.createJob(
            job(
                layer("waiting", 0, List.of("{\"type\": \"nobody-takes-this\", \"name\": \"w\"}")),
                layer("later", 1, List.of(echo("l", new byte[] {7})))));
    api.awaitJob(jobId, j -> "QUEUED".equals(j.at("/layers/0/tasks/0/status").asText()), WAIT);

    JsonNode waiting = results(jobId, "layer=waiting").body();
    assertThat(waiting.path("results")).hasSize(1);
    JsonNode w = waiting.path("results").get(0);
    assertThat(w.path("status").asText()).isEqualTo("QUEUED");
    assertThat(w.path("name").asText()).isEqualTo("w");
    assertThat(w.path("result").isNull()).as("null, not absent").isTrue();

    JsonNode later = results(jobId, "layer=later").body();
    assertThat(later.path("results").get(0).path("status").asText()).isEqualTo("PENDING");
    assertThat(later.path("results").get(0).path("result").isNull()).isTrue();
  }

  @Test
  void whatCannotBeAnsweredIsAJsonErrorNamingWhy() {
    String jobId = api.createJob(job("{\"tasks\": [" + echo("x", new byte[] {1}) + "]}"));
    api.awaitJob(jobId, status("COMPLETED"), WAIT);

    HttpApi.Answer noLayer = api.get("/api/v1/jobs/" + jobId + "/results");
    assertThat(noLayer.status()).isEqualTo(400);
    assertThat(noLayer.error()).contains("'layer'").contains("required");

    HttpApi.Answer tooLong = results(jobId, "layer=" + "a".repeat(256));
    assertThat(tooLong.status()).isEqualTo(400);
    assertThat(tooLong.error()).contains("'layer'").contains("igor.limits.max-name-length");

    for (String limit : List.of("0", "201", "-1", "many")) {
      HttpApi.Answer bad = results(jobId, "layer=x&limit=" + limit);
      assertThat(bad.status()).as(limit).isEqualTo(400);
      assertThat(bad.error()).contains("'limit'");
    }
    assertThat(results(jobId, "layer=x&limit=201").error())
        .contains("igor.limits.max-results-page");

    for (String after : List.of("nope", "!".repeat(43), "%00", "x".repeat(5_000))) {
      HttpApi.Answer bad = results(jobId, "layer=x&after=" + after);
      assertThat(bad.status()).as(after).isEqualTo(400);
      assertThat(bad.error()).contains("'after'");
    }

    HttpApi.Answer unknownParameter = results(jobId, "layer=x&offset=3");
    assertThat(unknownParameter.status()).isEqualTo(400);
    assertThat(unknownParameter.error()).contains("'offset'");

    HttpApi.Answer twice = results(jobId, "layer=x&layer=y");
    assertThat(twice.status()).isEqualTo(400);

    HttpApi.Answer badId = api.get("/api/v1/jobs/not-a-job/results?layer=x");
    assertThat(badId.status()).isEqualTo(400);
    assertThat(badId.error()).contains("job id");

    HttpApi.Answer noSuchLayer = results(jobId, "layer=fetch");
    assertThat(noSuchLayer.status()).isEqualTo(404);
    assertThat(noSuchLayer.error()).contains("'fetch'");

    String unknownJob = UUID.randomUUID().toString();
    HttpApi.Answer noSuchJob = results(unknownJob, "layer=fetch");
    assertThat(noSuchJob.status()).isEqualTo(404);
    assertThat(noSuchJob.error()).contains(unknownJob);
  }
}
