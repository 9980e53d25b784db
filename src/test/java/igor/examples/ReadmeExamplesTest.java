package igor.examples;

import static org.assertj.core.api.Assertions.assertThat;

import igor.testing.TestNode;
import igor.worker.builtin.BuiltinHandlers;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;

/**
 * Runs the shell examples of the README's "Using it", "Steering running work", "Watching changes
 * live" and "Client" sections with bash, as written, against a node with the built-in task types,
 * and checks that each prints what the README shows. Two things change: the address is the test
 * node's (IGOR_URL for the CLI), and {@code ./igor} runs the classes of this build (the jar is made
 * after the tests), from the checkout's root as the README's commands expect.
 *
 * <p>How the README is read: in a {@code ```sh} block, consecutive command lines form a step; the
 * comment lines right under a step (no blank line between) are its output, one {@code # } line per
 * line printed, and a step without them must print nothing. Other comments describe. In the shown
 * output, ids (UUIDs) and times (unix seconds, ISO-8601) are masked on both sides, an SSE {@code
 * id:} is any number, a {@code …} stands for any text (a line of only {@code …}: any lines, or
 * none), and a remark in parentheses after two or more spaces is left out.
 */
class ReadmeExamplesTest {
  static final List<String> SECTIONS =
      List.of("## Using it", "## Steering running work", "## Watching changes live", "## Client");
  private static final String README_ADDRESS = "http://127.0.0.1:8100";
  private static final Pattern UUID =
      Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
  private static final Pattern UNIX_TIME = Pattern.compile("\\b1[6-9]\\d{8}\\b");
  private static final Pattern ISO_TIME =
      Pattern.compile("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d+)?Z");
  private static final Pattern SSE_ID = Pattern.compile("^id:\\d+$", Pattern.MULTILINE);
  private static final Pattern REMARK = Pattern.compile("\\s{2,}\\(.*\\)$");
  private static final String MARK = "@@readme-step@@";

  record Step(String section, String command, List<String> expected) {}

  @Test
  void theReadmeExamplesPrintWhatTheReadmeShows() throws Exception {
    List<Step> steps = steps(Files.readString(Path.of("README.md"), StandardCharsets.UTF_8));
    assertThat(steps).as("steps found in the README's shell examples").hasSizeGreaterThan(10);
    assertThat(steps.stream().map(Step::section).distinct())
        .as("sections with shell examples")
        .containsExactlyElementsOf(SECTIONS);
    try (TestNode.Running running = TestNode.running(BuiltinHandlers.all())) {
      String address = "http://127.0.0.1:" + running.node().httpPort();
      List<String> outputs = run(steps, address);
      SoftAssertions softly = new SoftAssertions();
      for (int i = 0; i < steps.size(); i++) {
        Step step = steps.get(i);
        softly
            .assertThat(mask(outputs.get(i)))
            .as(
                "output of this step of %s:%n%s%nprinted:%n%s",
                step.section(), step.command(), outputs.get(i))
            .matches(expectation(step.expected()));
      }
      softly.assertAll();
    }
  }

  /** The steps of the sh blocks in the sections, in order. */
  static List<Step> steps(String readme) {
    List<Step> steps = new ArrayList<>();
    String section = null;
    boolean inBlock = false;
    List<String> command = new ArrayList<>();
    List<String> expected = new ArrayList<>();
    for (String line : (readme + "\n").split("\n", -1)) {
      if (!inBlock && line.startsWith("## ")) {
        section = SECTIONS.contains(line.strip()) ? line.strip() : null;
      } else if (!inBlock && section != null && line.strip().equals("```sh")) {
        inBlock = true;
      } else if (inBlock && line.strip().equals("```")) {
        addStep(steps, section, command, expected);
        inBlock = false;
      } else if (inBlock) {
        boolean comment = line.stripLeading().startsWith("#");
        if (line.isBlank() || (comment && command.isEmpty())) {
          addStep(steps, section, command, expected);
        } else if (comment) {
          expected.add(line.stripLeading().replaceFirst("^# ?", ""));
        } else {
          if (!expected.isEmpty()) {
            addStep(steps, section, command, expected);
          }
          command.add(line);
        }
      }
    }
    return steps;
  }

