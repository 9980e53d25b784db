package igor;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.belongToAnyOf;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import igor.domain.Identifiers;
import igor.domain.OutcomeLimits;
import igor.domain.TaskFlow;
import igor.domain.TaskOutput;
import igor.domain.Text;
import igor.domain.WorkerReport;
import igor.worker.api.TaskSpec;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The layering of docs/architecture.md, kept by the build. */
class ArchitectureTest {
  /** The domain classes that igor-worker.jar holds (pom.xml, the worker-jar execution). */
  private static final Class<?>[] WIRE_DOMAIN = {
    Identifiers.class,
    OutcomeLimits.class,
    TaskFlow.class,
    TaskOutput.class,
    Text.class,
    WorkerReport.class
  };

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
  void theWorkerSdkNeedsOnlyJavaRedissonJacksonSlf4jOpenTelemetryApiTheClientAndItself() {
    classes()
        .that()
        .resideInAnyPackage("igor.worker..", "igor.queue..")
        .should()
        .onlyDependOnClassesThat(
            resideInAnyPackage(
                    "java..",
                    "javax.net.ssl..",
                    "com.fasterxml.jackson..",
                    "org.redisson..",
                    "org.slf4j..",
                    "io.opentelemetry.api..",
                    "io.opentelemetry.context..",
                    "igor.worker..",
                    "igor.queue..",
                    "igor.client..",
                    "igor.tls..")
                .or(areOrArraysOf(WIRE_DOMAIN)))
        .because(
            "they ship as igor-worker (docs/adr/0011-small-artifacts.md), whose POM names"
                + " igor-client, Redisson, Jackson, SLF4J and opentelemetry-api (with its context);"
                + " of the domain it takes only what the wire format needs (the jar's includes in"
                + " pom.xml)")
        .check(igor);
  }

  @Test
  void theDomainClassesOfTheWorkerSdkNeedNothingButJavaAndEachOther() {
    classes()
        .that(belongToAnyOf(WIRE_DOMAIN))
        .should()
        .onlyDependOnClassesThat(resideInAnyPackage("java..").or(areOrArraysOf(WIRE_DOMAIN)))
        .because("igor-worker.jar holds these domain classes and no other")
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
  void theHttpClientNeedsOnlyJavaJacksonAndItself() {
    classes()
        .that()
        .resideInAnyPackage("igor.client..", "igor.tls..")
        .should()
        .onlyDependOnClassesThat(
            resideInAnyPackage(
                    "java..",
                    "javax.net.ssl..",
                    "com.fasterxml.jackson..",
                    "igor.client..",
                    "igor.tls..")
                .or(areOrArraysOf(TaskSpec.class)))
        .because(
            "they ship as igor-client (docs/adr/0011-small-artifacts.md), whose POM names Jackson"
                + " alone; it also holds igor.worker.api.TaskSpec, the task a client creates")
        .check(igor);
  }

  @Test
  void theTaskSpecOfTheClientNeedsOnlyJava() {
    classes()
        .that()
        .belongToAnyOf(TaskSpec.class)
        .should()
        .onlyDependOnClassesThat(resideInAnyPackage("java..").or(areOrArraysOf(TaskSpec.class)))
        .because("igor-client.jar holds it without the rest of igor.worker.api")
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

  /** These classes (with their nested ones), or arrays of them. */
  private static DescribedPredicate<JavaClass> areOrArraysOf(Class<?>... types) {
    DescribedPredicate<JavaClass> belong = belongToAnyOf(types);
    return DescribedPredicate.describe(
        belong.getDescription() + " (or arrays of them)",
        c -> belong.test(c.getBaseComponentType()));
  }
}
