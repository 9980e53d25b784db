package igor.e2e;

import static igor.testing.HttpApi.status;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import igor.testing.Python;
import igor.testing.RequiredTools;
import igor.testing.TemporaryDirectories;
import igor.testing.TestNode;
import igor.testing.TestTime;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Igor's Python SDK (sdk/python): its own tests (sdk/python/tests, unittest) against a real node
 * and Redis, its offline install with pip, its types under mypy --strict, and the README's Python
 * example run as a worker process against the node.
 */
class PythonSdkTest {
  private static final Path SDK = Path.of("sdk/python");
  private static final Path TESTS = SDK.resolve("tests");

  /** The node's lease: short, so that a test's attempt can outlive several. */
  private static final Duration LEASE = TestTime.scaled(Duration.ofSeconds(2));

  private static TestNode.Running node;

  @BeforeAll
  static void startNode() {
    Python.requireWithRedis();
    node = TestNode.running(List.of(), Map.of("igor.worker.lease", LEASE.toMillis() + "ms"));
  }

  @AfterAll
  static void stopNode() {
    if (node != null) {
      node.close();
    }
  }

  @Test
  void theSdksOwnTestsPassAgainstARealNode() throws IOException {
    Python.Run run =
        Python.run(
            List.of(Python.PYTHON, "-m", "unittest", "discover", "-s", TESTS.toString(), "-v"),
            Map.of(
                "PYTHONPATH", SDK.resolve("src").toString(),
                "IGOR_TEST_REDIS_URL", node.redis().url(),
                "IGOR_TEST_KEY_PREFIX", node.redis().prefix(),
                "IGOR_TEST_API_URL", "http://127.0.0.1:" + node.node().httpPort(),
                "IGOR_TEST_LEASE", String.valueOf(LEASE.toMillis() / 1000.0),
                "IGOR_TEST_TIME_FACTOR", String.valueOf(TestTime.FACTOR)),
            null,
            TestTime.scaled(Duration.ofMinutes(5)));
    assertThat(run.exitCode()).as(run.output()).isZero();
    Matcher ran = Pattern.compile("(?m)^Ran (\\d+) tests? in").matcher(run.output());
    assertThat(ran.find()).as(run.output()).isTrue();
    assertThat(Integer.parseInt(ran.group(1)))
        .as("every test method of sdk/python/tests ran:\n" + run.output())
        .isEqualTo(testMethods());
    assertThat(run.output()).as("none skipped").doesNotContain("skipped");
  }

  @Test
  void installsOfflineWithPipWithoutBuildIsolation() throws IOException {
    RequiredTools.requireOrSkip(
        "PythonSdkTest.installsOfflineWithPipWithoutBuildIsolation",
        "the SDK's install with pip",
        Python.run(
                        List.of(Python.PYTHON, "-c", "import setuptools, wheel, pip"),
                        Map.of(),
                        null,
                        Duration.ofSeconds(30))
                    .exitCode()
                == 0
            ? List.of()
            : List.of("python3-pip, python3-setuptools and python3-wheel (Debian)"));
    Path dir = TemporaryDirectories.create("igor-python-sdk-install");
    try {
      // from a copy: pip builds in the source tree (build/, *.egg-info)
      Path source = dir.resolve("source");
      copy(SDK, source);
      Path site = dir.resolve("site");
      Python.Run install =
          Python.run(
              List.of(
                  Python.PYTHON,
                  "-m",
                  "pip",
                  "install",
                  "--no-build-isolation",
                  "--no-index",
                  "--no-deps",
                  "--target",
                  site.toString(),
                  source.toString()),
              Map.of("PIP_DISABLE_PIP_VERSION_CHECK", "1"),
              dir,
              TestTime.scaled(Duration.ofMinutes(2)));
      assertThat(install.exitCode()).as(install.output()).isZero();
      Python.Run imported =
          Python.run(
              List.of(
                  Python.PYTHON,
                  "-c",
                  "import igor_sdk, pathlib; p = pathlib.Path(igor_sdk.__file__).parent;"
                      + " print(p, igor_sdk.__version__, (p / 'py.typed').exists(),"
                      + " sorted(igor_sdk.__all__))"),
              Map.of("PYTHONPATH", site.toString()),
              dir,
              Duration.ofSeconds(30));
      assertThat(imported.exitCode()).as(imported.output()).isZero();
      assertThat(imported.output().strip())
          .isEqualTo(
              site.resolve("igor_sdk")
                  + " 0.3.0 True ['FINAL_STATUSES', 'Handler', 'IgorClient', 'IgorError', 'Ref',"
                  + " 'Result', 'ResultsPage', 'SkipTask', 'Task', 'TaskFailed', 'Worker',"
                  + " 'task']");
    } finally {
      TemporaryDirectories.delete(dir);
    }
  }

