package igor.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import igor.testing.RequiredTools;
import igor.testing.TestNode;
import igor.worker.builtin.BuiltinHandlers;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The web UI on a real node with built-in workers: how the node serves it, then the UI itself in
 * headless Chromium (ui-tests/e2e.mjs, playwright-core driving Debian's /usr/bin/chromium). Without
 * Chromium or ui-tests/node_modules the browser test fails when the environment variable CI is set,
 * and is skipped, loudly, otherwise; .ci/run installs both. Screenshots go to
 * target/ui-screenshots; -Digor.ui.screenshots=docs/screenshots refreshes the README's.
 */
class BrowserTest {
  private static final Path CHROMIUM =
      Path.of(System.getenv().getOrDefault("CHROMIUM", "/usr/bin/chromium"));
  private static final Path SCRIPT = Path.of("ui-tests/e2e.mjs");
  private static final Path PLAYWRIGHT =
      Path.of("ui-tests/node_modules/playwright-core/package.json");
  private static final Duration BROWSER_TIMEOUT = Duration.ofMinutes(5);
  private static TestNode.Running igor;
  private static String base;
  private static final HttpClient http = HttpClient.newHttpClient();

  /**
   * The node asks for tokens, so the UI's token prompt is part of the run; role admin, so that the
   * Workers page may set and remove a limit.
   */
  private static final String TOKEN = "ui-" + java.util.UUID.randomUUID();

  @BeforeAll
  static void startNode() {
    igor =
        TestNode.running(
            BuiltinHandlers.all(), java.util.Map.of("igor.auth.tokens", "ui:" + TOKEN + ":admin"));
    base = "http://127.0.0.1:" + igor.node().httpPort();
  }

  @AfterAll
  static void stopNode() {
    if (igor != null) {
      igor.close();
    }
  }

  private static HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return http.send(
        HttpRequest.newBuilder(URI.create(base + path))
            .header("Authorization", "Bearer " + TOKEN)
            .timeout(Duration.ofSeconds(10))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void theNodeServesTheUiWithContentTypesAndCaching() throws Exception {
    for (String page :
        List.of("/", "/submit", "/workers", "/schedules", "/jobs/" + java.util.UUID.randomUUID())) {
      HttpResponse<String> r = get(page);
      assertThat(r.statusCode()).as(page).isEqualTo(200);
      assertThat(r.headers().firstValue("Content-Type"))
          .as(page)
          .hasValue("text/html; charset=UTF-8");
      assertThat(r.body()).as(page).contains("<script type=\"module\" src=\"/ui/js/main.js\">");
    }
    HttpResponse<String> js = get("/ui/js/main.js");
    assertThat(js.statusCode()).isEqualTo(200);
    assertThat(js.headers().firstValue("Content-Type"))
        .hasValue("application/javascript; charset=UTF-8");
    assertThat(js.headers().firstValue("Cache-Control")).hasValue("no-cache");
    assertThat(js.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
    assertThat(js.headers().firstValue("ETag")).isPresent();
    assertThat(get("/ui/app.css").headers().firstValue("Content-Type"))
        .hasValue("text/css; charset=UTF-8");

    HttpResponse<String> again =
        http.send(
            HttpRequest.newBuilder(URI.create(base + "/ui/js/main.js"))
                .header("If-None-Match", js.headers().firstValue("ETag").orElseThrow())
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(again.statusCode()).as("revalidation").isEqualTo(304);

    // API paths keep priority and stay JSON; what is neither API nor UI stays a JSON 404
    assertThat(get("/api/v1/jobs?limit=1").headers().firstValue("Content-Type"))
        .hasValue("application/json");
    for (String missing :
        List.of(
            "/api/v1/nothing-here",
            "/nothing-here",
            "/ui/missing.js",
            "/ui/js",
            "/ui/%2e%2e/igor.conf")) {
      HttpResponse<String> r = get(missing);
      assertThat(r.statusCode()).as(missing).isEqualTo(404);
      assertThat(r.body()).as(missing).startsWith("{\"error\"");
    }
    assertThat(get("/healthz").body()).contains("\"ok\"");
  }

  @Test
  void theUiWorksInHeadlessChromium() throws Exception {
    List<String> missing = new ArrayList<>();
    if (!Files.isExecutable(CHROMIUM)) {
      missing.add(CHROMIUM + " (apt-get install -y chromium)");
    }
    if (!Files.exists(PLAYWRIGHT)) {
      missing.add("ui-tests/node_modules (cd ui-tests && npm ci)");
    }
    if (!RequiredTools.onPath("node")) {
      missing.add("node (apt-get install -y nodejs npm)");
    }
    RequiredTools.requireOrSkip("BrowserTest", "the web UI was NOT tested in a browser", missing);

    Path shots = Path.of(System.getProperty("igor.ui.screenshots", "target/ui-screenshots"));
    Path log = Files.createTempFile("igor-ui-e2e", ".log");
    long start = System.nanoTime();
    ProcessBuilder pb =
        new ProcessBuilder("node", SCRIPT.toString(), base, shots.toString())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    pb.environment().put("CHROMIUM", CHROMIUM.toString());
    pb.environment().put("IGOR_UI_TOKEN", TOKEN);
    Process browser = pb.start();
    boolean done = browser.waitFor(BROWSER_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    if (!done) {
      browser.descendants().forEach(ProcessHandle::destroyForcibly);
      browser.destroyForcibly();
    }
    String output = Files.readString(log, StandardCharsets.UTF_8);
    Files.deleteIfExists(log);
    long millis = Duration.ofNanos(System.nanoTime() - start).toMillis();
    System.out.println("[BrowserTest] ui-tests/e2e.mjs took " + millis + " ms:\n" + output);

    assertThat(done)
        .as("e2e.mjs finished within " + BROWSER_TIMEOUT + "; output:\n" + output)
        .isTrue();
    assertThat(browser.exitValue()).as(output).isZero();
    assertThat(output).contains("PASS " + base).doesNotContain("FAIL");
    assertThat(output.lines().filter(l -> l.startsWith("ok ")).count()).as(output).isEqualTo(20);
    for (String view :
        List.of(
            "jobs.png",
            "job.png",
            "task.png",
            "reference.png",
            "timeline.png",
            "dashboard.png",
            "workers.png")) {
      assertThat(shots.resolve(view)).as(view).isNotEmptyFile();
    }
  }
}
