package igor.testing;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/** Reads a job as the API answers it (GET /api/v1/jobs/{id}), for assertions. */
public final class JobJson {
  private JobJson() {}

  /** How many tasks of the layer at this position have this status. */
  public static int tasksOfLayer(JsonNode job, int layer, String taskStatus) {
    int n = 0;
    for (JsonNode task : job.path("layers").path(layer).path("tasks")) {
      if (task.path("status").asText().equals(taskStatus)) {
        n++;
      }
    }
    return n;
  }

  /** The attempts of every task, layer by layer. */
  public static List<Integer> attemptsOfEveryTask(JsonNode job) {
    List<Integer> attempts = new ArrayList<>();
    for (JsonNode layer : job.path("layers")) {
      for (JsonNode task : layer.path("tasks")) {
        attempts.add(task.path("attempts").asInt());
      }
    }
    return attempts;
  }
}
