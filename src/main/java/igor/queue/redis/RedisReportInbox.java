package igor.queue.redis;

import igor.domain.Identifiers;
import igor.domain.OutcomeLimits;
import igor.domain.WorkerReport;
import igor.queue.ReceivedReport;
import igor.queue.ReportInbox;
import igor.queue.WireFormat;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.redisson.api.BatchOptions;
import org.redisson.api.RBatch;
import org.redisson.api.RScript;
import org.redisson.api.RStream;
import org.redisson.api.RStreamAsync;
import org.redisson.api.RedissonClient;
import org.redisson.api.stream.StreamCreateGroupArgs;
import org.redisson.api.stream.StreamMessageId;
import org.redisson.api.stream.StreamReadGroupArgs;
import org.redisson.client.codec.StringCodec;

/**
 * The report channel as one Redis stream read by the consumer group of all Igor nodes: every report
 * goes to one node, stays pending until that node acknowledges it (XACK and XDEL once its effects
 * are journaled); a report left pending by a node removed from the cluster is taken over at once
 * ({@link #takeOverFrom}, ADR 0027), and any other left pending longer than {@code reclaimAfter} is
 * claimed by another node (XAUTOCLAIM).
 */
public final class RedisReportInbox implements ReportInbox {
  static final String FIELD = "report";
  private static final org.slf4j.Logger log =
      org.slf4j.LoggerFactory.getLogger(RedisReportInbox.class);
  private final RedissonClient redis;
  private final RedisKeys keys;
  private final RStream<String, String> stream;
  private final String consumer;
  private final Duration reclaimAfter;
  private final DeadLetters deadLetters;
  private final OutcomeLimits limits;
  private final Duration claimLinger;
  private final RedisFlowControl flow;
  private final StreamTakeover takeover;
  private volatile long lastReclaim;
  private volatile StreamMessageId reclaimCursor = new StreamMessageId(0, 0);

  /**
   * {@code limits}: a report over them fails its attempt; {@code bounds}: what a dead letter keeps
   * of a report it sets aside, and how long an ended attempt's claim is kept.
   */
  public RedisReportInbox(
      RedissonClient redis,
      RedisKeys keys,
      String consumer,
      Duration reclaimAfter,
      OutcomeLimits limits,
      KeyBounds bounds) {
    this(redis, keys, consumer, reclaimAfter, limits, bounds, null);
  }

  /** The same, freeing the flow-control slots of attempts that ended ({@code flow}: or null). */
  public RedisReportInbox(
      RedissonClient redis,
      RedisKeys keys,
      String consumer,
      Duration reclaimAfter,
      OutcomeLimits limits,
      KeyBounds bounds,
      RedisFlowControl flow) {
    this.flow = flow;
    this.redis = redis;
    this.keys = keys;
    this.stream = redis.getStream(keys.reports(), StringCodec.INSTANCE);
    this.consumer = consumer;
    this.reclaimAfter = reclaimAfter;
    this.limits = limits;
    this.deadLetters = new DeadLetters(keys, bounds);
    this.claimLinger = bounds.claimLinger();
    this.takeover = new StreamTakeover(redis, keys.reports(), consumer, FIELD);
    ensureGroupAsync().toCompletableFuture().join();
  }

  /** Creates the stream and its group unless they exist (async: Redisson's threads may call it). */
  private CompletionStage<Void> ensureGroupAsync() {
    return stream
        .createGroupAsync(
            StreamCreateGroupArgs.name(RedisKeys.REPORT_GROUP)
                .id(new StreamMessageId(0, 0))
                .makeStream())
        .handle(
            (ok, e) -> {
              if (e != null && !String.valueOf(e.getMessage()).contains("BUSYGROUP")) {
                throw e instanceof CompletionException c ? c : new CompletionException(e);
              }
              return null;
            });
  }

  @Override
  public void takeOverFrom(String node) {
    takeover.add(node);
  }

  /**
   * Reports of a node gone from the cluster first ({@link #takeOverFrom}); then, every sixth of
   * {@code reclaimAfter}, those pending longer than it (so none waits more than 7/6 of it); then
   * new ones.
   */
  @Override
  public CompletionStage<List<ReceivedReport>> next(int max, Duration wait) {
    if (takeover.isWaiting()) {
      return takeover
          .next(max)
          .thenCompose(
              taken ->
                  taken.isEmpty()
                      ? nextPendingOrNew(max, wait)
                      : CompletableFuture.completedFuture(decode(taken)));
    }
    return nextPendingOrNew(max, wait);
  }

