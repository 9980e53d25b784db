package igor.examples;

import static org.assertj.core.api.Assertions.assertThat;

import igor.testing.SmallArtifacts;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's Java worker SDK example ("Your own task types, in Java") compiles against the SDK's
 * public package alone (with java.time.Duration and java.util.List), as written, with only the
 * worker artifact (io.igor:igor-worker) and its dependencies on the class path. Its classes stay as
 * they are; its other lines become the body of a method; {@code Images}, the example's stand-in for
 * "your work", is given.
 */
class ReadmeJavaSdkExampleTest {
  private static final String SECTION = "### Your own task types, in Java";

  @TempDir Path dir;

  @Test
  void theReadmesWorkerExampleCompilesWithOnlyTheWorkerApiImportedAndTheWorkerArtifact()
      throws Exception {
    String readme = Files.readString(Path.of("README.md"), StandardCharsets.UTF_8);
    List<String> block = firstJavaBlockAfter(readme, SECTION);
    assertThat(block).as("the java block of %s", SECTION).isNotEmpty();
    StringBuilder types = new StringBuilder();
    StringBuilder statements = new StringBuilder();
    boolean inType = false;
    for (String line : block) {
      if (line.matches("(class|record|interface|enum|final class) .*")) {
        inType = true;
      }
      (inType ? types : statements).append(line).append('\n');
      if (inType && line.equals("}")) {
        inType = false;
      }
    }
    String source =
        "package readme;\n"
            + "import igor.worker.api.*;\n"
            + "import java.time.Duration;\n"
            + "import java.util.List;\n"
            + "final class Images {\n"
            + "  static byte[] resize(byte[] b) { return b; }\n"
            + "  static List<byte[]> thumbnails(List<byte[]> b) { return b; }\n"
            + "}\n"
            + types
            + "final class Example {\n  static void run() {\n"
            + statements
            + "  }\n}\n";
    Path file = dir.resolve("Example.java");
    Files.writeString(file, source);

    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    ByteArrayOutputStream errors = new ByteArrayOutputStream();
    int compiled =
        javac.run(
            null,
            errors,
            errors,
            "-d",
            dir.resolve("classes").toString(),
            "-cp",
            SmallArtifacts.built().examples().runtimeClasspath(),
            file.toString());

    assertThat(compiled).as(errors + "\n" + source).isZero();
    assertThat(statements.toString()).contains("Worker.connect(");
  }

  private static List<String> firstJavaBlockAfter(String text, String heading) {
    List<String> lines = new ArrayList<>();
    boolean inSection = false;
    boolean inBlock = false;
    for (String line : text.split("\n", -1)) {
      if (line.equals(heading)) {
        inSection = true;
      } else if (inSection && !inBlock && line.equals("```java")) {
        inBlock = true;
      } else if (inBlock && line.equals("```")) {
        return lines;
      } else if (inBlock) {
        lines.add(line);
      }
    }
    return lines;
  }
}
