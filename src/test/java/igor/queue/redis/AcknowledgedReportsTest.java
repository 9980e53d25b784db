package igor.queue.redis;

import static org.assertj.core.api.Assertions.assertThat;

import igor.domain.Identifiers;
import igor.domain.OutcomeLimits;
import igor.domain.WorkerReport;
import igor.queue.ReceivedReport;
import igor.queue.WireFormat;
import igor.testing.TestRedis;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.redisson.client.codec.StringCodec;

/**
 * A batch of reports, once applied, leaves the report stream (acknowledged and deleted), and the
 * claim of each attempt a final report ended is kept only for the claim linger; the claim of an
 * attempt that only started keeps its time to live.
 */
class AcknowledgedReportsTest {
  private static final Duration LINGER = Duration.ofSeconds(30);
  private static final Duration CLAIM_TTL = Duration.ofMinutes(10);
  private static final Duration WAIT = Duration.ofMillis(50);

  private TestRedis redis;
  private RedisKeys keys;

  @BeforeEach
  void redis() {
    redis = TestRedis.create();
    keys = new RedisKeys(redis.prefix());
  }

  @AfterEach
  void cleanUp() {
    redis.close();
  }

  @Test
  void acknowledgedReportsLeaveTheStreamAndEndedAttemptsKeepTheirClaimsOnlyForTheLinger()
      throws Exception {
    RedisReportInbox inbox =
        new RedisReportInbox(
            redis.client(),
            keys,
            "node-a",
            Duration.ofMinutes(10),
            OutcomeLimits.DEFAULTS,
            KeyBounds.withClaimTtl(CLAIM_TTL));
    WorkerReport completed = report(WorkerReport.Kind.COMPLETED);
    WorkerReport failed = report(WorkerReport.Kind.FAILED);
    WorkerReport started = report(WorkerReport.Kind.STARTED);
    for (WorkerReport r : List.of(completed, failed, started)) {
      claim(r);
      add(r);
    }

    List<ReceivedReport> read = inbox.next(10, WAIT).toCompletableFuture().get();
    inbox.acknowledge(read).toCompletableFuture().get();

    assertThat(read).hasSize(3);
    assertThat(stream().size()).as("entries left in the stream").isZero();
    assertThat(stream().getPendingInfo(RedisKeys.REPORT_GROUP).getTotal())
        .as("pending entries")
        .isZero();
    assertThat(claimTtl(completed))
        .as("a completed attempt's claim")
        .isBetween(1L, LINGER.toMillis());
    assertThat(claimTtl(failed)).as("a failed attempt's claim").isBetween(1L, LINGER.toMillis());
    assertThat(claimTtl(started)).as("a started attempt's claim").isGreaterThan(LINGER.toMillis());
  }

  private static WorkerReport report(WorkerReport.Kind kind) {
    return new WorkerReport(
        kind,
        Identifiers.newId(),
        Identifiers.newId(),
        1,
        "worker-1",
        "",
        null,
        false,
        System.currentTimeMillis());
  }

  private String claimKey(WorkerReport r) {
    return keys.claim(Identifiers.deliveryId(r.taskId(), r.attempt()));
  }

  private void claim(WorkerReport r) {
    redis.client().getBucket(claimKey(r), StringCodec.INSTANCE).set("worker-1", CLAIM_TTL);
  }

  private long claimTtl(WorkerReport r) {
    return redis.client().getBucket(claimKey(r), StringCodec.INSTANCE).remainTimeToLive();
  }

  private void add(WorkerReport r) {
    stream()
        .add(
            org.redisson.api.stream.StreamAddArgs.entry(
                RedisReportInbox.FIELD, WireFormat.report(r)));
  }

  private org.redisson.api.RStream<String, String> stream() {
    return redis.client().getStream(keys.reports(), StringCodec.INSTANCE);
  }
}
