package igor.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import igor.testing.TestNode;
import igor.worker.api.TaskSpec;
import igor.worker.builtin.BuiltinHandlers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The in-cluster API inside a test node: the node's own JobService and entities, no HTTP. */
class ClusterIgorTest {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static TestNode.Running running;
  private static Igor inCluster;

  @BeforeAll
  static void startNode() {
    running = TestNode.running(BuiltinHandlers.all());
    inCluster = running.node().igor().as("billing-service");
  }

  @AfterAll
  static void stopNode() {
    running.close();
  }

  @Test
  void aJobCreatedInTheClusterRunsAndLooksAsItDoesOverHttp() {
    Job job =
        inCluster.create(
            JobSpec.named("in-cluster")
                .layer(LayerSpec.priority(0).task(TaskSpec.of("echo", "hi".getBytes(StandardCharsets.UTF_8)).withRetries(1))));

    Job done = inCluster.awaitFinished(job.id(), WAIT);

    assertThat(done.status()).isEqualTo(Status.COMPLETED);
    assertThat(done.tasks().get(0).resultAsText()).isEqualTo("hi");
    assertThat(done.tasks().get(0).retries()).isEqualTo(1);
    IgorClient http = IgorClient.connect("http://127.0.0.1:" + running.node().httpPort());
    Job overHttp = http.job(job.id());
    assertThat(overHttp.etag()).isEqualTo(done.etag());
    assertThat(overHttp.counts()).isEqualTo(done.counts());
    assertThat(overHttp.layers().get(0).counts()).isEqualTo(done.layers().get(0).counts());
    assertThat(overHttp.createdAt()).isEqualTo(done.createdAt());
  }

  @Test
  void tasksAreAddedAndActionsAreAuditedUnderTheServicesName() {
    Job job =
        inCluster.create(
            JobSpec.named("steered")
                .paused()
                .layer(LayerSpec.priority(0).task(TaskSpec.of("noop", null)))
                .layer(LayerSpec.priority(1).named("later")));
    String layer = job.layer("later").orElseThrow().id();

    List<Task> added = inCluster.addTasks(layer, List.of(TaskSpec.of("noop", null)));
    assertThat(added).singleElement().satisfies(t -> assertThat(t.status()).isEqualTo(Status.PENDING));
    assertThat(inCluster.unpause(Ref.of(job))).isEqualTo(1);
    assertThat(inCluster.unpause(Ref.of(job))).as("the etag is stale now").isZero();

    assertThat(inCluster.awaitFinished(job.id(), WAIT).status()).isEqualTo(Status.COMPLETED);
    assertThat(inCluster.audit(job.id()))
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.action()).isEqualTo("unpause");
              assertThat(e.kind()).isEqualTo("Job");
              assertThat(e.by()).isEqualTo("billing-service");
            });
  }

  @Test
  void refusalsAreTheSameTypedExceptionsAsOverHttp() {
    assertThatThrownBy(() -> inCluster.job("00000000-0000-4000-8000-000000000000"))
        .isInstanceOf(IgorException.NotFound.class);
    assertThatThrownBy(() -> inCluster.addTasks("00000000-0000-4000-8000-000000000000", List.of(TaskSpec.of("noop", null))))
        .isInstanceOf(IgorException.NotFound.class);
    assertThatThrownBy(() -> inCluster.create(JobSpec.named("typeless").layer(LayerSpec.priority(0).task(TaskSpec.of("", null)))))
        .isInstanceOfSatisfying(IgorException.BadRequest.class, e -> assertThat(e.error()).contains("no type"));
    Job done = inCluster.create(JobSpec.named("done").layer(LayerSpec.priority(0).task(TaskSpec.of("noop", null))));
    inCluster.awaitFinished(done.id(), WAIT);
    assertThatThrownBy(() -> inCluster.addTasks(done.layers().get(0).id(), List.of(TaskSpec.of("noop", null))))
        .isInstanceOf(IgorException.Conflict.class);
  }
}
