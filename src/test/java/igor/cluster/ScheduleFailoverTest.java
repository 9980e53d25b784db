package igor.cluster;

import static igor.testing.TestTime.scaled;
import static org.assertj.core.api.Assertions.assertThat;

import igor.testing.ClusterMembers;
import igor.testing.ClusterProcesses;
import igor.testing.HttpApi;
import igor.testing.IgorProcess;
import igor.testing.TestDatabase;
import igor.testing.TestRedis;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A schedule firing every second on three {@code igor server} processes (each a JVM of its own, on
 * the machine's PostgreSQL and Redis) fires once for each of 30 consecutive due times, with no
 * double and no gap, while the node that runs it is killed (SIGKILL) in the middle: sharding's
 * remember-entities starts the schedule on a survivor, which fires the due times passed meanwhile
 * (younger than igor.schedules.misfire-after, so late, not missed), each once, as the same jobs.
 * Process logs: target/schedule-failover/.
 */
class ScheduleFailoverTest {
  private static final int FIRES = 30;
  private static final Duration START_TIMEOUT = scaled(Duration.ofSeconds(180));
  private static final Duration FIRES_WITHIN = scaled(Duration.ofSeconds(150));

  private final Path logs =
      Path.of(
          "target",
          "schedule-failover",
          LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
  private final List<IgorProcess> started = Collections.synchronizedList(new ArrayList<>());
  private final String[] names = {"a", "b", "c"};
  private final int[] httpPorts = new int[3];
  private final int[] clusterPorts = new int[3];
  private final IgorProcess[] nodes = new IgorProcess[3];
  private final HttpApi[] apis = new HttpApi[3];
  private TestDatabase db;
  private TestRedis redis;

  @BeforeEach
  void createDatabaseAndPrefix() {
    db = TestDatabase.create();
    redis = TestRedis.create();
    for (int i = 0; i < 3; i++) {
      httpPorts[i] = freePort();
      clusterPorts[i] = freePort();
      apis[i] = new HttpApi(httpPorts[i]);
    }
  }

  @AfterEach
  void stopEverything() {
    try {
      synchronized (started) {
        started.forEach(IgorProcess::close);
      }
    } finally {
      try {
        redis.close();
      } finally {
        db.close();
      }
    }
  }

  @Test
  @Timeout(value = 10, unit = TimeUnit.MINUTES)
  void aScheduleEverySecondFiresThirtyTimesInThirtySecondsWhileItsNodeIsKilled() throws Exception {
    for (int i = 0; i < 3; i++) {
      nodes[i] = startNode(i);
    }
    for (int i = 0; i < 3; i++) {
      awaitReady(i);
    }
    ClusterMembers.awaitUp(apis[0], 3, START_TIMEOUT);

    HttpApi.Answer created =
        apis[0].post(
            "/api/v1/schedules",
            "{\"name\": \"every second\", \"cron\": \"* * * * * *\", \"overlap\": \"allow\","
                + " \"job\": {\"layers\": [{\"tasks\": [{\"type\": \"noop\"}]}]}}");
    assertThat(created.status()).as(created.text()).isEqualTo(200);
    String scheduleId = created.body().path("id").asText();

    // the node running the schedule logs its fires: wait for ten of them, then kill it
    awaitFires(scheduleId, 10, FIRES_WITHIN);
    int holder = holderOf(scheduleId);
    long killedAt = System.currentTimeMillis();
    nodes[holder].kill();
    List<Long> dueTimes = awaitFires(scheduleId, FIRES + 5, FIRES_WITHIN);
    long recoveredMs = firstFiredAfter(scheduleId, killedAt) - killedAt;

    List<Long> first = dueTimes.subList(0, FIRES);
    List<String> problems = new ArrayList<>();
    for (int i = 1; i < first.size(); i++) {
      if (first.get(i) - first.get(i - 1) != 1000) {
        problems.add(first.get(i - 1) + " then " + first.get(i));
      }
    }
    System.out.printf(
        "[schedule failover] node %s (holding the schedule) killed after %d fires; the first fire"
            + " journaled after the kill came %d ms after it; due times %d to %d (%d fires)%n",
        names[holder], 10, recoveredMs, first.get(0), first.get(FIRES - 1), dueTimes.size());
    assertThat(first.get(FIRES - 1) - first.get(0))
        .as("30 fires span 29 s")
        .isEqualTo((FIRES - 1) * 1000L);
    assertThat(problems).as("gaps or doubles between consecutive fires").isEmpty();
    assertThat(dueTimes).as("every due time fired once").doesNotHaveDuplicates();
    assertThat(first.stream().anyMatch(d -> d > killedAt - 1000 && d < killedAt + recoveredMs))
        .as("due times passed while the schedule had no node were fired late")
        .isTrue();
    // each fire made exactly its own job, once
    int survivor = holder == 0 ? 1 : 0;
    HttpApi.Answer schedule = apis[survivor].get("/api/v1/schedules/" + scheduleId);
    assertThat(schedule.status()).isEqualTo(200);
    assertThat(jobsCreatedOf(scheduleId)).isEqualTo(countFires(scheduleId));
  }

  /** Due times of the schedule's fires, journaled, in order; waits for at least {@code count}. */
  private List<Long> awaitFires(String scheduleId, int count, Duration within) {
    long deadline = System.nanoTime() + within.toNanos();
    while (true) {
      List<Long> due =
          query(
              "SELECT (convert_from(event_payload, 'UTF8')::json->>'dueAt')::bigint FROM"
                  + " event_journal WHERE persistence_id = ? AND event_ser_manifest LIKE"
                  + " '%$ScheduleFired' ORDER BY sequence_number",
              "Schedule|" + scheduleId);
      if (due.size() >= count) {
        return due;
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError(
            "only " + due.size() + " fires of " + count + " within " + within + ": " + due);
      }
      sleep(200);
    }
  }

  private long firstFiredAfter(String scheduleId, long at) {
    List<Long> fired =
        query(
            "SELECT (convert_from(event_payload, 'UTF8')::json->>'at')::bigint FROM event_journal"
                + " WHERE persistence_id = ? AND event_ser_manifest LIKE '%$ScheduleFired'"
                + " ORDER BY sequence_number",
            "Schedule|" + scheduleId);
    return fired.stream().filter(t -> t > at).findFirst().orElseThrow();
  }

  private int countFires(String scheduleId) {
    return query(
            "SELECT count(*) FROM event_journal WHERE persistence_id = ? AND event_ser_manifest"
                + " LIKE '%$ScheduleFired'",
            "Schedule|" + scheduleId)
        .get(0)
        .intValue();
  }

  /** Jobs created: JobCreated events (a job created twice would have two, or a conflict). */
  private int jobsCreatedOf(String scheduleId) {
    long deadline = System.nanoTime() + scaled(Duration.ofSeconds(30)).toNanos();
    int fires = countFires(scheduleId);
    while (true) {
      int jobs =
          query(
                  "SELECT count(*) FROM event_journal WHERE event_ser_manifest LIKE"
                      + " '%$JobCreated' AND persistence_id LIKE ?",
                  "Job|%")
              .get(0)
              .intValue();
      if (jobs >= fires || System.nanoTime() > deadline) {
        return jobs;
      }
      sleep(200);
    }
  }

  private int holderOf(String scheduleId) throws IOException {
    for (int i = 0; i < 3; i++) {
      String log = Files.readString(logs.resolve("node-" + names[i] + ".log"));
      if (log.contains("schedule fired scheduleId=" + scheduleId)) {
        return i;
      }
    }
    throw new AssertionError("no node logged a fire of " + scheduleId);
  }

  private List<Long> query(String sql, String parameter) {
    try (Connection c = db.connect();
        PreparedStatement s = c.prepareStatement(sql)) {
      s.setString(1, parameter);
      List<Long> values = new ArrayList<>();
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          values.add(rs.getLong(1));
        }
      }
      return values;
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private IgorProcess startNode(int index) {
    IgorProcess node =
        ClusterProcesses.startServer(
            "node " + names[index],
            index,
            httpPorts,
            clusterPorts,
            db,
            redis,
            logs.resolve("node-" + names[index] + ".log"));
    started.add(node);
    return node;
  }

  private void awaitReady(int index) {
    ClusterProcesses.awaitReady(nodes[index], apis[index], START_TIMEOUT);
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