  private CompletionStage<List<ReceivedReport>> nextPendingOrNew(int max, Duration wait) {
    long now = System.currentTimeMillis();
    if (now - lastReclaim >= reclaimAfter.toMillis() / 6) {
      lastReclaim = now;
      return stream
          .autoClaimAsync(
              RedisKeys.REPORT_GROUP,
              consumer,
              reclaimAfter.toMillis(),
              TimeUnit.MILLISECONDS,
              reclaimCursor,
              max)
          .thenCompose(
              claimed -> {
                StreamMessageId nextId = claimed.getNextId();
                reclaimCursor = nextId == null ? new StreamMessageId(0, 0) : nextId;
                if (!claimed.getMessages().isEmpty()) {
                  return CompletableFuture.completedFuture(decode(claimed.getMessages()));
                }
                return readNew(max, wait);
              })
          .exceptionallyCompose(this::createGroupIfMissing);
    }
    return readNew(max, wait).exceptionallyCompose(this::createGroupIfMissing);
  }

  /** The read failed all the same; the next one finds the group. */
  private CompletionStage<List<ReceivedReport>> createGroupIfMissing(Throwable failure) {
    CompletionStage<Void> created =
        isMissingGroup(failure) ? ensureGroupAsync() : CompletableFuture.completedFuture(null);
    return created.thenCompose(x -> CompletableFuture.failedFuture(failure));
  }

  private CompletionStage<List<ReceivedReport>> readNew(int max, Duration wait) {
    return stream
        .readGroupAsync(
            RedisKeys.REPORT_GROUP,
            consumer,
            StreamReadGroupArgs.neverDelivered().count(max).timeout(wait))
        .thenApply(this::decode);
  }

  /** After Redis lost its data, the stream and its group are gone: create them again. */
  private static boolean isMissingGroup(Throwable e) {
    String m = String.valueOf(e.getMessage());
    return m.contains("NOGROUP");
  }

  private List<ReceivedReport> decode(Map<StreamMessageId, Map<String, String>> messages) {
    List<ReceivedReport> reports = new ArrayList<>(messages == null ? 0 : messages.size());
    if (messages == null) {
      return reports;
    }
    List<Object> taken = new ArrayList<>();
    List<String[]> ended = new ArrayList<>();
    messages.forEach(
        (id, fields) -> {
          String receipt = id.toString();
          String text = fields.get(FIELD);
          if (text == null) {
            reports.add(
                ReceivedReport.unreadable(receipt, fields.toString(), "no field '" + FIELD + "'"));
            return;
          }
          try {
            WorkerReport report = WireFormat.parseReport(text, limits);
            reports.add(ReceivedReport.of(receipt, report));
            String deliveryId = Identifiers.deliveryId(report.taskId(), report.attempt());
            taken.add(deliveryId);
            if (report.kind() != WorkerReport.Kind.STARTED) {
              ended.add(new String[] {deliveryId, ""});
            }
          } catch (WireFormat.MalformedMessageException e) {
            reports.add(ReceivedReport.unreadable(receipt, text, e.getMessage()));
          }
        });
    forgetQueued(taken);
    freeSlots(ended);
    return reports;
  }

  /**
   * An attempt that ended frees its flow-control slot at once, which admits the next delivery
   * waiting for it (docs/flow-control.md); a slot not freed here (Redis did not answer) is freed by
   * a node's sweep.
   */
  private void freeSlots(List<String[]> ended) {
    if (flow == null || ended.isEmpty() || !flow.holdsSlots()) {
      return;
    }
    flow.release(ended)
        .whenComplete(
            (ok, failure) -> {
              if (failure != null) {
                log.debug("flow-control slots not freed problem={}", failure.toString());
              }
            });
  }

  /**
   * An attempt someone reports on was taken from its queue: it leaves the set of queued ones
   * (whatever the worker did about it), so that it is handed out again if it is queued again.
   */
  private void forgetQueued(List<Object> deliveryIds) {
    if (deliveryIds.isEmpty()) {
      return;
    }
    redis
        .getSet(keys.queued(), StringCodec.INSTANCE)
        .removeAllAsync(deliveryIds)
        .whenComplete(
            (ok, failure) -> {
              if (failure != null) {
                log.debug("queued deliveries not forgotten problem={}", failure.toString());
              }
            });
  }

