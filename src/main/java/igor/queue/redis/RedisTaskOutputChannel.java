package igor.queue.redis;

import igor.domain.TaskOutput;
import igor.queue.TaskOutputChannel;
import igor.queue.WireFormat;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.redisson.api.BatchOptions;
import org.redisson.api.RBatch;
import org.redisson.api.RFuture;
import org.redisson.api.RStream;
import org.redisson.api.RTopic;
import org.redisson.api.RedissonClient;
import org.redisson.api.stream.StreamCreateGroupArgs;
import org.redisson.api.stream.StreamMessageId;
import org.redisson.api.stream.StreamReadGroupArgs;
import org.redisson.client.codec.StringCodec;

/**
 * The task output stream {@code P:logs}, read by the consumer group of all nodes like the report
 * stream; what a node stored is published on {@code P:logs-live} as a JSON array of entries.
 */
final class RedisTaskOutputChannel implements TaskOutputChannel {
  static final String FIELD = "entry";
  private static final org.slf4j.Logger log =
      org.slf4j.LoggerFactory.getLogger(RedisTaskOutputChannel.class);
  private final RedissonClient redis;
  private final RedisKeys keys;
  private final RStream<String, String> stream;
  private final RTopic live;
  private final String consumer;
  private final Duration reclaimAfter;
  private final int maxLineBytes;
  private final DeadLetters deadLetters;
  private final StreamTakeover takeover;
  private long lastReclaim;
  private StreamMessageId reclaimCursor = new StreamMessageId(0, 0);

  RedisTaskOutputChannel(
      RedissonClient redis,
      RedisKeys keys,
      String consumer,
      Duration reclaimAfter,
      int maxLineBytes,
      KeyBounds bounds) {
    this.redis = redis;
    this.keys = keys;
    this.stream = redis.getStream(keys.logs(), StringCodec.INSTANCE);
    this.live = redis.getTopic(keys.logsLive(), StringCodec.INSTANCE);
    this.consumer = consumer;
    this.reclaimAfter = reclaimAfter;
    this.maxLineBytes = maxLineBytes;
    this.deadLetters = new DeadLetters(keys, bounds);
    this.takeover = new StreamTakeover(redis, keys.logs(), consumer, FIELD);
    ensureGroup();
  }

  private void ensureGroup() {
    try {
      stream.createGroup(
          StreamCreateGroupArgs.name(RedisKeys.REPORT_GROUP)
              .id(new StreamMessageId(0, 0))
              .makeStream());
    } catch (RuntimeException e) {
      if (!String.valueOf(e.getMessage()).contains("BUSYGROUP")) {
        throw e;
      }
    }
  }

  @Override
  public synchronized List<Received> next(int max, Duration wait) {
    try {
      return read(max, wait);
    } catch (RuntimeException e) {
      if (String.valueOf(e.getMessage()).contains("NOGROUP")) {
        ensureGroup();
        return read(max, wait);
      }
      throw e;
    }
  }

  @Override
  public void takeOverFrom(String node) {
    takeover.add(node);
  }

  private List<Received> read(int max, Duration wait) {
    if (takeover.isWaiting()) {
      var taken = takeover.next(max).toCompletableFuture().join();
      if (!taken.isEmpty()) {
        return decode(taken);
      }
    }
    long now = System.currentTimeMillis();
    if (now - lastReclaim >= reclaimAfter.toMillis() / 6) {
      lastReclaim = now;
      var claimed =
          stream.autoClaim(
              RedisKeys.REPORT_GROUP,
              consumer,
              reclaimAfter.toMillis(),
              TimeUnit.MILLISECONDS,
              reclaimCursor,
              max);
      StreamMessageId nextId = claimed.getNextId();
      reclaimCursor = nextId == null ? new StreamMessageId(0, 0) : nextId;
      if (!claimed.getMessages().isEmpty()) {
        return decode(claimed.getMessages());
      }
    }
    return decode(
        stream.readGroup(
            RedisKeys.REPORT_GROUP,
            consumer,
            StreamReadGroupArgs.neverDelivered().count(max).timeout(wait)));
  }

  private List<Received> decode(Map<StreamMessageId, Map<String, String>> messages) {
    List<Received> out = new ArrayList<>();
    if (messages == null) {
      return out;
    }
    messages.forEach(
        (id, fields) -> {
          String text = fields.get(FIELD);
          if (text == null) {
            out.add(
                new Received(id.toString(), null, fields.toString(), "no field '" + FIELD + "'"));
            return;
          }
          try {
            out.add(
                new Received(
                    id.toString(), WireFormat.parseOutput(text, maxLineBytes), text, null));
          } catch (WireFormat.MalformedMessageException e) {
            out.add(new Received(id.toString(), null, text, e.getMessage()));
          }
        });
    return out;
  }

  @Override
  public Set<String> claimed(Collection<String> deliveryIds) {
    RBatch batch = redis.createBatch(BatchOptions.defaults());
    List<String> ids = new ArrayList<>(deliveryIds);
    List<RFuture<Boolean>> held = new ArrayList<>();
    for (String id : ids) {
      held.add(batch.getBucket(keys.claim(id), StringCodec.INSTANCE).isExistsAsync());
    }
    batch.execute();
    Set<String> claimed = new HashSet<>();
    for (int i = 0; i < ids.size(); i++) {
      if (Boolean.TRUE.equals(held.get(i).toCompletableFuture().join())) {
        claimed.add(ids.get(i));
      }
    }
    return claimed;
  }

  @Override
  public void acknowledge(List<Received> received) {
    if (received.isEmpty()) {
      return;
    }
    RBatch batch = redis.createBatch(BatchOptions.defaults());
    remove(batch, received);
    batch.execute();
  }

  @Override
  public void setAside(List<Received> unreadable) {
    if (unreadable.isEmpty()) {
      return;
    }
    RBatch batch =
        redis.createBatch(
            BatchOptions.defaults().executionMode(BatchOptions.ExecutionMode.IN_MEMORY_ATOMIC));
    for (Received r : unreadable) {
      deadLetters.add(batch, stream.getName(), r.raw(), r.problem());
    }
    remove(batch, unreadable);
    batch.execute();
  }

  private void remove(RBatch batch, List<Received> received) {
    RedisReportInbox.remove(
        batch, stream.getName(), received.stream().map(Received::receipt).toList());
  }

  @Override
  public void publish(List<TaskOutput.Entry> stored) {
    if (stored.isEmpty()) {
      return;
    }
    StringBuilder json = new StringBuilder("[");
    for (TaskOutput.Entry e : stored) {
      json.append(json.length() > 1 ? "," : "").append(WireFormat.output(e));
    }
    live.publishAsync(json.append(']').toString());
  }

  @Override
  public AutoCloseable subscribe(Consumer<List<TaskOutput.Entry>> listener) {
    int id =
        live.addListener(
            String.class,
            (channel, message) -> {
              try {
                listener.accept(WireFormat.parseOutputs(message));
              } catch (WireFormat.MalformedMessageException | RuntimeException e) {
                log.warn("live task output not handed on problem={}", e.toString());
              }
            });
    return () -> live.removeListener(id);
  }
}
