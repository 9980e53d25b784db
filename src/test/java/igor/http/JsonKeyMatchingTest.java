package igor.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.introspect.BeanPropertyDefinition;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Request keys are matched as Go's encoding/json matches them: exactly, else ignoring case; a key
 * that matches no field is still refused, naming it.
 */
class JsonKeyMatchingTest {

  @Test
  void acceptsTheCapitalisedTasksKeyOfTheOriginalGoClient() {
    JobRequests.CreateJob job =
        ApiJson.read(
            "{\"name\": \"j\", \"layers\": [{\"name\": \"l\", \"paused_at\": 0, \"priority\": 0,"
                + " \"Tasks\": [{\"type\": \"sleep\", \"args\": null, \"name\": \"t\","
                + " \"paused_at\": 0, \"retries\": 0}]}]}",
            JobRequests.CreateJob.class);

    assertThat(job.layers().get(0).tasks()).hasSize(1);
    assertThat(job.layers().get(0).tasks().get(0).type()).isEqualTo("sleep");
  }

  @Test
  void acceptsTasksAsNullUnderTheCapitalisedKey() {
    JobRequests.CreateJob job =
        ApiJson.read("{\"layers\": [{\"Tasks\": null}]}", JobRequests.CreateJob.class);

    assertThat(job.layers().get(0).tasks()).isNull();
  }

  @Test
  void matchesAnyCaseOfEveryKeyAsGoDoes() {
    JobRequests.CreateJob job =
        ApiJson.read(
            "{\"NAME\": \"j\", \"Layers\": [{\"Name\": \"l\", \"PRIORITY\": 3, \"Paused_At\": 7,"
                + " \"tasks\": [{\"Type\": \"echo\", \"ARGS\": \"aGk=\", \"Retries\": 2}]}]}",
            JobRequests.CreateJob.class);

    assertThat(job.name()).isEqualTo("j");
    JobRequests.CreateLayer layer = job.layers().get(0);
    assertThat(layer.name()).isEqualTo("l");
    assertThat(layer.priority()).isEqualTo(3);
    assertThat(layer.pausedAt()).isEqualTo(7L);
    assertThat(layer.tasks().get(0).type()).isEqualTo("echo");
    assertThat(layer.tasks().get(0).args()).isEqualTo("aGk=");
    assertThat(layer.tasks().get(0).retries()).isEqualTo(2);
  }

  @Test
  void matchesTheKeysOfActionsAndAddedTasksInAnyCase() {
    List<ActionRoutes.Ref> refs =
        ApiJson.readList(
            "[{\"Kind\": \"Task\", \"ID\": \"x\", \"ETag\": \"e\"}]", ActionRoutes.Ref.class);
    List<JobRequests.AddTask> tasks =
        ApiJson.readList("[{\"Layer_ID\": \"l\", \"Type\": \"t\"}]", JobRequests.AddTask.class);

    assertThat(refs.get(0)).isEqualTo(new ActionRoutes.Ref("Task", "x", "e"));
    assertThat(tasks.get(0).layerId()).isEqualTo("l");
    assertThat(tasks.get(0).type()).isEqualTo("t");
  }

  @Test
  void refusesAKeyThatMatchesNoFieldInAnyCaseNamingIt() {
    assertThatThrownBy(
            () -> ApiJson.read("{\"layers\": [{\"Colour\": 1}]}", JobRequests.CreateJob.class))
        .isInstanceOf(ApiException.class)
        .hasMessage("unknown field 'layers[0].Colour'");
    // Go matches the JSON name of a field, not its Go name: "PausedAt" is no key of the original.
    assertThatThrownBy(() -> ApiJson.read("{\"PausedAt\": 1}", JobRequests.CreateJob.class))
        .isInstanceOf(ApiException.class)
        .hasMessage("unknown field 'PausedAt'");
  }

  /**
   * Matching in lower case equals Go's "exact first, else case-insensitive" only while no two
   * fields of one request differ in case alone.
   */
  @Test
  void noTwoFieldsOfARequestDifferOnlyInCase() {
    for (Class<?> request :
        List.of(
            JobRequests.CreateJob.class,
            JobRequests.CreateLayer.class,
            JobRequests.CreateTask.class,
            JobRequests.AddTask.class,
            ActionRoutes.Ref.class)) {
      JavaType type = ApiJson.MAPPER.constructType(request);
      BeanDescription description = ApiJson.MAPPER.getDeserializationConfig().introspect(type);
      Set<String> lowered = new HashSet<>();
      for (BeanPropertyDefinition property : description.findProperties()) {
        assertThat(lowered.add(property.getName().toLowerCase(Locale.ROOT)))
            .as(request.getSimpleName() + "." + property.getName())
            .isTrue();
      }
      assertThat(lowered).as(request.getSimpleName()).isNotEmpty();
    }
  }
}
