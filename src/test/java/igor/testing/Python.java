package igor.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Debian's Python (/usr/bin/python3, with its redis module from python3-redis) for the tests that
 * run Python workers: PythonWorkerTest and PythonSdkTest.
 */
public final class Python {
  public static final String PYTHON = "/usr/bin/python3";

  private Python() {}

  /** What a program printed (stdout and stderr together) and how it ended. */
  public record Run(int exitCode, String output) {}

  /** Fails (never skips) when the interpreter or its redis module is missing: CI installs them. */
  public static void requireWithRedis() {
    if (!Files.isExecutable(Path.of(PYTHON))) {
      fail(
          PYTHON
              + " is missing: install python3 and python3-redis (apt-get install -y"
              + " python3-redis)");
    }
    Run check = run(List.of(PYTHON, "-c", "import redis"), Map.of(), null, Duration.ofSeconds(30));
    if (check.exitCode() != 0) {
      fail(
          PYTHON
              + " cannot import the redis module: install python3-redis"
              + " (apt-get install -y python3-redis); .ci/run does so. Python said: "
              + check.output().strip());
    }
  }

  /**
   * Runs a program to its end (in {@code directory}, or the build's when null) with these extra
   * environment variables; fails the test when it outlives {@code bound} (it is then killed).
   */
  public static Run run(
      List<String> command, Map<String, String> env, Path directory, Duration bound) {
    try {
      Path out = Files.createTempFile("igor-python-run", ".log");
      try {
        ProcessBuilder pb =
            new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile());
        if (directory != null) {
          pb.directory(directory.toFile());
        }
        pb.environment().put("PYTHONDONTWRITEBYTECODE", "1"); // no __pycache__ in the source tree
        pb.environment().putAll(env);
        Process p = pb.start();
        if (!p.waitFor(bound.toMillis(), TimeUnit.MILLISECONDS)) {
          p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
          fail(
              String.join(" ", command)
                  + " did not end within "
                  + bound
                  + ":\n"
                  + Files.readString(out, StandardCharsets.UTF_8));
        }
        return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
      } finally {
        Files.deleteIfExists(out);
      }
    } catch (IOException e) {
      return fail("could not run " + command.get(0) + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return fail("interrupted while running " + command.get(0), e);
    }
  }
}
