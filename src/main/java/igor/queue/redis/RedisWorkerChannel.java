package igor.queue.redis;

import igor.domain.Identifiers;
import igor.domain.WorkerReport;
import igor.queue.AttemptLease;
import igor.queue.TaskDelivery;
import igor.queue.WireFormat;
import igor.queue.WorkerChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.Consumer;
import org.redisson.api.BatchOptions;
import org.redisson.api.RBatch;
import org.redisson.api.RBlockingQueue;
import org.redisson.api.RScript;
import org.redisson.api.RedissonClient;
import org.redisson.api.stream.StreamAddArgs;
import org.redisson.client.codec.StringCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A worker's side of the Redis protocol: BLPOP then LPOP on the type queues, SET NX claims, XADD
 * reports.
 */
public final class RedisWorkerChannel implements WorkerChannel {
  private static final Logger log = LoggerFactory.getLogger(RedisWorkerChannel.class);
  private final RedissonClient redis;
  private final RedisKeys keys;
  private final DeadLetters deadLetters;
  private final Duration claimTtl;

  /**
   * {@code bounds}: what a dead letter keeps of a delivery it sets aside, and the claim TTL that
   * each lease renewal gives the attempt's claim again.
   */
  public RedisWorkerChannel(RedissonClient redis, RedisKeys keys, KeyBounds bounds) {
    this.redis = redis;
    this.keys = keys;
    this.deadLetters = new DeadLetters(keys, bounds);
    this.claimTtl = bounds.claimTtl();
  }

  @Override
  public List<TaskDelivery> take(Collection<String> types, int max, Duration wait)
      throws InterruptedException {
    List<String> queues = types.stream().map(keys::queue).toList();
    RBlockingQueue<String> first = redis.getBlockingQueue(queues.get(0), StringCodec.INSTANCE);
    String[] others = queues.subList(1, queues.size()).toArray(String[]::new);
    var entry = first.pollFromAnyWithName(wait, others);
    if (entry == null) {
      return List.of();
    }
    List<String> messages = new ArrayList<>();
    messages.add(entry.getValue());
    if (max > 1) {
      messages.addAll(redis.<String>getQueue(entry.getKey(), StringCodec.INSTANCE).poll(max - 1));
    }
    List<TaskDelivery> deliveries = new ArrayList<>(messages.size());
    RBatch deadLetterBatch = redis.createBatch(BatchOptions.defaults());
    List<String> malformed = new ArrayList<>();
    for (String message : messages) {
      try {
        deliveries.add(WireFormat.parseDelivery(message));
      } catch (WireFormat.MalformedMessageException e) {
        log.warn(
            "malformed delivery set aside as a dead letter queue={} problem={}",
            entry.getKey(),
            e.getMessage());
        deadLetters.add(deadLetterBatch, entry.getKey(), message, e.getMessage());
        malformed.add(message);
      }
    }
    forgetQueued(deliveries);
    if (!malformed.isEmpty()) {
      try {
        deadLetterBatch.execute();
      } catch (RuntimeException e) {
        log.warn(
            "dead letters could not be written, so here they are queue={} messages={} problem={}",
            entry.getKey(),
            malformed,
            e.toString());
      }
    }
    return deliveries;
  }

  /**
   * Takes the deliveries out of the set of queued ones, so that if this worker stops before it
   * begins them, Igor hands them out again when the job is recovered. Best effort: Igor also
   * forgets them when their reports arrive.
   */
  private void forgetQueued(List<TaskDelivery> deliveries) {
    if (deliveries.isEmpty()) {
      return;
    }
    Object[] ids = deliveries.stream().map(TaskDelivery::deliveryId).toArray();
    redis
        .getSet(keys.queued(), StringCodec.INSTANCE)
        .removeAllAsync(java.util.Arrays.asList(ids))
        .whenComplete(
            (ok, failure) -> {
              if (failure != null) {
                log.debug("queued deliveries not forgotten problem={}", failure.toString());
              }
            });
  }

  /**
   * Claim, lease and started report in one script: a worker never holds a lease it did not claim.
   */
  private static final String BEGIN =
      "if not redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return 0 end\n"
          + "redis.call('ZADD', KEYS[2], ARGV[3], ARGV[4])\n"
          + "redis.call('XADD', KEYS[3], '*', ARGV[5], ARGV[6])\n"
          + "return 1";

