package igor.examples;

import static org.assertj.core.api.Assertions.assertThat;

import igor.testing.SmallArtifacts;
import igor.testing.SmallArtifacts.Project;
import igor.testing.TestNode;
import igor.worker.builtin.BuiltinHandlers;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The Java examples under examples/ build with Maven from their own POM (examples/java/pom.xml,
 * which needs io.igor:igor-worker, not the server) against the artifacts of this build, and do what
 * they say when run with that class path alone (igor.testing.SmallArtifacts).
 */
class ExamplesTest {
  @Test
  void theSubmitAndWaitExampleFansOutALaterLayerAndSeesItsJobComplete() {
    Project examples = SmallArtifacts.built().examples();
    assertThat(Files.isRegularFile(examples.classes().resolve(Path.of("example", "FanOut.class"))))
        .isTrue();

    try (TestNode.Running running = TestNode.running(BuiltinHandlers.all())) {
      // "split" runs only in the example's worker (of the SDK, on the node's Redis); the node's
      // own worker takes the echo tasks that it adds.
      String output =
          SmallArtifacts.run(
              examples,
              "example.SubmitAndWait",
              Duration.ofMinutes(2),
              "http://127.0.0.1:" + running.node().httpPort(),
              running.redis().url(),
              running.redis().prefix());

      assertThat(output)
          .contains("splits it")
          .contains("hello -> hello (COMPLETED)")
          .contains("from -> from (COMPLETED)")
          .contains("igor -> igor (COMPLETED)");
    }
    assertThat(new File("examples/cli-session.sh")).exists();
  }
}
