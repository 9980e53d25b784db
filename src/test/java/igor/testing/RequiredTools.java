package igor.testing;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * For tests that need programs outside the JVM (Chromium, node, promtool): where one is missing,
 * the test fails when the environment variable CI is set (.ci/run installs them), and is skipped
 * loudly otherwise, on the build's console and not only in the report file.
 */
public final class RequiredTools {
  private RequiredTools() {}

  /**
   * Returns when nothing is missing; otherwise fails under CI, or skips after saying on the console
   * that {@code untested} went untested and why.
   */
  public static void requireOrSkip(String test, String untested, List<String> missing) {
    if (missing.isEmpty()) {
      return;
    }
    if (inCi()) {
      fail(
          test
              + " cannot run, and CI is set, so it fails rather than skip; missing: "
              + String.join(", ", missing)
              + ". .ci/run installs them.");
    }
    loud(test, untested, missing);
    assumeTrue(false, () -> test + " skipped, missing: " + String.join(", ", missing));
  }

  /**
   * Returns when {@code condition} holds; otherwise skips loudly, CI or not: for what no package of
   * this machine's can provide (say so in {@code reason}).
   */
  public static void skipLoudlyUnless(
      boolean condition, String test, String untested, String reason) {
    if (condition) {
      return;
    }
    loud(test, untested, List.of(reason));
    assumeTrue(false, () -> test + " skipped: " + reason);
  }

  /** Whether an executable of that name is on the PATH. */
  public static boolean onPath(String command) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
      if (Files.isExecutable(Path.of(dir, command))) {
        return true;
      }
    }
    return false;
  }

  /** Whether the environment variable CI is set (CI services set CI=true; .ci/run runs there). */
  public static boolean inCi() {
    String ci = System.getenv("CI");
    return ci != null && !ci.isBlank() && !ci.equalsIgnoreCase("false");
  }

  /**
   * Says on the process's real stderr (the build's console: surefire sends System.err to the report
   * file) and on System.err (the report) what went untested, and why.
   */
  private static void loud(String test, String untested, List<String> missing) {
    StringBuilder b = new StringBuilder("\n");
    String line = "!".repeat(88) + "\n";
    b.append(line).append("!!! ").append(test).append(" SKIPPED: ").append(untested);
    b.append(". Missing:\n");
    missing.forEach(m -> b.append("!!!   ").append(m).append('\n'));
    b.append("!!! .ci/run installs what Debian packages.\n").append(line);
    System.err.print(b);
    System.err.flush();
    try {
      FileOutputStream err = new FileOutputStream(FileDescriptor.err);
      err.write(b.toString().getBytes(StandardCharsets.UTF_8));
      err.flush();
    } catch (IOException e) {
      // System.err has it
    }
  }
}