  @Override
  public boolean begin(
      TaskDelivery delivery,
      String worker,
      Duration claimTtl,
      Duration lease,
      WorkerReport started) {
    Long begun =
        redis
            .getScript(StringCodec.INSTANCE)
            .eval(
                RScript.Mode.READ_WRITE,
                BEGIN,
                RScript.ReturnType.LONG,
                List.of(keys.claim(delivery.deliveryId()), keys.leases(), keys.reports()),
                worker,
                String.valueOf(claimTtl.toMillis()),
                String.valueOf(System.currentTimeMillis() + lease.toMillis()),
                RedisKeys.leaseMember(
                    new AttemptLease(delivery.jobId(), delivery.taskId(), delivery.attempt())),
                RedisReportInbox.FIELD,
                WireFormat.report(started));
    return begun != null && begun == 1L;
  }

  @Override
  public void onCancel(Consumer<String> cancelled) {
    redis
        .getTopic(keys.cancellations(), StringCodec.INSTANCE)
        .addListener(
            String.class,
            (channel, message) -> {
              try {
                WireFormat.parseCancellation(message).forEach(cancelled);
              } catch (WireFormat.MalformedMessageException e) {
                log.warn("dropped malformed cancellation problem={}", e.getMessage());
              }
            });
  }

  /**
   * KEYS: leases, then the claim of each attempt. ARGV: lease expiry, claim TTL (ms), then the
   * lease members in the order of the claims. Renews each lease still held (ZADD XX) and, with it,
   * the attempt's claim: a claim lives as long as its attempt runs, and no longer than the claim
   * TTL once its worker stops renewing.
   */
  private static final String RENEW =
      "local renewed = 0\n"
          + "for i = 2, #KEYS do\n"
          + "  if redis.call('ZSCORE', KEYS[1], ARGV[i + 1]) then\n"
          + "    redis.call('ZADD', KEYS[1], 'XX', ARGV[1], ARGV[i + 1])\n"
          + "    redis.call('PEXPIRE', KEYS[i], ARGV[2])\n"
          + "    renewed = renewed + 1\n"
          + "  end\n"
          + "end\n"
          + "return renewed";

  @Override
  public void renewLeases(Collection<AttemptLease> leases, Duration lease) {
    if (leases.isEmpty()) {
      return;
    }
    List<Object> keysOfScript = new ArrayList<>(leases.size() + 1);
    List<Object> args = new ArrayList<>(leases.size() + 2);
    keysOfScript.add(keys.leases());
    args.add(String.valueOf(System.currentTimeMillis() + lease.toMillis()));
    args.add(String.valueOf(claimTtl.toMillis()));
    for (AttemptLease l : leases) {
      keysOfScript.add(keys.claim(Identifiers.deliveryId(l.taskId(), l.attempt())));
      args.add(RedisKeys.leaseMember(l));
    }
    redis
        .getScript(StringCodec.INSTANCE)
        .eval(
            RScript.Mode.READ_WRITE, RENEW, RScript.ReturnType.LONG, keysOfScript, args.toArray());
  }

  @Override
  public void dropLease(AttemptLease lease) {
    redis
        .<String>getScoredSortedSet(keys.leases(), StringCodec.INSTANCE)
        .remove(RedisKeys.leaseMember(lease));
  }

  @Override
  public void finish(WorkerReport outcome) {
    RBatch batch = redis.createBatch(BatchOptions.defaults());
    batch
        .<String, String>getStream(keys.reports(), StringCodec.INSTANCE)
        .addAsync(StreamAddArgs.entry(RedisReportInbox.FIELD, WireFormat.report(outcome)));
    batch
        .<String>getScoredSortedSet(keys.leases(), StringCodec.INSTANCE)
        .removeAsync(
            RedisKeys.leaseMember(
                new AttemptLease(outcome.jobId(), outcome.taskId(), outcome.attempt())));
    batch.execute();
  }

  @Override
  public void report(WorkerReport report) {
    redis
        .<String, String>getStream(keys.reports(), StringCodec.INSTANCE)
        .add(StreamAddArgs.entry(RedisReportInbox.FIELD, WireFormat.report(report)));
  }
}
