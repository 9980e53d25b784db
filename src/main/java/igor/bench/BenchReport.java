package igor.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.DoublePredicate;
import java.util.stream.Collectors;

/**
 * Writes a benchmark's figures into docs/BENCHMARKS.md: a section with the commit, the machine, the
 * settings and one row per figure (target, median, each run's value, met or not), between two
 * marker lines that the next run replaces. The analysis around it is written by people.
 */
final class BenchReport {
  static final String START = "<!-- igor bench --write: the latest run, replaced by the next -->";
  static final String END = "<!-- end of the latest run -->";

  /** A target: its words for the table, and whether a median meets it. */
  record Target(String text, DoublePredicate met) {
    static final Target NONE = new Target("—", null);

    String verdict(double median) {
      return met == null ? "—" : met.test(median) ? "yes" : "no";
    }
  }

  static final Map<String, Target> TARGETS =
      Map.ofEntries(
          Map.entry("fan-out tasks/s", new Target("≥ 5,000 tasks/s", v -> v >= 5000)),
          Map.entry("chain hop median", new Target("≤ 3 ms", v -> v <= 3)),
          Map.entry("many jobs tasks/s", new Target("≥ 5,000 tasks/s", v -> v >= 5000)),
          Map.entry("many jobs queued->started p50", new Target("< 5 ms", v -> v < 5)),
          Map.entry("many jobs queued->started p99", new Target("< 50 ms", v -> v < 50)),
          Map.entry("POST job of 1,000 tasks", new Target("< 100 ms", v -> v < 100)),
          Map.entry("GET job of 10,000 tasks", new Target("< 200 ms", v -> v < 200)),
          Map.entry("list 1,000 of 1,000,000 tasks median", new Target("< 50 ms", v -> v < 50)),
          Map.entry("heap per pending task", new Target("< 1 KiB", v -> v < 1024)),
          Map.entry(
              "Redis bytes per attempt, finished a minute earlier",
              new Target("nothing (< 10 bytes)", v -> v < 10)),
          Map.entry("recovery of a 100,000-task job", new Target("< 3 s", v -> v < 3000)));

  private BenchReport() {}

  /**
   * The section for these figures (name -> every run's value) and their units, measured after
   * {@code conditions} (what the warm-up did and the worker's slots, as {@link Benchmark} says
   * them).
   */
  static String section(
      Map<String, List<Double>> figures,
      Map<String, String> units,
      int runs,
      String conditions,
      String postgresVersion,
      String redisVersion) {
    StringBuilder s = new StringBuilder();
    s.append(START).append('\n');
    s.append("### Latest `igor bench` run: commit ")
        .append(commit())
        .append(" (")
        .append(LocalDate.now(ZoneOffset.UTC))
        .append(")\n\n");
    s.append("Machine: ")
        .append(machine())
        .append("; ")
        .append(jvm())
        .append(". PostgreSQL ")
        .append(postgresVersion)
        .append(", Redis ")
        .append(redisVersion)
        .append(". Medians of ")
        .append(runs)
        .append(" runs after ")
        .append(conditions)
        .append(".\n\n");
    s.append("| figure | target | median | runs | met |\n|---|---|---|---|---|\n");
    figures.forEach(
        (name, values) -> {
          Target target = TARGETS.getOrDefault(name, Target.NONE);
          double median = Stats.median(values);
          s.append("| ")
              .append(name)
              .append(" | ")
              .append(target.text())
              .append(" | **")
              .append(number(median))
              .append(' ')
              .append(units.get(name))
              .append("** | ")
              .append(values.stream().map(BenchReport::number).collect(Collectors.joining(" / ")))
              .append(" | ")
              .append(target.verdict(median))
              .append(" |\n");
        });
    s.append(END).append('\n');
    return s.toString();
  }

  /** Replaces the marked section of the file, or adds it after the "## Results" heading. */
  static void write(Path file, String section) throws IOException {
    String text = Files.readString(file, StandardCharsets.UTF_8);
    int start = text.indexOf(START);
    int end = text.indexOf(END);
    String updated;
    if (start >= 0 && end > start) {
      updated = text.substring(0, start) + section + text.substring(end + END.length() + 1);
    } else {
      int results = text.indexOf("## Results\n");
      int at = results < 0 ? text.length() : results + "## Results\n".length();
      updated = text.substring(0, at) + "\n" + section + text.substring(at);
    }
    Files.writeString(file, updated, StandardCharsets.UTF_8);
  }

  static String number(double value) {
    return value >= 100
        ? String.format(Locale.ROOT, "%,.0f", value)
        : String.format(Locale.ROOT, "%.1f", value);
  }

  private static String machine() {
    var os =
        (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    return String.format(
        Locale.ROOT,
        "%d cores (%s), %d GiB, %s %s, load average %.1f at the end",
        Runtime.getRuntime().availableProcessors(),
        cpuModel(),
        Math.round(os.getTotalMemorySize() / (1024.0 * 1024 * 1024)),
        System.getProperty("os.name"),
        System.getProperty("os.version"),
        os.getSystemLoadAverage());
  }

  private static String cpuModel() {
    try {
      return Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
          .filter(l -> l.startsWith("model name"))
          .map(l -> l.substring(l.indexOf(':') + 1).trim())
          .findFirst()
          .orElse("CPU model unknown");
    } catch (IOException | RuntimeException e) {
      return "CPU model unknown";
    }
  }

  private static String jvm() {
    return "Java "
        + System.getProperty("java.version")
        + ", max heap "
        + (Runtime.getRuntime().maxMemory() >> 20)
        + " MiB, JVM options "
        + String.join(" ", ManagementFactory.getRuntimeMXBean().getInputArguments());
  }

  /** The checkout's commit, marked when files differ from it; "unknown" outside a checkout. */
  static String commit() {
    String head = git("rev-parse", "--short", "HEAD");
    if (head.isEmpty()) {
      return "unknown";
    }
    return git("status", "--porcelain", "--untracked-files=no").isEmpty()
        ? head
        : head + " with uncommitted changes";
  }

  private static String git(String... args) {
    try {
      Process p =
          new ProcessBuilder(
                  java.util.stream.Stream.concat(
                          java.util.stream.Stream.of("git"), java.util.Arrays.stream(args))
                      .toList())
              .redirectErrorStream(true)
              .start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      return p.waitFor() == 0 ? out : "";
    } catch (IOException e) {
      return "";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "";
    }
  }
}
