package igor.deploy;

import static igor.testing.HttpApi.status;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import igor.testing.HttpApi;
import igor.testing.RequiredTools;
import igor.testing.TestNode;
import igor.worker.builtin.BuiltinHandlers;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * deploy/monitoring's alert rules and Grafana dashboard: promtool finds the rules valid and their
 * unit tests pass, and every series they read is one a real node serves, so that a renamed metric
 * cannot leave an alert that never fires.
 */
class MonitoringFilesTest {
  private static final Path MONITORING = Path.of("deploy/monitoring");
  private static final Path RULES = MONITORING.resolve("igor-alerts.yml");
  private static final Path RULE_TESTS = MONITORING.resolve("igor-alerts.test.yml");
  private static final Path DASHBOARD = MONITORING.resolve("grafana-dashboard.json");
  private static final Pattern SERIES = Pattern.compile("\\b(?:igor|jvm)_[a-z0-9_]+\\b");

  @Test
  void promtoolFindsTheRulesValidAndTheirUnitTestsPass() throws Exception {
    List<String> missing = new ArrayList<>();
    if (!RequiredTools.onPath("promtool")) {
      missing.add("promtool (apt-get install -y prometheus)");
    }
    RequiredTools.requireOrSkip(
        "MonitoringFilesTest", "the alert rules were NOT checked by promtool", missing);

    assertThat(promtool("check", "rules", RULES.toString())).contains("SUCCESS: 13 rules found");
    assertThat(promtool("test", "rules", RULE_TESTS.toString())).contains("SUCCESS");
  }

  @Test
  void everySeriesTheRulesAndTheDashboardReadIsOneANodeServes() throws IOException {
    Set<String> read = new TreeSet<>(seriesIn(Files.readString(RULES)));
    for (String query : dashboardQueries()) {
      read.addAll(seriesIn(query));
    }
    assertThat(read).contains("igor_dead_letters", "igor_cluster_members", "igor_queue_depth");

    try (TestNode.Running igor = TestNode.running(BuiltinHandlers.all())) {
      HttpApi api = igor.api();
      String jobId =
          api.createJob(
              "{\"layers\": [{\"tasks\": [{\"type\": \"echo\"}, {\"type\": \"fail\"}]}]}");
      api.awaitJob(jobId, status("ERRORED"), Duration.ofSeconds(30));
      HttpApi.Answer metrics =
          api.awaitGet(
              "/metrics",
              a ->
                  a.text().contains("igor_cluster_members{status=\"UP\"} 1.0")
                      && a.text().contains("igor_queue_depth{type=\"echo\"}"),
              Duration.ofSeconds(20));
      Set<String> served = servedSeries(metrics.text());
      assertThat(served).as("series a node serves").contains(read.toArray(String[]::new));
    }
  }

  @Test
  void theDashboardHasAPrometheusQueryOnEveryPanelAndAsksForItsDataSource() throws IOException {
    JsonNode dashboard = new ObjectMapper().readTree(DASHBOARD.toFile());
    assertThat(dashboard.path("__inputs").get(0).path("name").asText()).isEqualTo("DS_PROMETHEUS");
    List<JsonNode> charts = new ArrayList<>();
    dashboard.path("panels").forEach(p -> charts.add(p));
    charts.removeIf(p -> p.path("type").asText().equals("row"));
    assertThat(charts).hasSizeGreaterThanOrEqualTo(12);
    for (JsonNode panel : charts) {
      String title = panel.path("title").asText();
      Set<String> series = new TreeSet<>();
      panel.path("targets").forEach(t -> series.addAll(seriesIn(t.path("expr").asText())));
      assertThat(series).as(title + ": the series its queries read").isNotEmpty();
      assertThat(panel.path("datasource").path("uid").asText())
          .as(title)
          .isEqualTo("${DS_PROMETHEUS}");
    }
  }

  private static List<String> dashboardQueries() throws IOException {
    List<String> queries = new ArrayList<>();
    new ObjectMapper()
        .readTree(DASHBOARD.toFile())
        .path("panels")
        .forEach(p -> p.path("targets").forEach(t -> queries.add(t.path("expr").asText())));
    return queries;
  }

  /** The series names a query reads (Igor's and the JVM's; Prometheus's own {@code up} aside). */
  private static Set<String> seriesIn(String query) {
    Set<String> names = new TreeSet<>();
    Matcher m = SERIES.matcher(query);
    while (m.find()) {
      names.add(m.group());
    }
    return names;
  }

  /** The names of the samples in a scrape (before the labels or the value). */
  private static Set<String> servedSeries(String scrape) {
    Set<String> names = new TreeSet<>();
    scrape
        .lines()
        .filter(l -> !l.startsWith("#") && !l.isBlank())
        .forEach(l -> names.add(l.split("[{ ]", 2)[0]));
    return names;
  }

  private static String promtool(String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("promtool"));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    boolean done = p.waitFor(60, TimeUnit.SECONDS);
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(done).as("promtool finished within 60 s").isTrue();
    assertThat(p.exitValue()).as(output).isZero();
    return output;
  }
}
