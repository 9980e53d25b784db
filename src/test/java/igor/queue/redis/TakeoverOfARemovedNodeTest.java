package igor.queue.redis;

import static org.assertj.core.api.Assertions.assertThat;

import igor.domain.Identifiers;
import igor.domain.OutcomeLimits;
import igor.domain.WorkerReport;
import igor.queue.ReceivedReport;
import igor.queue.TaskOutputChannel;
import igor.queue.WireFormat;
import igor.testing.TestRedis;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.redisson.api.stream.StreamMessageId;
import org.redisson.client.codec.StringCodec;

/**
 * What a node read from the report and task output streams and never acknowledged is handed to
 * another node as soon as it is told the first is gone from the cluster, long before {@code
 * reclaim-after}; the gone node's consumer then leaves the group.
 */
class TakeoverOfARemovedNodeTest {
  private static final Duration RECLAIM_AFTER = Duration.ofMinutes(10);
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
  void reportsARemovedNodeReadAreReadByAnotherAtOnceAndItsConsumerLeavesTheGroup()
      throws Exception {
    RedisReportInbox gone = inbox("node-a");
    RedisReportInbox survivor = inbox("node-b");
    List<String> sent = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      sent.add(addReport(completed()));
    }

    List<String> readByTheGone = receipts(gone.next(10, WAIT).toCompletableFuture().get());
    List<String> beforeTakeover = receipts(survivor.next(10, WAIT).toCompletableFuture().get());
    survivor.takeOverFrom("node-a");
    List<ReceivedReport> taken = survivor.next(10, WAIT).toCompletableFuture().get();
    List<String> afterTakeover = receipts(survivor.next(10, WAIT).toCompletableFuture().get());

    assertThat(readByTheGone).as("read by the node that then died").isEqualTo(sent);
    assertThat(beforeTakeover).as("read by the survivor before it was told").isEmpty();
    assertThat(receipts(taken)).as("taken over at once").isEqualTo(sent);
    assertThat(taken).allSatisfy(r -> assertThat(r.report()).isNotNull());
    assertThat(afterTakeover).as("taken over once").isEmpty();
    assertThat(consumers(keys.reports())).containsExactly("node-b");

    survivor.acknowledge(taken).toCompletableFuture().get();
    assertThat(pendingCount(keys.reports())).as("pending once acknowledged").isZero();
  }

  @Test
  void aNodeStartedAtTheAddressOfOneThatDiedReadsAtOnceWhatThatOneLeftPending() throws Exception {
    RedisReportInbox died = inbox("node-a");
    String sent = addReport(completed());
    assertThat(receipts(died.next(10, WAIT).toCompletableFuture().get())).containsExactly(sent);

    RedisReportInbox restarted = inbox("node-a");
    List<String> beforeTakeover = receipts(restarted.next(10, WAIT).toCompletableFuture().get());
    restarted.takeOverFrom("node-a");
    List<ReceivedReport> taken = restarted.next(10, WAIT).toCompletableFuture().get();

    assertThat(beforeTakeover).as("new reports only, before it takes over").isEmpty();
    assertThat(receipts(taken)).containsExactly(sent);
    restarted.acknowledge(taken).toCompletableFuture().get();
    assertThat(pendingCount(keys.reports())).isZero();
  }

  @Test
  void aNodeToldOfTheRemovalOfOneThatReadNothingTakesNothing() throws Exception {
    RedisReportInbox survivor = inbox("node-b");
    String sent = addReport(completed());

    survivor.takeOverFrom("node-never-seen");

    assertThat(receipts(survivor.next(10, WAIT).toCompletableFuture().get()))
        .as("only the new report")
        .containsExactly(sent);
    assertThat(consumers(keys.reports())).containsExactly("node-b");
  }

  @Test
  void taskOutputARemovedNodeReadIsReadByAnotherAtOnce() {
    TaskOutputChannel gone = output("node-a");
    TaskOutputChannel survivor = output("node-b");
    String sent =
        redis
            .client()
            .<String, String>getStream(keys.logs(), StringCodec.INSTANCE)
            .add(
                org.redisson.api.stream.StreamAddArgs.entry(
                    RedisTaskOutputChannel.FIELD, "{\"not\": \"an entry\"}"))
            .toString();

    assertThat(gone.next(10, WAIT))
        .extracting(TaskOutputChannel.Received::receipt)
        .containsExactly(sent);
    assertThat(survivor.next(10, WAIT)).isEmpty();
    survivor.takeOverFrom("node-a");

    assertThat(survivor.next(10, WAIT))
        .extracting(TaskOutputChannel.Received::receipt)
        .containsExactly(sent);
    assertThat(survivor.next(10, WAIT)).as("taken over once").isEmpty();
    assertThat(consumers(keys.logs())).containsExactly("node-b");
  }

  private RedisReportInbox inbox(String consumer) {
    return new RedisReportInbox(
        redis.client(),
        keys,
        consumer,
        RECLAIM_AFTER,
        OutcomeLimits.DEFAULTS,
        KeyBounds.defaults());
  }

  private TaskOutputChannel output(String consumer) {
    return new RedisTaskOutputChannel(
        redis.client(), keys, consumer, RECLAIM_AFTER, 4096, KeyBounds.defaults());
  }

  private static WorkerReport completed() {
    return new WorkerReport(
        WorkerReport.Kind.COMPLETED,
        Identifiers.newId(),
        Identifiers.newId(),
        1,
        "worker-1",
        "",
        null,
        false,
        System.currentTimeMillis());
  }

  private String addReport(WorkerReport report) {
    StreamMessageId id =
        redis
            .client()
            .<String, String>getStream(keys.reports(), StringCodec.INSTANCE)
            .add(
                org.redisson.api.stream.StreamAddArgs.entry(
                    RedisReportInbox.FIELD, WireFormat.report(report)));
    return id.toString();
  }

  private static List<String> receipts(List<ReceivedReport> reports) {
    return reports.stream().map(ReceivedReport::receipt).toList();
  }

  private List<String> consumers(String stream) {
    return redis
        .client()
        .<String, String>getStream(stream, StringCodec.INSTANCE)
        .listConsumers(RedisKeys.REPORT_GROUP)
        .stream()
        .map(c -> c.getName())
        .toList();
  }

  private long pendingCount(String stream) {
    return redis
        .client()
        .<String, String>getStream(stream, StringCodec.INSTANCE)
        .getPendingInfo(RedisKeys.REPORT_GROUP)
        .getTotal();
  }
}
