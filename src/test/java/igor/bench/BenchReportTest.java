package igor.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BenchReportTest {
  @TempDir Path dir;

  private static String section(double fanOut) {
    Map<String, List<Double>> figures = new LinkedHashMap<>();
    figures.put("fan-out tasks/s", List.of(fanOut, fanOut + 100, fanOut - 100));
    figures.put("GET job of 10,000 tasks", List.of(80.0, 90.0, 70.0));
    return BenchReport.section(
        figures,
        Map.of("fan-out tasks/s", "tasks/s", "GET job of 10,000 tasks", "ms"),
        3,
        "12 unmeasured warm-up rounds (2.5 min), the last of which left the JIT compiler threads"
            + " 8.1 % of the JVM's CPU",
        "15.20",
        "7.0.15");
  }

  @Test
  void sectionHasARowPerFigureWithItsTargetMedianRunsAndVerdict() {
    String section = section(1400);

    assertThat(section)
        .contains(
            "| fan-out tasks/s | ≥ 5,000 tasks/s | **1,400 tasks/s** | 1,400 / 1,500 / 1,300 | no"
                + " |")
        .contains("| GET job of 10,000 tasks | < 200 ms | **80.0 ms** | 80.0 / 90.0 / 70.0 | yes |")
        .contains("PostgreSQL 15.20, Redis 7.0.15")
        .contains(
            "Medians of 3 runs after 12 unmeasured warm-up rounds (2.5 min), the last of which"
                + " left the JIT compiler threads 8.1 % of the JVM's CPU.")
        .startsWith(BenchReport.START)
        .endsWith(BenchReport.END + "\n");
  }

  @Test
  void firstWriteGoesUnderResultsAndTheNextReplacesIt() throws Exception {
    Path file = dir.resolve("BENCHMARKS.md");
    Files.writeString(file, "# Benchmarks\n\n## Results\n\nKept by people.\n\n## What bounds\n");

    BenchReport.write(file, section(1400));
    BenchReport.write(file, section(2800));

    String text = Files.readString(file);
    assertThat(text.indexOf(BenchReport.START)).isEqualTo(text.lastIndexOf(BenchReport.START));
    assertThat(text).contains("**2,800 tasks/s**").doesNotContain("**1,400 tasks/s**");
    assertThat(text.indexOf("## Results")).isLessThan(text.indexOf(BenchReport.START));
    assertThat(text.indexOf(BenchReport.END)).isLessThan(text.indexOf("Kept by people."));
    assertThat(text).endsWith("## What bounds\n");
  }
}
