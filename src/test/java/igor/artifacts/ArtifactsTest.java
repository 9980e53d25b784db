package igor.artifacts;

import static com.tngtech.archunit.base.DescribedPredicate.describe;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import igor.testing.SmallArtifacts;
import igor.testing.SmallArtifacts.Project;
import igor.testing.TestNode;
import igor.worker.builtin.BuiltinHandlers;
import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;

/**
 * The small artifacts stand on their own: every class in igor-client.jar needs only the JDK,
 * Jackson and the jar itself; every class in igor-worker.jar only the JDK, Redisson, Jackson,
 * SLF4J, the OpenTelemetry API (with its context), igor-client and itself; and projects of their
 * own, built with Maven from their POMs alone, run against a real node
 * (docs/adr/0011-small-artifacts.md). The examples' project is run by {@code ExamplesTest}.
 */
class ArtifactsTest {
  private static final List<String> SERVER_LIBRARIES =
      List.of(
          "pekko-",
          "scala-library",
          "config-",
          "postgresql-",
          "HikariCP",
          "flyway-",
          "embedded-",
          "slick_",
          "micrometer-",
          "picocli",
          "logback-");

  @Test
  void everyClassOfTheClientJarNeedsOnlyTheJdkJacksonAndTheJarItself() throws IOException {
    JavaClasses client = importJar(SmallArtifacts.CLIENT_JAR);
    assertThat(client.contain("igor.client.IgorClient")).isTrue();
    assertThat(client.contain("igor.worker.api.TaskSpec")).isTrue();

    classes()
        .should()
        .onlyDependOnClassesThat(
            resideInAnyPackage("java..", "javax.net.ssl..", "com.fasterxml.jackson..")
                .or(inJar("igor-client.jar", client)))
        .because("igor-client's POM names Jackson alone")
        .check(client);
  }

  @Test
  void
      everyClassOfTheWorkerJarNeedsOnlyTheJdkRedissonJacksonSlf4jOpenTelemetryApiTheClientAndTheJarItself()
          throws IOException {
    JavaClasses client = importJar(SmallArtifacts.CLIENT_JAR);
    JavaClasses worker = importJar(SmallArtifacts.WORKER_JAR);
    assertThat(worker.contain("igor.worker.api.Worker")).isTrue();
    assertThat(worker.contain("igor.worker.internal.WorkerRuntime")).isTrue();
    assertThat(worker.contain("igor.queue.redis.RedisQueues")).isTrue();
    assertThat(worker.contain("igor.worker.api.TaskSpec"))
        .as("TaskSpec ships in igor-client only, which igor-worker depends on")
        .isFalse();

    classes()
        .should()
        .onlyDependOnClassesThat(
            resideInAnyPackage(
                    "java..",
                    "javax.net.ssl..",
                    "com.fasterxml.jackson..",
                    "org.redisson..",
                    "org.slf4j..",
                    "io.opentelemetry.api..",
                    "io.opentelemetry.context..")
                .or(inJar("igor-worker.jar", worker))
                .or(inJar("igor-client.jar", client)))
        .because(
            "igor-worker's POM names igor-client, Redisson, Jackson, SLF4J and opentelemetry-api"
                + " (with opentelemetry-context)")
        .check(worker);
  }

  @Test
  void aServiceWithOnlyTheClientArtifactSubmitsAJobAndSeesItsTasksComplete() {
    Project clientOnly = SmallArtifacts.built().clientOnly();
    assertThat(clientOnly.jarNames())
        .containsExactlyInAnyOrder(
            "igor-client-" + SmallArtifacts.version() + ".jar",
            jarOnTestClasspath("jackson-databind-"),
            jarOnTestClasspath("jackson-core-"),
            jarOnTestClasspath("jackson-annotations-"));

    try (TestNode.Running igor = TestNode.running(BuiltinHandlers.all())) {
      String output =
          SmallArtifacts.run(
              clientOnly,
              "consumer.SubmitEchoes",
              Duration.ofMinutes(2),
              "http://127.0.0.1:" + igor.node().httpPort());

      assertThat(output)
          .contains("COMPLETED")
          .contains("task first COMPLETED one")
          .contains("task second COMPLETED two")
          .contains("loadable igor.app.IgorNode false")
          .contains("loadable igor.config.IgorSettings false")
          .contains("loadable org.apache.pekko.actor.typed.ActorSystem false")
          .contains("loadable org.postgresql.Driver false")
          .contains("loadable org.redisson.Redisson false");
    }
  }