  private static void addStep(
      List<Step> steps, String section, List<String> command, List<String> expected) {
    if (!command.isEmpty()) {
      steps.add(new Step(section, String.join("\n", command), List.copyOf(expected)));
    }
    command.clear();
    expected.clear();
  }

  /** Runs all steps in one bash, so that variables carry from one to the next, as in a terminal. */
  private static List<String> run(List<Step> steps, String address) throws Exception {
    Path launcher = launcher();
    StringBuilder script = new StringBuilder("set -u\n");
    for (Step step : steps) {
      String command =
          step.command()
              .replace(README_ADDRESS, address)
              .replaceAll("(^|[\\s($|])\\./igor ", "$1" + launcher + " ");
      script.append(command).append('\n');
      script.append("printf '\\n").append(MARK).append("\\n'\n");
    }
    Path file = Files.createTempFile("readme-examples", ".sh");
    try {
      Files.writeString(file, script);
      ProcessBuilder builder =
          new ProcessBuilder("bash", file.toString()).redirectErrorStream(true);
      builder.environment().keySet().removeIf(key -> key.startsWith("IGOR_"));
      builder.environment().put("IGOR_URL", address);
      Process bash = builder.start();
      byte[] out = bash.getInputStream().readAllBytes();
      assertThat(bash.waitFor(5, TimeUnit.MINUTES)).as("bash finished").isTrue();
      String printed = new String(out, StandardCharsets.UTF_8);
      List<String> outputs = new ArrayList<>(List.of(printed.split("\n?\n" + MARK + "\n", -1)));
      assertThat(outputs)
          .as("every step ran (bash exited %d), printed:%n%s", bash.exitValue(), printed)
          .hasSize(steps.size() + 1);
      return outputs.subList(0, steps.size());
    } finally {
      Files.deleteIfExists(file);
      Files.deleteIfExists(launcher);
    }
  }

  /** A script that runs `igor` as the launcher does, on this build's classes and libraries. */
  private static Path launcher() throws IOException {
    String classpath =
        Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
            .filter(entry -> !entry.isBlank() && !entry.endsWith("test-classes"))
            .collect(Collectors.joining(File.pathSeparator));
    Path launcher = Files.createTempFile("igor-launcher", ".sh");
    Files.writeString(
        launcher,
        "#!/bin/sh\nexec '"
            + Path.of(System.getProperty("java.home"), "bin", "java")
            + "' -Xshare:auto -XX:TieredStopAtLevel=1"
            + " -Djava.util.concurrent.ForkJoinPool.common.parallelism=4 -cp '"
            + classpath
            + "' igor.cli.IgorCommand \"$@\"\n");
    launcher.toFile().setExecutable(true);
    return launcher;
  }

  /** Ids, times and SSE ids replaced, trailing blanks dropped. */
  static String mask(String text) {
    String masked = UUID.matcher(text).replaceAll("<id>");
    masked = UNIX_TIME.matcher(masked).replaceAll("<time>");
    masked = ISO_TIME.matcher(masked).replaceAll("<time>");
    masked = SSE_ID.matcher(masked).replaceAll("id:<n>");
    return masked
            .lines()
            .map(String::stripTrailing)
            .reduce((a, b) -> a + "\n" + b)
            .orElse("")
            .strip()
        + "\n";
  }

  /** The regular expression the masked output must match. */
  static String expectation(List<String> expected) {
    List<String> lines = new ArrayList<>();
    for (String line : expected) {
      lines.add(REMARK.matcher(line).replaceAll(""));
    }
    StringBuilder regex = new StringBuilder("(?s)");
    for (String line : mask(String.join("\n", lines)).strip().split("\n", -1)) {
      if (line.equals("…")) {
        regex.append("(?:.*?\\n)?");
        continue;
      }
      String[] parts = line.split("…", -1);
      for (int i = 0; i < parts.length; i++) {
        regex.append(i > 0 ? ".*?" : "").append(Pattern.quote(parts[i]));
      }
      regex.append("\\n");
    }
    return regex.toString();
  }
}
