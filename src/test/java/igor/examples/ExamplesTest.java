package igor.examples;

import static org.assertj.core.api.Assertions.assertThat;

import igor.client.Job;
import igor.client.Status;
import igor.client.Task;
import igor.testing.TestNode;
import igor.worker.builtin.BuiltinHandlers;
import java.io.File;
import java.io.StringWriter;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Java examples under examples/ compile against the current code and do what they say. */
class ExamplesTest {
  @TempDir Path classes;

  @Test
  void theSubmitAndWaitExampleFansOutALaterLayerAndSeesItsJobComplete() throws Exception {
    List<String> sources;
    try (Stream<Path> files = Files.walk(Path.of("examples", "java"))) {
      sources = files.filter(f -> f.toString().endsWith(".java")).map(Path::toString).toList();
    }
    assertThat(sources).hasSizeGreaterThanOrEqualTo(2);
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    StringWriter problems = new StringWriter();
    List<String> args =
        Stream.concat(
                Stream.of(
                    "-d",
                    classes.toString(),
                    "-cp",
                    System.getProperty("java.class.path"),
                    "-Xlint:all",
                    "-Werror"),
                sources.stream())
            .toList();
    java.io.ByteArrayOutputStream errors = new java.io.ByteArrayOutputStream();
    int compiled = javac.run(null, errors, errors, args.toArray(String[]::new));
    assertThat(compiled).as(errors.toString() + problems).isZero();

    try (TestNode.Running running = TestNode.running(BuiltinHandlers.all());
        URLClassLoader loader =
            new URLClassLoader(new URL[] {classes.toUri().toURL()}, getClass().getClassLoader())) {
      Job done =
          (Job)
              loader
                  .loadClass("example.SubmitAndWait")
                  .getMethod("run", String.class, String.class, String.class)
                  .invoke(
                      null,
                      "http://127.0.0.1:" + running.node().httpPort(),
                      running.redis().url(),
                      running.redis().prefix());

      assertThat(done.status()).isEqualTo(Status.COMPLETED);
      assertThat(done.layer("work").orElseThrow().tasks())
          .extracting(Task::name, Task::resultAsText)
          .containsExactly(
              org.assertj.core.groups.Tuple.tuple("hello", "hello"),
              org.assertj.core.groups.Tuple.tuple("from", "from"),
              org.assertj.core.groups.Tuple.tuple("igor", "igor"));
    }
    assertThat(new File("examples/cli-session.sh")).exists();
  }
}