  @Test
  void theWorkerArtifactBringsRedissonTheOpenTelemetryApiAndTheClientButNoLibraryOfTheServer() {
    Project examples = SmallArtifacts.built().examples();
    String version = SmallArtifacts.version();

    assertThat(examples.jarNames())
        .contains(
            "igor-worker-" + version + ".jar",
            "igor-client-" + version + ".jar",
            jarOnTestClasspath("redisson-"),
            jarOnTestClasspath("slf4j-api-"),
            jarOnTestClasspath("jackson-databind-"),
            jarOnTestClasspath("opentelemetry-api-"),
            jarOnTestClasspath("opentelemetry-context-"));
    for (String jar : examples.jarNames()) {
      assertThat(SERVER_LIBRARIES).noneMatch(jar::startsWith);
    }
  }

  @Test
  void theArtifactsBringTheVersionsOfTheLibrariesThatTheServerIsTestedWith() {
    Set<String> tested = new HashSet<>(testClasspathJarNames());
    SmallArtifacts.Built built = SmallArtifacts.built();
    for (Project project : List.of(built.clientOnly(), built.examples())) {
      assertThat(
              project.jarNames().stream()
                  .filter(jar -> !jar.startsWith("igor-") && !tested.contains(jar))
                  // Annotations only (nullness), read by tools, not at run time; the server has
                  // 1.0.1 through another library.
                  .filter(jar -> !jar.startsWith("jspecify-"))
                  .toList())
          .as("the jars of %s whose version the server's tests do not run with", project.name())
          .isEmpty();
    }
  }

  @Test
  void theArtifactsWithTheirDependenciesWeighAFractionOfTheServer() {
    SmallArtifacts.Built built = SmallArtifacts.built();
    long client = built.clientOnly().dependencyBytes();
    long worker = built.examples().dependencyBytes();
    System.out.printf(
        "[igor tests] igor-client.jar %d KB, with its dependencies %.1f MB in %d jars;"
            + " igor-worker.jar %d KB, with its dependencies (igor-client's too) %.1f MB in %d"
            + " jars%n",
        size(SmallArtifacts.CLIENT_JAR) / 1000,
        client / 1e6,
        built.clientOnly().classpath().size(),
        size(SmallArtifacts.WORKER_JAR) / 1000,
        worker / 1e6,
        built.examples().classpath().size());

    // The server's are about 115 MB (docs/operations.md, "Artifacts"); these bounds catch a
    // dependency that would drag a large part of it in.
    assertThat(client).isLessThan(5_000_000);
    assertThat(worker).isLessThan(40_000_000);
  }

  private static JavaClasses importJar(Path jar) throws IOException {
    try (JarFile file = new JarFile(jar.toFile())) {
      return new ClassFileImporter().importJar(file);
    }
  }

  private static DescribedPredicate<JavaClass> inJar(String jar, JavaClasses contents) {
    Set<String> names = new HashSet<>();
    contents.forEach(c -> names.add(c.getName()));
    return describe("are in " + jar, c -> names.contains(c.getBaseComponentType().getName()));
  }

  private static long size(Path file) {
    try {
      return java.nio.file.Files.size(file);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static List<String> testClasspathJarNames() {
    return Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
        .map(entry -> Path.of(entry).getFileName().toString())
        .filter(name -> name.endsWith(".jar"))
        .toList();
  }

  /** The one jar of the test's class path whose name starts so (e.g. "redisson-"). */
  private static String jarOnTestClasspath(String prefix) {
    List<String> found =
        testClasspathJarNames().stream()
            .filter(n -> n.startsWith(prefix) && n.substring(prefix.length()).matches("[0-9].*"))
            .toList();
    assertThat(found).as("jars named %s* on the test class path", prefix).hasSize(1);
    return found.get(0);
  }
}
