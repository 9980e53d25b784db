package igor.e2e;

import static igor.testing.HttpApi.status;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import igor.client.Action;
import igor.client.IgorException;
import igor.client.Ref;
import igor.domain.Identifiers;
import igor.domain.WorkerReport;
import igor.queue.WireFormat;
import igor.testing.HttpApi;
import igor.testing.PrometheusText;
import igor.testing.TestDatabase;
import igor.testing.TestNode;
import igor.worker.builtin.BuiltinHandlers;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.redisson.api.RStream;
import org.redisson.api.stream.StreamAddArgs;
import org.redisson.client.codec.StringCodec;

/**
 * An id that names nothing is answered without starting a job entity: nothing is journaled, and no
 * shard remembers an entity (SEMANTICS.md section 7, "Reads"; STACK.md pitfall 10).
 */
class UnknownIdsTest {
  private static final int N = 40;
  private static final Duration WAIT = Duration.ofSeconds(30);

  @Test
  void unknownIdsAreAnsweredWithoutWritingToTheJournal() throws Exception {
    try (TestNode.Running igor = TestNode.running(BuiltinHandlers.all())) {
      HttpApi api = igor.api();
      api.awaitGet("/readyz", a -> a.status() == 200, WAIT);
      long journalBefore = jobRows(igor.db());
      long rememberedBefore = rememberedRows(igor.db());

      for (int i = 0; i < N; i++) {
        String id = Identifiers.newId();
        for (String path : List.of("", "/audit", "/status", "/timeline")) {
          HttpApi.Answer read = api.get("/api/v1/jobs/" + id + path);
          assertThat(read.status()).as("GET /api/v1/jobs/{id}" + path).isEqualTo(404);
          assertThat(read.error()).isEqualTo("job not found");
        }
        for (String kind : List.of("Job", "Layer", "Task")) {
          HttpApi.Answer patch =
              api.patch("/api/v1/pause", "[{\"kind\": \"" + kind + "\", \"id\": \"" + id + "\"}]");
          assertThat(patch.status()).as("PATCH of an unknown " + kind).isEqualTo(404);
          assertThat(patch.error()).contains(kind.toLowerCase() + " " + id + " not found");
        }
        HttpApi.Answer add =
            api.post("/api/v1/tasks", "[{\"layer_id\": \"" + id + "\", \"type\": \"noop\"}]");
        assertThat(add.status()).isEqualTo(404);
      }

      var cluster = igor.node().igor();
      String unknown = Identifiers.newId();
      assertThatThrownBy(() -> cluster.job(unknown)).isInstanceOf(IgorException.NotFound.class);
      assertThatThrownBy(() -> cluster.audit(unknown)).isInstanceOf(IgorException.NotFound.class);
      assertThatThrownBy(() -> cluster.pause(Ref.job(unknown)))
          .isInstanceOf(IgorException.NotFound.class);
      assertThatThrownBy(() -> cluster.job("not-a-uuid"))
          .isInstanceOf(IgorException.NotFound.class);

      RStream<String, String> reports =
          igor.redis().client().getStream(igor.redis().prefix() + ":reports", StringCodec.INSTANCE);
      for (int i = 0; i < N; i++) {
        WorkerReport report =
            new WorkerReport(
                WorkerReport.Kind.COMPLETED,
                Identifiers.newId(),
                Identifiers.newId(),
                1,
                "w",
                "",
                null,
                false,
                System.currentTimeMillis());
        reports.add(StreamAddArgs.entry("report", WireFormat.report(report)));
      }
      String dropped = "igor_reports_dropped_total{reason=\"unknown_job\"}";
      api.awaitGet(
          "/metrics",
          a -> a.text().contains(dropped) && PrometheusText.value(a.text(), dropped) == N,
          WAIT);
      assertThat(reports.size()).as("dropped reports are not read again").isZero();

      Thread.sleep(500); // a start of an entity would be journaled within this
      assertThat(jobRows(igor.db())).as("rows of the journal").isEqualTo(journalBefore);
      assertThat(rememberedRows(igor.db()))
          .as("rows of remembered entities")
          .isEqualTo(rememberedBefore);
    }
  }

  @Test
  void anUnknownIdRejectsTheWholeActionBeforeAnythingChanges() {
    try (TestNode.Running igor = TestNode.running(List.of())) {
      HttpApi api = igor.api();
      String jobId =
          api.createJob("{\"layers\": [{\"tasks\": [{\"type\": \"nobody-runs-this\"}]}]}");
      JsonNode job = api.awaitJob(jobId, status("RUNNING"), WAIT);
      JsonNode task = job.path("layers").get(0).path("tasks").get(0);
      String taskId = task.path("id").asText();
      String unknownTask = Identifiers.newId();

      HttpApi.Answer patch =
          api.patch(
              "/api/v1/pause",
              "[{\"kind\": \"Task\", \"id\": \""
                  + taskId
                  + "\"},"
                  + " {\"kind\": \"Task\", \"id\": \""
                  + unknownTask
                  + "\"}]");

      assertThat(patch.status()).isEqualTo(404);
      assertThat(patch.error())
          .isEqualTo("task " + unknownTask + " not found: nothing was changed");
      JsonNode after = api.awaitJob(jobId, j -> true, WAIT);
      JsonNode taskAfter = after.path("layers").get(0).path("tasks").get(0);
      assertThat(taskAfter.path("etag").asText()).isEqualTo(task.path("etag").asText());
      assertThat(taskAfter.path("paused_at").asLong()).isZero();
      assertThat(api.get("/api/v1/jobs/" + jobId + "/audit").body()).isEmpty();

      var cluster = igor.node().igor();
      assertThatThrownBy(
              () -> cluster.act(Action.PAUSE, List.of(Ref.task(taskId), Ref.job(unknownTask))))
          .isInstanceOf(IgorException.NotFound.class)
          .hasMessageContaining("job " + unknownTask + " not found");
      assertThat(cluster.pause(Ref.task(taskId))).isEqualTo(1);
    }
  }

  /** Rows of the shards' remembered entities (remember-entities-store = eventsourced). */
  /**
   * The journal's rows of job entities. Other persistent actors start in the background (the read
   * model's projection workers are a sharded daemon process that remembers its entities), so the
   * whole journal can grow while the test runs for reasons of its own.
   */
  private static long jobRows(TestDatabase db) throws Exception {
    return rows(db, "SELECT count(*) FROM event_journal WHERE persistence_id LIKE 'Job|%'");
  }

  /** The rows in which cluster sharding remembers which job entities run. */
  private static long rememberedRows(TestDatabase db) throws Exception {
    return rows(
        db, "SELECT count(*) FROM event_journal WHERE persistence_id LIKE '/sharding/JobShard%'");
  }

  private static long rows(TestDatabase db, String sql) throws Exception {
    try (Connection c = db.connect();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
