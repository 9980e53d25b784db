package igor.e2e;

import static igor.testing.HttpApi.status;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import igor.app.IgorNode;
import igor.testing.CountingHandler;
import igor.testing.HttpApi;
import igor.testing.Journal;
import igor.testing.RequiredTools;
import igor.testing.TestDatabase;
import igor.testing.TestNode;
import igor.testing.TestRedis;
import igor.testing.TestTime;
import igor.worker.api.TaskHandler;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The backup procedure of docs/operations.md ("Backup and restore"), for real: {@code pg_dump} of a
 * running node's database in the middle of a job, {@code pg_restore} into a new database, and a
 * node started on it (with a Redis of its own, as after losing both servers) finishes the job.
 * Attempts QUEUED at the dump are handed out again; those RUNNING at the dump have no worker in the
 * new Redis and fail as lost once their lease lapses, then run again under their retries.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class BackupRestoreTest {
  private static final Duration WAIT = TestTime.scaled(Duration.ofSeconds(90));
  private static final int TASKS_PER_LAYER = 12;

  private final List<AutoCloseable> toClose = new ArrayList<>();
  private Path dumpFile;

  @BeforeEach
  void dumpFile() throws IOException {
    dumpFile = Files.createTempFile("igor-backup", ".dump");
  }

  @AfterEach
  void cleanUp() throws Exception {
    for (int i = toClose.size() - 1; i >= 0; i--) {
      toClose.get(i).close();
    }
    Files.deleteIfExists(dumpFile);
  }

  @Test
  void aNodeStartedOnARestoredDumpOfARunningIgorFinishesItsJobs() throws Exception {
    TestDatabase original = closing(TestDatabase.create());
    requirePgDumpFor(original);
    Map<String, Object> settings = Map.of("igor.worker.concurrency", 2, "igor.worker.lease", "3s");
    CountingHandler beforeBackup = new CountingHandler("step", 150);
    String jobId;
    int completedAtDump;
    try (TestRedis redis = TestRedis.create();
        IgorNode node =
            TestNode.start(original, redis, List.<TaskHandler>of(beforeBackup), settings)) {
      HttpApi api = new HttpApi(node.httpPort());
      jobId = api.createJob(twoLayers());
      api.awaitJob(jobId, job -> completed(job) >= 3, WAIT);
      run(pgDump(original));
      completedAtDump = completedIn(dumpFile);
    }
    assertThat(completedAtDump)
        .as("tasks completed in the dump: some, not all")
        .isBetween(3, 2 * TASKS_PER_LAYER - 1);

    TestDatabase restored = closing(TestDatabase.create());
    run(pgRestore(restored));
    CountingHandler afterRestore = new CountingHandler("step", 0);
    try (TestRedis redis = TestRedis.create();
        IgorNode node =
            TestNode.start(restored, redis, List.<TaskHandler>of(afterRestore), settings)) {
      HttpApi api = new HttpApi(node.httpPort());
      long restartedAt = System.currentTimeMillis();
      JsonNode job = api.awaitJob(jobId, status("COMPLETED"), WAIT);
      System.out.printf(
          "backup-restore: %d of %d tasks completed in the dump; the restored node finished the"
              + " job %d ms after it started, running %d tasks%n",
          completedAtDump,
          2 * TASKS_PER_LAYER,
          System.currentTimeMillis() - restartedAt,
          afterRestore.runs().size());
      assertThat(completed(job)).isEqualTo(2 * TASKS_PER_LAYER);
      assertThat(afterRestore.runs())
          .as("the restored node ran what the dump had not seen completed, and nothing else")
          .hasSize(2 * TASKS_PER_LAYER - completedAtDump);
      assertThat(Journal.countOf(restored, "TaskCompleted")).isEqualTo(2 * TASKS_PER_LAYER);
      assertThat(api.get("/api/v1/tasks?job_ids=" + jobId).body())
          .as("the restored read model lists every task")
          .hasSize(2 * TASKS_PER_LAYER);
    }
  }

  private static String twoLayers() {
    String tasks =
        String.join(
            ", ",
            java.util.Collections.nCopies(TASKS_PER_LAYER, "{\"type\": \"step\", \"retries\": 2}"));
    return "{\"layers\": [{\"tasks\": ["
        + tasks
        + "]}, {\"priority\": 1, \"tasks\": ["
        + tasks
        + "]}]}";
  }

  private static int completed(JsonNode job) {
    int count = 0;
    for (JsonNode layer : job.path("layers")) {
      for (JsonNode task : layer.path("tasks")) {
        if ("COMPLETED".equals(task.path("status").asText())) {
          count++;
        }
      }
    }
    return count;
  }

  /** Completed tasks as the dump has them: restored into a scratch database and counted. */
  private int completedIn(Path dump) throws Exception {
    TestDatabase scratch = TestDatabase.create();
    try {
      run(List.of("pg_restore", "--no-owner", "--dbname=" + libpqUrl(scratch), dump.toString()));
      return Journal.countOf(scratch, "TaskCompleted");
    } finally {
      scratch.close();
    }
  }

  private List<String> pgDump(TestDatabase db) {
    return List.of("pg_dump", "--format=custom", "--file=" + dumpFile, "--dbname=" + libpqUrl(db));
  }

  private List<String> pgRestore(TestDatabase db) {
    return List.of("pg_restore", "--no-owner", "--dbname=" + libpqUrl(db), dumpFile.toString());
  }

  /** The libpq form of a test database's JDBC URL, with its user. */
  private static String libpqUrl(TestDatabase db) {
    URI uri = URI.create(db.url().substring("jdbc:".length()));
    return "postgresql://" + db.user() + "@" + uri.getHost() + ":" + uri.getPort() + uri.getPath();
  }

  /**
   * pg_dump refuses a server of a newer major version than its own: the embedded PostgreSQL (18) of
   * a machine whose Debian ships pg_dump 15 cannot be dumped by it, and Debian has no newer one.
   * Missing tools fail the test under CI; a too old pg_dump skips it loudly.
   */
  private static void requirePgDumpFor(TestDatabase db) throws Exception {
    List<String> missing = new ArrayList<>();
    for (String tool : List.of("pg_dump", "pg_restore")) {
      if (!RequiredTools.onPath(tool)) {
        missing.add(tool + " (Debian's postgresql-client)");
      }
    }
    RequiredTools.requireOrSkip(
        "BackupRestoreTest", "backing up and restoring a running Igor", missing);
    int server = serverMajor(db);
    int dump = pgDumpMajor();
    RequiredTools.skipLoudlyUnless(
        dump >= server,
        "BackupRestoreTest",
        "backing up and restoring a running Igor",
        "pg_dump " + dump + " cannot dump PostgreSQL " + server + " (a newer major version)");
  }

  private static int serverMajor(TestDatabase db) throws SQLException {
    try (Connection c = db.connect();
        Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SHOW server_version_num")) {
      r.next();
      return Integer.parseInt(r.getString(1)) / 10000;
    }
  }

  private static int pgDumpMajor() throws Exception {
    String version = run(List.of("pg_dump", "--version"));
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d+)\\.").matcher(version);
    if (!m.find()) {
      throw new IllegalStateException("unexpected pg_dump --version: " + version);
    }
    return Integer.parseInt(m.group(1));
  }

  private static String run(List<String> command) throws Exception {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
      throw new IllegalStateException(String.join(" ", command) + " failed: " + output);
    }
    return output;
  }

  private <T extends AutoCloseable> T closing(T resource) {
    toClose.add(resource);
    return resource;
  }
}
