package igor.testing;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The small artifacts of the build (target/igor-client.jar and target/igor-worker.jar with their
 * POMs in target/artifacts/, made at process-test-classes) and the separate projects built against
 * them: src/test/consumers/client-only (io.igor:igor-client alone) and examples/java
 * (io.igor:igor-worker). Both are built once per test JVM, by one run of this build's Maven with a
 * local repository of their own (target/consumers/repository): it holds the two artifacts as {@code
 * mvn install} would install them, and takes every other library from this build's local repository
 * (as a file repository, so nothing is downloaded that this build did not already have) or else
 * from Maven Central. So a project's class path is exactly what its POM, and the artifacts' POMs,
 * declare.
 */
public final class SmallArtifacts {
  public static final Path CLIENT_JAR = Path.of("target", "igor-client.jar");
  public static final Path WORKER_JAR = Path.of("target", "igor-worker.jar");
  public static final Path POMS = Path.of("target", "artifacts");
  private static final Path HOME = Path.of("target", "consumers");
  private static final Duration BUILD_TIME_LIMIT = Duration.ofMinutes(5);

  private static Built built;

  private SmallArtifacts() {}

  /** A project built against the artifacts: its classes and its resolved class path. */
  public record Project(String name, Path classes, List<Path> classpath) {
    public Project {
      classpath = List.copyOf(classpath);
    }

    /** Its classes, then its dependencies: what {@code java -cp} gets. */
    public String runtimeClasspath() {
      return Stream.concat(Stream.of(classes), classpath.stream())
          .map(p -> p.toAbsolutePath().toString())
          .reduce((a, b) -> a + File.pathSeparator + b)
          .orElseThrow();
    }

    /** The jars on its class path, by file name (e.g. redisson-4.7.0.jar). */
    public List<String> jarNames() {
      return classpath.stream().map(p -> p.getFileName().toString()).sorted().toList();
    }

    /** The bytes of its dependencies' jars (the artifacts' own included). */
    public long dependencyBytes() {
      return classpath.stream().mapToLong(SmallArtifacts::size).sum();
    }
  }

  /** Both projects, built on first use. */
  public record Built(Project clientOnly, Project examples, Path log) {}

  /** Builds both projects (once per JVM) and answers them; fails with Maven's log if it fails. */
  public static synchronized Built built() {
    if (built == null) {
      built = build();
    }
    return built;
  }

  /** This build's version (of the artifacts' POMs). */
  public static String version() {
    String pom = read(POMS.resolve("igor-client.pom"));
    int from = pom.indexOf("<version>", pom.indexOf("<artifactId>igor-client</artifactId>"));
    return pom.substring(from + "<version>".length(), pom.indexOf("</version>", from));
  }

  /**
   * Runs {@code mainClass} of the project in a JVM of its own with only the project's class path,
   * and answers what it printed; fails if it does not end within the limit or ends with an error.
   */
  public static String run(Project project, String mainClass, Duration limit, String... args) {
    List<String> line = new ArrayList<>();
    line.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    line.add("-cp");
    line.add(project.runtimeClasspath());
    line.add(mainClass);
    line.addAll(Arrays.asList(args));
    Path log = HOME.resolve(project.name() + "-" + mainClass + ".log");
    String output = exec(line, log, limit);
    return output;
  }

  private static Built build() {
    for (Path required :
        List.of(
            CLIENT_JAR,
            WORKER_JAR,
            POMS.resolve("igor-client.pom"),
            POMS.resolve("igor-worker.pom"))) {
      if (!Files.isRegularFile(required)) {
        throw new IllegalStateException(
            required
                + " is missing: the build makes it at process-test-classes (run the tests with"
                + " mvn test)");
      }
    }
    try {
      String version = version();
      Path repository = HOME.resolve("repository");
      install(repository, "igor-client", version, CLIENT_JAR);
      install(repository, "igor-worker", version, WORKER_JAR);
      Path clientOnly =
          copyProject(Path.of("src", "test", "consumers", "client-only"), "client-only");
      Path examples = copyProject(Path.of("examples", "java"), "examples");
      Files.writeString(HOME.resolve("pom.xml"), aggregator(), StandardCharsets.UTF_8);
      Files.writeString(HOME.resolve("settings.xml"), settings(), StandardCharsets.UTF_8);
      Path log = HOME.resolve("maven.log");
      exec(
          List.of(
              maven(),
              "-B",
              "-ntp",
              "-s",
              HOME.resolve("settings.xml").toAbsolutePath().toString(),
              "-Dmaven.repo.local=" + repository.toAbsolutePath(),
              "-f",
              HOME.resolve("pom.xml").toAbsolutePath().toString(),
              // the goals alone, not the lifecycle: no plugin that this build did not use
              "org.apache.maven.plugins:maven-compiler-plugin:3.14.0:compile",
              "org.apache.maven.plugins:maven-dependency-plugin:3.8.1:build-classpath",
              "-Dmdep.outputFile=classpath.txt"),
          log,
          BUILD_TIME_LIMIT);
      return new Built(project(clientOnly, "client-only"), project(examples, "examples"), log);
    } catch (IOException e) {
      throw new IllegalStateException("the projects could not be laid out: " + e.getMessage(), e);
    }
  }

