package igor.queue.redis;

import igor.domain.WorkerReport;
import igor.queue.AttemptLease;
import igor.queue.TaskDelivery;
import igor.queue.WireFormat;
import igor.queue.WorkerChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.redisson.api.RBlockingQueue;
import org.redisson.api.RedissonClient;
import org.redisson.api.stream.StreamAddArgs;
import org.redisson.client.codec.StringCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A worker's side of the Redis protocol: BLPOP then LPOP on the type queues, SET NX claims, XADD reports. */
public final class RedisWorkerChannel implements WorkerChannel {
  private static final Logger log = LoggerFactory.getLogger(RedisWorkerChannel.class);
  private final RedissonClient redis;
  private final RedisKeys keys;

  public RedisWorkerChannel(RedissonClient redis, RedisKeys keys) {
    this.redis = redis;
    this.keys = keys;
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
    for (String message : messages) {
      try {
        deliveries.add(WireFormat.parseDelivery(message));
      } catch (WireFormat.MalformedMessageException e) {
        log.warn("dropped malformed delivery queue={} problem={}", entry.getKey(), e.getMessage());
      }
    }
    return deliveries;
  }

  @Override
  public boolean claim(TaskDelivery delivery, String worker, Duration ttl) {
    return redis
        .<String>getBucket(keys.claim(delivery.deliveryId()), StringCodec.INSTANCE)
        .setIfAbsent(worker, ttl);
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

  @Override
  public void holdLeases(Collection<AttemptLease> leases, Duration lease) {
    if (leases.isEmpty()) {
      return;
    }
    double expiry = System.currentTimeMillis() + lease.toMillis();
    Map<String, Double> members = new HashMap<>();
    leases.forEach(l -> members.put(RedisKeys.leaseMember(l), expiry));
    redis.<String>getScoredSortedSet(keys.leases(), StringCodec.INSTANCE).addAll(members);
  }

  @Override
  public void dropLease(AttemptLease lease) {
    redis.<String>getScoredSortedSet(keys.leases(), StringCodec.INSTANCE)
        .remove(RedisKeys.leaseMember(lease));
  }

  @Override
  public void report(WorkerReport report) {
    redis
        .<String, String>getStream(keys.reports(), StringCodec.INSTANCE)
        .add(StreamAddArgs.entry(RedisReportInbox.FIELD, WireFormat.report(report)));
  }
}