  @Test
  void isTypedStrictly() throws IOException {
    RequiredTools.requireOrSkip(
        "PythonSdkTest.isTypedStrictly",
        "the SDK's types (mypy --strict)",
        RequiredTools.onPath("mypy") ? List.of() : List.of("mypy (Debian's package mypy)"));
    Path cache = TemporaryDirectories.create("igor-mypy-cache");
    try {
      Python.Run mypy =
          Python.run(
              List.of(
                  "mypy",
                  "--strict",
                  "--cache-dir",
                  cache.toString(),
                  SDK.resolve("src/igor_sdk").toString()),
              Map.of(),
              null,
              TestTime.scaled(Duration.ofMinutes(3)));
      assertThat(mypy.exitCode()).as(mypy.output()).isZero();
      assertThat(mypy.output()).contains("Success: no issues found");
    } finally {
      TemporaryDirectories.delete(cache);
    }
  }

  @Test
  void theReadmesPythonExampleRunsATaskAndStopsOnSigterm() throws Exception {
    String example =
        firstPythonBlockAfter(
                Files.readString(Path.of("README.md")), "### Your own task types, in Python")
            .replace(
                "\"redis://127.0.0.1:6379\"",
                "\"" + node.redis().url() + "\", key_prefix=\"" + node.redis().prefix() + "\"")
            .replace("http://127.0.0.1:8100", "http://127.0.0.1:" + node.node().httpPort());
    assertThat(example).contains("worker.run()").contains(node.redis().prefix());
    Path dir = TemporaryDirectories.create("igor-python-readme");
    Process process = null;
    try {
      Path script = dir.resolve("example.py");
      Files.writeString(script, example);
      Path log = dir.resolve("example.log");
      ProcessBuilder pb =
          new ProcessBuilder(Python.PYTHON, script.toString())
              .redirectErrorStream(true)
              .redirectOutput(log.toFile());
      pb.environment().put("PYTHONPATH", SDK.resolve("src").toAbsolutePath().toString());
      pb.environment().put("PYTHONDONTWRITEBYTECODE", "1");
      process = pb.start();
      String jobId =
          node.api()
              .createJob(
                  "{\"layers\": [{\"tasks\": [{\"type\": \"resize\", \"args\": \"NjQw\"}]}]}");
      JsonNode task;
      try {
        task =
            node.api()
                .awaitJob(jobId, status("COMPLETED"), TestTime.scaled(Duration.ofSeconds(60)))
                .path("layers")
                .get(0)
                .path("tasks")
                .get(0);
      } catch (AssertionError e) {
        throw new AssertionError(
            e.getMessage() + "\nthe example said:\n" + Files.readString(log), e);
      }
      assertThat(task.path("result").asText())
          .isEqualTo(Base64.getEncoder().encodeToString("thumb-640.png".getBytes()));
      process.destroy(); // SIGTERM
      assertThat(process.waitFor(30, TimeUnit.SECONDS)).as(Files.readString(log)).isTrue();
      assertThat(process.exitValue()).as(Files.readString(log)).isZero();
    } finally {
      if (process != null) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
      TemporaryDirectories.delete(dir);
    }
  }

  private static String firstPythonBlockAfter(String text, String heading) {
    StringBuilder block = new StringBuilder();
    boolean inSection = false;
    boolean inBlock = false;
    for (String line : text.split("\n", -1)) {
      if (line.equals(heading)) {
        inSection = true;
      } else if (inSection && !inBlock && line.equals("```python")) {
        inBlock = true;
      } else if (inBlock && line.equals("```")) {
        return block.toString();
      } else if (inBlock) {
        block.append(line).append('\n');
      }
    }
    throw new AssertionError("no python block after " + heading + " in README.md");
  }

  /** How many test methods sdk/python/tests/test_*.py define. */
  private static int testMethods() throws IOException {
    int n = 0;
    try (Stream<Path> files = Files.list(TESTS)) {
      for (Path f :
          files.filter(f -> f.getFileName().toString().matches("test_.*\\.py")).toList()) {
        n +=
            (int)
                Pattern.compile("(?m)^    def test_")
                    .matcher(Files.readString(f))
                    .results()
                    .count();
      }
    }
    return n;
  }

  private static void copy(Path from, Path to) throws IOException {
    try (Stream<Path> paths = Files.walk(from)) {
      for (Path p : paths.toList()) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target);
        }
      }
    }
  }
}
