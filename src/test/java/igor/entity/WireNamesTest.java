package igor.entity;

import static org.assertj.core.api.Assertions.assertThat;

import igor.domain.Action;
import igor.domain.Status;
import igor.testing.SerializationConfig;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.Serializer;
import org.apache.pekko.serialization.Serializers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The messages that cross nodes to and from a job entity keep their wire names (Jackson's manifest
 * is the binary class name): a node of the next version must understand one of this version during
 * a rolling upgrade. Moving or renaming a record of {@link JobEntity} fails here first.
 */
class WireNamesTest {
  private static ActorTestKit testKit;

  @BeforeAll
  static void start() {
    testKit = ActorTestKit.create(SerializationConfig.serializers());
  }

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  @Test
  void everyMessageBetweenNodesKeepsItsJacksonManifest() {
    ActorRef<Object> ref = testKit.createTestProbe().ref();
    Serialization serialization = SerializationExtension.get(Adapter.toClassic(testKit.system()));

    Map<String, String> manifests =
        Stream.of(
                new JobEntity.Create(null, ref.narrow()),
                new JobEntity.AddTasks(List.of(), ref.narrow()),
                new JobEntity.Get(ref.narrow()),
                new JobEntity.GetSummary(ref.narrow()),
                new JobEntity.Act(Action.PAUSE, List.of(), "ops", ref.narrow()),
                new JobEntity.ApplyReports(List.of(), ref.narrow()),
                new JobEntity.Retire(Set.of(Status.COMPLETED), ref.narrow()),
                new JobEntity.JobResult(null, null),
                new JobEntity.TasksResult(List.of(), null),
                new JobEntity.SummaryResult(null, null),
                new JobEntity.ActResult(1),
                new JobEntity.Retired(7))
            .collect(
                Collectors.toMap(
                    m -> m.getClass().getSimpleName(),
                    m -> {
                      Serializer serializer = serialization.findSerializerFor(m);
                      assertThat(serializer.getClass().getSimpleName())
                          .isEqualTo("JacksonJsonSerializer");
                      return Serializers.manifestFor(serializer, m);
                    }));

    assertThat(manifests)
        .containsOnly(
            Map.entry("Create", "igor.entity.JobEntity$Create"),
            Map.entry("AddTasks", "igor.entity.JobEntity$AddTasks"),
            Map.entry("Get", "igor.entity.JobEntity$Get"),
            Map.entry("GetSummary", "igor.entity.JobEntity$GetSummary"),
            Map.entry("Act", "igor.entity.JobEntity$Act"),
            Map.entry("ApplyReports", "igor.entity.JobEntity$ApplyReports"),
            Map.entry("Retire", "igor.entity.JobEntity$Retire"),
            Map.entry("JobResult", "igor.entity.JobEntity$JobResult"),
            Map.entry("TasksResult", "igor.entity.JobEntity$TasksResult"),
            Map.entry("SummaryResult", "igor.entity.JobEntity$SummaryResult"),
            Map.entry("ActResult", "igor.entity.JobEntity$ActResult"),
            Map.entry("Retired", "igor.entity.JobEntity$Retired"));
  }
}
