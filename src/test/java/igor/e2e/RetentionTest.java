package igor.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import igor.app.IgorNode;
import igor.testing.HttpApi;
import igor.testing.Journal;
import igor.testing.TestDatabase;
import igor.testing.TestNode;
import igor.testing.TestTime;
import igor.worker.builtin.BuiltinHandlers;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Retention removes finished jobs whose last change is old enough, in batches, from every table,
 * and nothing else: not a running job, not an errored one (unless asked), not a recent one.
 */
class RetentionTest {
  private static final Duration WAIT = TestTime.scaled(Duration.ofSeconds(30));
  private static TestNode.Running running;
  private static TestDatabase db;
  private static IgorNode node;
  private static HttpApi api;

  @BeforeAll
  static void startNode() {
    running =
        TestNode.running(
            BuiltinHandlers.all(),
            Map.of(
                "igor.retention.finished-after", "1m",
                "igor.retention.batch-size", 2,
                "igor.retention.interval", "1h"));
    db = running.db();
    node = running.node();
    api = running.api();
  }

  @AfterAll
  static void stopNode() {
    running.close();
  }

  @Test
  void finishedJobsAreRemovedInBatchesFromEveryTableAndNothingElseIs() throws Exception {
    List<String> completed = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      completed.add(create("{\"type\": \"noop\"}", ""));
    }
    String skipped = create("{\"type\": \"noop\"}", ", \"paused_at\": 1");
    String errored = create("{\"type\": \"fail\", \"args\": \"bm8=\"}", "");
    String running = create("{\"type\": \"noop\"}", ", \"paused_at\": 1");
    assertThat(patch("/api/v1/skip", skipped).body().path("updated").asInt()).isEqualTo(1);
    for (String id : completed) {
      projected(id, "COMPLETED");
    }
    projected(skipped, "SKIPPED");
    projected(errored, "ERRORED");
    projected(running, "RUNNING");
    long now = System.currentTimeMillis();

    assertThat(node.retention().runOnce(now).toCompletableFuture().get())
        .as("nothing is a minute old yet")
        .isEmpty();

    long later = now + Duration.ofMinutes(2).toMillis();
    List<String> removed = new ArrayList<>();
    List<Integer> batches = new ArrayList<>();
    List<String> batch;
    do {
      batch = node.retention().runOnce(later).toCompletableFuture().get();
      batches.add(batch.size());
      removed.addAll(batch);
    } while (!batch.isEmpty());

    assertThat(batches).containsExactly(2, 2, 0);
    List<String> due = new ArrayList<>(completed);
    due.add(skipped);
    assertThat(removed).containsExactlyInAnyOrderElementsOf(due);
    for (String id : due) {
      assertThat(api.get("/api/v1/jobs/" + id).status()).as("GET of removed job").isEqualTo(404);
      assertThat(rowsOf(id)).as("rows of removed job %s", id).isZero();
    }
    for (String id : List.of(errored, running)) {
      assertThat(api.get("/api/v1/jobs/" + id).status()).isEqualTo(200);
      assertThat(Journal.ordered(db, id)).isNotEmpty();
      assertThat(api.get("/api/v1/jobs?job_ids=" + id).body()).hasSize(1);
    }
    assertThat(
            count(
                "SELECT count(*) FROM event_tag t LEFT JOIN event_journal j"
                    + " ON j.ordering = t.event_id WHERE j.ordering IS NULL"))
        .as("tags without their event")
        .isZero();
    String removedTask = "/api/v1/jobs/" + completed.get(0) + "/audit";
    assertThat(api.get(removedTask).status()).isEqualTo(404);
    assertThat(patch("/api/v1/retry", completed.get(0)).body().path("updated").asInt())
        .as("a removed job cannot be brought back")
        .isZero();
    assertThat(Journal.ordered(db, completed.get(0))).isEmpty();
  }

  private static HttpApi.Answer patch(String path, String jobId) {
    return api.send(
        java.net.http.HttpRequest.newBuilder(
                java.net.URI.create("http://127.0.0.1:" + node.httpPort() + path))
            .method(
                "PATCH",
                java.net.http.HttpRequest.BodyPublishers.ofString(
                    "[{\"kind\": \"Job\", \"id\": \"" + jobId + "\"}]")));
  }

  private static String create(String task, String jobExtra) {
    HttpApi.Answer created =
        api.post(
            "/api/v1/jobs",
            "{\"name\": \"r\"" + jobExtra + ", \"layers\": [{\"tasks\": [" + task + "]}]}");
    assertThat(created.status()).as(created.text()).isEqualTo(200);
    return created.body().path("id").asText();
  }

  private static void projected(String jobId, String status) {
    api.awaitGet(
        "/api/v1/jobs?job_ids=" + jobId,
        a ->
            a.status() == 200
                && a.body().size() == 1
                && a.body().get(0).path("status").asText().equals(status),
        WAIT);
  }

  private static long rowsOf(String jobId) throws Exception {
    String pid = "'Job|" + jobId + "'";
    String id = "'" + jobId + "'";
    return count("SELECT count(*) FROM event_journal WHERE persistence_id = " + pid)
        + count("SELECT count(*) FROM snapshot WHERE persistence_id = " + pid)
        + count("SELECT count(*) FROM igor_jobs WHERE id = " + id)
        + count("SELECT count(*) FROM igor_layers WHERE job_id = " + id)
        + count("SELECT count(*) FROM igor_tasks WHERE job_id = " + id)
        + count("SELECT count(*) FROM igor_layer_directory WHERE job_id = " + id)
        + count("SELECT count(*) FROM igor_task_directory WHERE job_id = " + id)
        + count("SELECT count(*) FROM igor_job_directory WHERE job_id = " + id);
  }

  private static long count(String sql) throws Exception {
    try (Connection c = db.connect();
        PreparedStatement s = c.prepareStatement(sql);
        ResultSet rs = s.executeQuery()) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
