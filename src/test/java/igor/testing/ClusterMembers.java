package igor.testing;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;

/** Reads GET /api/v1/cluster: the members a node sees and the jobs each holds. */
public final class ClusterMembers {
  private ClusterMembers() {}

  /**
   * Waits until the node sees exactly {@code count} members, all Up, each one's shards answering
   * how many jobs it holds (the shard coordinator runs and knows every member's region).
   */
  public static void awaitUp(HttpApi api, int count, Duration timeout) {
    api.awaitGet("/api/v1/cluster", a -> allUpAndAnswering(a, count), timeout);
  }

  private static boolean allUpAndAnswering(HttpApi.Answer answer, int count) {
    if (answer.status() != 200 || answer.body().path("members").size() != count) {
      return false;
    }
    for (JsonNode member : answer.body().path("members")) {
      if (!member.path("status").asText().equals("Up") || !member.path("jobs").isNumber()) {
        return false;
      }
    }
    return true;
  }

  /** How many members the answer lists. */
  public static int count(HttpApi.Answer answer) {
    return answer.status() == 200 ? answer.body().path("members").size() : -1;
  }

  /** Jobs held by the member on this cluster port, as the node asked sees it (0 if not listed). */
  public static int jobsHeldBy(HttpApi api, int clusterPort) {
    return jobsHeldBy(api.get("/api/v1/cluster"), clusterPort);
  }

  /** Jobs held over all members, as far as their shards answered (a lower bound). */
  public static int jobsHeld(HttpApi.Answer answer) {
    int jobs = 0;
    for (JsonNode member : answer.body().path("members")) {
      jobs += member.path("jobs").asInt();
    }
    return jobs;
  }

  public static int jobsHeldBy(HttpApi.Answer answer, int clusterPort) {
    for (JsonNode member : answer.body().path("members")) {
      if (member.path("address").asText().endsWith(":" + clusterPort)) {
        return member.path("jobs").asInt();
      }
    }
    return 0;
  }
}