  /**
   * KEYS: the report stream, then the claim of each attempt a final report ended. ARGV: the group,
   * the claim linger (ms), then the entry ids. Acknowledges and deletes the entries, and shortens
   * each claim to the linger (PEXPIRE of a claim that is gone does nothing): one command for a
   * batch of reports, where a command per ended attempt cost the node and Redis one command more
   * per task (docs/BENCHMARKS.md, "What bounds the figures").
   */
  private static final String ACKNOWLEDGE =
      "for i = 3, #ARGV, 1000 do\n"
          + "  local last = math.min(i + 999, #ARGV)\n"
          + "  redis.call('XACK', KEYS[1], ARGV[1], unpack(ARGV, i, last))\n"
          + "  redis.call('XDEL', KEYS[1], unpack(ARGV, i, last))\n"
          + "end\n"
          + "for i = 2, #KEYS do redis.call('PEXPIRE', KEYS[i], ARGV[2]) end\n"
          + "return 1";

  /**
   * Removes the reports from the stream and shortens the claim of every attempt a final report
   * ended to the claim linger: the attempt cannot be delivered any more, so its claim need only
   * absorb a stray copy for a little while (docs/worker-protocol.md, "What stays in Redis"). One
   * script for the whole batch ({@link #ACKNOWLEDGE}).
   */
  @Override
  public CompletionStage<Void> acknowledge(List<ReceivedReport> reports) {
    if (reports.isEmpty()) {
      return CompletableFuture.completedFuture(null);
    }
    List<Object> scriptKeys = new ArrayList<>();
    scriptKeys.add(stream.getName());
    List<Object> args = new ArrayList<>(reports.size() + 2);
    args.add(RedisKeys.REPORT_GROUP);
    args.add(String.valueOf(Math.max(1, claimLinger.toMillis())));
    for (ReceivedReport r : reports) {
      args.add(r.receipt());
      WorkerReport report = r.report();
      if (report != null && report.kind() != WorkerReport.Kind.STARTED) {
        scriptKeys.add(keys.claim(Identifiers.deliveryId(report.taskId(), report.attempt())));
      }
    }
    return redis
        .getScript(StringCodec.INSTANCE)
        .evalAsync(
            RScript.Mode.READ_WRITE,
            ACKNOWLEDGE,
            RScript.ReturnType.LONG,
            scriptKeys,
            args.toArray())
        .thenApply(r -> null);
  }

  /** The dead letters and the removal from the stream in one transaction: never one alone. */
  @Override
  public CompletionStage<Void> setAside(List<ReceivedReport> unreadable) {
    if (unreadable.isEmpty()) {
      return CompletableFuture.completedFuture(null);
    }
    RBatch batch =
        redis.createBatch(
            BatchOptions.defaults().executionMode(BatchOptions.ExecutionMode.IN_MEMORY_ATOMIC));
    for (ReceivedReport r : unreadable) {
      deadLetters.add(batch, stream.getName(), r.raw(), r.problem());
    }
    remove(batch, unreadable.stream().map(ReceivedReport::receipt).toList());
    return batch.executeAsync().thenApply(r -> null);
  }

  private void remove(RBatch batch, List<String> receipts) {
    remove(batch, stream.getName(), receipts);
  }

  /**
   * Acknowledges (for the group {@code igor}) and deletes these entries of a stream, in a batch.
   */
  static void remove(RBatch batch, String streamName, List<String> receipts) {
    StreamMessageId[] ids =
        receipts.stream().map(RedisReportInbox::parseId).toArray(StreamMessageId[]::new);
    RStreamAsync<String, String> s = batch.getStream(streamName, StringCodec.INSTANCE);
    s.ackAsync(RedisKeys.REPORT_GROUP, ids);
    s.removeAsync(ids);
  }

  /** A stream entry's id as Redis writes it ({@code <millis>-<sequence>}). */
  static StreamMessageId parseId(String receipt) {
    int dash = receipt.indexOf('-');
    return new StreamMessageId(
        Long.parseLong(receipt.substring(0, dash)), Long.parseLong(receipt.substring(dash + 1)));
  }
}