  /** Where {@code mvn install} puts an artifact: its jar and its POM in the local repository. */
  private static void install(Path repository, String artifactId, String version, Path jar)
      throws IOException {
    Path dir = repository.resolve(Path.of("io", "igor", artifactId, version));
    Files.createDirectories(dir);
    String base = artifactId + "-" + version;
    Files.copy(jar, dir.resolve(base + ".jar"), StandardCopyOption.REPLACE_EXISTING);
    Files.copy(
        POMS.resolve(artifactId + ".pom"),
        dir.resolve(base + ".pom"),
        StandardCopyOption.REPLACE_EXISTING);
  }

  /** A fresh copy of a project's POM and sources (not of anything built in it). */
  private static Path copyProject(Path source, String name) throws IOException {
    Path target = HOME.resolve(name);
    TemporaryDirectories.delete(target);
    try (Stream<Path> files = Files.walk(source)) {
      for (Path file : files.filter(Files::isRegularFile).toList()) {
        Path relative = source.relativize(file);
        if (relative.startsWith("target")) {
          continue;
        }
        Path copy = target.resolve(relative);
        Files.createDirectories(copy.getParent());
        Files.copy(file, copy);
      }
    }
    return target;
  }

  private static Project project(Path dir, String name) {
    List<Path> classpath =
        Arrays.stream(read(dir.resolve("classpath.txt")).trim().split(File.pathSeparator))
            .filter(entry -> !entry.isBlank())
            .map(Path::of)
            .toList();
    return new Project(name, dir.resolve(Path.of("target", "classes")), classpath);
  }

  private static String aggregator() {
    return """
           <project xmlns="http://maven.apache.org/POM/4.0.0">
             <modelVersion>4.0.0</modelVersion>
             <groupId>consumers</groupId>
             <artifactId>consumers</artifactId>
             <version>1</version>
             <packaging>pom</packaging>
             <modules>
               <module>client-only</module>
               <module>examples</module>
             </modules>
           </project>
           """;
  }

  /** This build's local repository as a file repository, before Maven Central. */
  private static String settings() {
    String url = Path.of(localRepository()).toAbsolutePath().toUri().toString();
    String repository =
        "<id>this-build</id><url>" + url + "</url><snapshots><enabled>false</enabled></snapshots>";
    return "<settings><profiles><profile><id>this-build</id>"
        + "<activation><activeByDefault>true</activeByDefault></activation>"
        + "<repositories><repository>"
        + repository
        + "</repository></repositories>"
        + "<pluginRepositories><pluginRepository>"
        + repository
        + "</pluginRepository></pluginRepositories>"
        + "</profile></profiles></settings>\n";
  }

  private static String localRepository() {
    String configured = System.getProperty("igor.maven.repository", "");
    return configured.isBlank()
        ? Path.of(System.getProperty("user.home"), ".m2", "repository").toString()
        : configured;
  }

  private static String maven() {
    String home = System.getProperty("igor.maven.home", "");
    if (!home.isBlank() && Files.isExecutable(Path.of(home, "bin", "mvn"))) {
      return Path.of(home, "bin", "mvn").toString();
    }
    return "mvn";
  }

  private static String exec(List<String> line, Path log, Duration limit) {
    try {
      Files.createDirectories(log.getParent());
      Process process =
          new ProcessBuilder(line)
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
              .start();
      if (!process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly().waitFor();
        throw new AssertionError(
            String.join(" ", line) + " did not end within " + limit + ":\n" + read(log));
      }
      String output = read(log);
      if (process.exitValue() != 0) {
        throw new AssertionError(
            String.join(" ", line) + " failed (exit " + process.exitValue() + "):\n" + output);
      }
      return output;
    } catch (IOException e) {
      throw new IllegalStateException(line.get(0) + " could not start: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  private static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException(file + " cannot be read: " + e.getMessage(), e);
    }
  }

  private static long size(Path file) {
    try {
      return Files.size(file);
    } catch (IOException e) {
      throw new IllegalStateException(file + ": " + e.getMessage(), e);
    }
  }
}
