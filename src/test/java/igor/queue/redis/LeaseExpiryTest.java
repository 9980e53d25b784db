package igor.queue.redis;

import static org.assertj.core.api.Assertions.assertThat;

import igor.domain.Identifiers;
import igor.domain.WorkerReport;
import igor.queue.AttemptLease;
import igor.queue.WireFormat;
import igor.testing.TestRedis;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.redisson.api.RScoredSortedSet;
import org.redisson.api.stream.StreamMessageId;
import org.redisson.client.codec.StringCodec;

/**
 * An expired lease becomes one failure report, written by the one encoder of reports ({@link
 * WireFormat#report}) and read back by the one parser; a lease still running is left alone.
 */
class LeaseExpiryTest {
  private static final long NOW = 1_790_000_000_123L;
  private TestRedis redis;
  private RedisKeys keys;
  private RedisQueueKeeping keeping;

  @BeforeEach
  void redis() {
    redis = TestRedis.create();
    keys = new RedisKeys(redis.prefix());
    keeping = new RedisQueueKeeping(redis.client(), keys, KeyBounds.defaults());
  }

  @AfterEach
  void cleanUp() {
    redis.close();
  }

  @Test
  void anExpiredLeaseBecomesOneLostWorkerFailureAndARunningOneIsLeftAlone() throws Exception {
    AttemptLease expired = new AttemptLease(Identifiers.newId(), Identifiers.newId(), 3);
    AttemptLease running = new AttemptLease(Identifiers.newId(), Identifiers.newId(), 1);
    leases().add(NOW - 1, RedisKeys.leaseMember(expired));
    leases().add(NOW + 60_000, RedisKeys.leaseMember(running));

    int failed = keeping.failExpiredLeases(NOW, 100).toCompletableFuture().get();
    int again = keeping.failExpiredLeases(NOW, 100).toCompletableFuture().get();

    assertThat(failed).isEqualTo(1);
    assertThat(again).isZero();
    assertThat(leases().readAll()).containsExactly(RedisKeys.leaseMember(running));
    List<String> reports = reports();
    assertThat(reports).hasSize(1);
    assertThat(reports.get(0))
        .isEqualTo(WireFormat.report(RedisQueueKeeping.lost(expired, NOW)))
        .isEqualTo(
            "{\"v\":1,\"kind\":\"failed\",\"job_id\":\""
                + expired.jobId()
                + "\",\"task_id\":\""
                + expired.taskId()
                + "\",\"attempt\":3,\"worker\":\"\",\"message\":\"lost worker\","
                + "\"retryable\":true,\"at\":"
                + NOW
                + "}");
    WorkerReport read = WireFormat.parseReport(reports.get(0));
    assertThat(read.kind()).isEqualTo(WorkerReport.Kind.FAILED);
    assertThat(read.taskId()).isEqualTo(expired.taskId());
    assertThat(read.attempt()).isEqualTo(3);
    assertThat(read.message()).isEqualTo("lost worker");
    assertThat(read.retryable()).isTrue();
    assertThat(read.at()).isEqualTo(NOW);
  }

  @Test
  void aLeaseThatNamesNoAttemptIsDroppedWithoutAReport() throws Exception {
    leases().add(NOW - 1, "not-a-lease");

    int failed = keeping.failExpiredLeases(NOW, 100).toCompletableFuture().get();

    assertThat(failed).isZero();
    assertThat(leases().readAll()).isEmpty();
    assertThat(reports()).isEmpty();
  }

  private RScoredSortedSet<String> leases() {
    return redis.client().getScoredSortedSet(keys.leases(), StringCodec.INSTANCE);
  }

  private List<String> reports() {
    Map<StreamMessageId, Map<String, String>> entries =
        redis
            .client()
            .<String, String>getStream(keys.reports(), StringCodec.INSTANCE)
            .range(StreamMessageId.MIN, StreamMessageId.MAX);
    return entries.values().stream().map(e -> e.get(RedisReportInbox.FIELD)).toList();
  }
}
