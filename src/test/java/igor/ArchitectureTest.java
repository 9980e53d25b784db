package igor;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The layering of docs/architecture.md, kept by the build. */
class ArchitectureTest {
  private static JavaClasses igor;

  @BeforeAll
  static void importClasses() {
    igor =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("igor");
  }

  @Test
  void domainIsFreeOfFrameworksAndInfrastructure() {
    noClasses()
        .that()
        .resideInAPackage("igor.domain..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "org.apache.pekko..",
            "org.redisson..",
            "java.sql..",
            "javax.sql..",
            "com.fasterxml..",
            "igor.entity..",
            "igor.queue..",
            "igor.http..",
            "igor.storage..",
            "igor.app..")
        .check(igor);
  }

  @Test
  void onlyTheRedisAdapterTalksToRedis() {
    noClasses()
        .that()
        .resideOutsideOfPackages("igor.queue.redis..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("org.redisson..")
        .check(igor);
  }

  @Test
  void onlyTheJdbcAdapterTalksToTheDatabase() {
    noClasses()
        .that()
        .resideOutsideOfPackages("igor.storage.jdbc..")
        .and()
        .doNotHaveFullyQualifiedName("igor.bench.SyntheticTasks")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("java.sql..", "javax.sql..", "com.zaxxer..", "org.flywaydb..")
        .because(
            "only igor bench writes rows of its own (SyntheticTasks), on a connection of its own,"
                + " so that no production adapter carries the benchmark's SQL")
        .check(igor);
  }

  @Test
  void workerSdkDoesNotDependOnTheServer() {
    noClasses()
        .that()
        .resideInAPackage("igor.worker..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "org.apache.pekko..",
            "java.sql..",
            "javax.sql..",
            "com.zaxxer..",
            "org.flywaydb..",
            "igor.entity..",
            "igor.service..",
            "igor.http..",
            "igor.storage..",
            "igor.app..")
        .because("the worker SDK must stay usable as a small artifact")
        .check(igor);
  }

  @Test
  void onlyTheWorkerSdkAndTheWiringReachTheWorkerRuntime() {
    noClasses()
        .that()
        .resideOutsideOfPackages("igor.worker..", "igor.app..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("igor.worker.internal..")
        .because(
            "handlers and clients use igor.worker.api; only the node's wiring runs the runtime on"
                + " its own Redis connection")
        .check(igor);
  }

  @Test
  void theWorkerApiConnectsToNothingItself() {
    noClasses()
        .that()
        .resideInAPackage("igor.worker.api..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("igor.queue.redis..", "igor.config..", "org.redisson..", "java.net..")
        .because("the public package states what a handler sees; igor.worker.internal runs it")
        .check(igor);
  }

  @Test
  void theWorkerSdkTracesWithTheOpenTelemetryApiAlone() {
    noClasses()
        .that()
        .resideInAnyPackage("igor.worker..", "igor.queue", "igor.domain..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("io.opentelemetry.sdk..", "io.opentelemetry.exporter..")
        .because(
            "a worker's only tracing dependency is opentelemetry-api: the SDK is the node's, or the"
                + " worker's own application's")
        .check(igor);
  }

  @Test
  void theHttpClientDoesNotDependOnTheServer() {
    noClasses()
        .that()
        .resideInAPackage("igor.client..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "org.apache.pekko..",
            "igor.domain..",
            "igor.entity..",
            "igor.service..",
            "igor.http..",
            "igor.storage..",
            "igor.app..")
        .check(igor);
  }

  @Test
  void theHttpApiReachesJobsOnlyThroughTheService() {
    noClasses()
        .that()
        .resideInAPackage("igor.http..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("igor.entity..", "igor.storage.jdbc..", "igor.queue.redis..")
        .because("routes ask igor.service, which answers with its own results")
        .check(igor);
  }
}
