package igor.queue.redis;

import igor.domain.Identifiers;
import igor.domain.WorkerReport;
import igor.queue.AttemptLease;
import igor.queue.ProtocolDefaults;
import igor.queue.TaskDelivery;
import igor.queue.WireFormat;
import igor.queue.WorkerAnnouncement;
import igor.queue.WorkerChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.redisson.api.BatchOptions;
import org.redisson.api.RBatch;
import org.redisson.api.RScript;
import org.redisson.api.RedissonClient;
import org.redisson.api.queue.DequeMoveArgs;
import org.redisson.api.stream.StreamAddArgs;
import org.redisson.client.codec.StringCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A worker's side of the Redis protocol: the reliable take (BLMOVE and LMOVE from the type queues
 * into this taker's in-flight list, under a heartbeat key), SET NX claims that also take the
 * delivery out of the in-flight list, XADD reports.
 *
 * <p>Each channel is one taker, named by a random id: nodes give its in-flight list back to the
 * queues once its heartbeat lapsed (the process died between a take and its claims).
 */
public final class RedisWorkerChannel implements WorkerChannel {
  private static final Logger log = LoggerFactory.getLogger(RedisWorkerChannel.class);
  private final RedissonClient redis;
  private final RedisKeys keys;
  private final DeadLetters deadLetters;
  private final Duration claimTtl;

  /** This channel's name as a taker: its in-flight list and heartbeat key. */
  private final String taker = UUID.randomUUID().toString();

  /** Messages taken into the in-flight list and not yet begun (a message may be there twice). */
  private final Collection<String> held = new ConcurrentLinkedQueue<>();

  /** The message of each delivery taken and not yet begun, by delivery id. */
  private final Map<String, String> raw = new ConcurrentHashMap<>();

  /**
   * The answer of the BLMOVE waiting on each queue, by queue (at most one each). A queue is taken
   * from by one thread (the poller of its type), which alone adds and removes its entry.
   */
  private final Map<String, CompletableFuture<String>> moving = new ConcurrentHashMap<>();

  /** Deliveries a waiting BLMOVE brought in that no take handed out yet, by queue. */
  private final Map<String, Queue<String>> moved = new ConcurrentHashMap<>();

  /** Messages in the in-flight list this process did not hold at the last look. */
  private volatile List<String> suspects = List.of();

  /**
   * The heartbeat's TTL: the lease this worker holds attempts for (it is told with each claim and
   * renewal), {@value #DEFAULT_HEARTBEAT_SECONDS} s until then.
   */
  private volatile long heartbeatSeconds = DEFAULT_HEARTBEAT_SECONDS;

  static final long DEFAULT_HEARTBEAT_SECONDS = 30;

  /** System.nanoTime() of the last heartbeat, 0 before the first take. */
  private volatile long heartbeatAt;

  public RedisWorkerChannel(RedissonClient redis, RedisKeys keys) {
    this(redis, keys, KeyBounds.defaults());
  }

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
    List<String> taken = movedEarlier(queues, max);
    if (taken.isEmpty()) {
      taken = takeNow(queues, max);
    }
    if (taken.isEmpty() && wait.compareTo(Duration.ofSeconds(1)) >= 0) {
      awaitMove(queues, wait);
      taken = movedEarlier(queues, max);
    } else if (taken.isEmpty() && !wait.isNegative() && !wait.isZero()) {
      Thread.sleep(wait.toMillis(), wait.toNanosPart() % 1_000_000);
      taken = takeNow(queues, max);
    }
    if (taken.isEmpty()) {
      return List.of();
    }
    return read(taken.get(0), taken.subList(1, taken.size()));
  }

  /**
   * Up to {@code max} deliveries that a waiting BLMOVE of one of the queues brought into the
   * in-flight list: that queue's key then the deliveries (all of one queue), or nothing.
   */
  private List<String> movedEarlier(List<String> queues, int max) {
    for (String queue : queues) {
      Queue<String> arrived = moved.get(queue);
      if (arrived == null || arrived.isEmpty()) {
        continue;
      }
      List<String> taken = new ArrayList<>(List.of(queue));
      for (String m; taken.size() <= max && (m = arrived.poll()) != null; ) {
        taken.add(m);
      }
      if (taken.size() > 1) {
        return taken;
      }
    }
    return List.of();
  }

  /**
   * Waits, up to {@code wait}, until a delivery arrives in any of the queues: one BLMOVE waits on
   * each (BLMOVE waits on one list only), so that a delivery of any type is taken the moment it is
   * pushed. A BLMOVE still waiting when this returns goes on waiting, for the next take: at most
   * one per queue, each for at most its timeout; what it brings in stays in the in-flight list and
   * in {@link #moved} until a take hands it out.
   */
  private void awaitMove(List<String> queues, Duration wait) throws InterruptedException {
    moving.values().removeIf(CompletableFuture::isDone);
    List<CompletableFuture<String>> waiting = new ArrayList<>(queues.size());
    for (String queue : queues) {
      waiting.add(moving.computeIfAbsent(queue, q -> move(q, wait)));
    }
    try {
      CompletableFuture.anyOf(waiting.toArray(CompletableFuture[]::new))
          .get(wait.toMillis() + 1000, TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      moving.values().removeIf(CompletableFuture::isDone);
      throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e);
    } catch (TimeoutException e) {
      // Redis did not answer in time: the caller takes again
    }
  }

  /**
   * BLMOVE from the queue into the in-flight list, waiting whole seconds (Redisson sends no
   * fraction); what it brings in is in {@link #moved} by the time its answer completes.
   */
  private CompletableFuture<String> move(String queue, Duration wait) {
    return redis
        .<String>getBlockingDeque(queue, StringCodec.INSTANCE)
        .moveAsync(
            Duration.ofSeconds(wait.toSeconds()),
            DequeMoveArgs.pollFirst().addLastTo(keys.inFlight(taker)))
        .toCompletableFuture()
        .whenComplete(
            (message, failure) -> {
              if (message != null) {
                held.add(message);
                moved.computeIfAbsent(queue, q -> new ConcurrentLinkedQueue<>()).add(message);
              }
            });
  }

  /**
   * Moves up to {@code max} deliveries from the first of the queues that has any into this taker's
   * in-flight list, renewing its heartbeat: that queue's key then the deliveries, or nothing.
   */
  private List<String> takeNow(List<String> queues, int max) {
    List<Object> scriptKeys =
        new ArrayList<>(List.of(keys.inFlight(taker), keys.taker(taker), keys.takers()));
    scriptKeys.addAll(queues);
    List<String> taken =
        redis
            .getScript(StringCodec.INSTANCE)
            .eval(
                RScript.Mode.READ_WRITE,
                InFlightScripts.TAKE,
                RScript.ReturnType.LIST,
                scriptKeys,
                String.valueOf(max),
                String.valueOf(heartbeatSeconds),
                taker);
    heartbeatAt = System.nanoTime();
    held.addAll(taken.subList(Math.min(1, taken.size()), taken.size()));
    return taken;
  }

  /** Parses what was taken from {@code queue}; sets malformed messages aside as dead letters. */
  private List<TaskDelivery> read(String queue, List<String> messages) {
    List<TaskDelivery> deliveries = new ArrayList<>(messages.size());
    List<String> malformed = new ArrayList<>();
    for (String message : messages) {
      try {
        TaskDelivery d = WireFormat.parseDelivery(message);
        raw.put(d.deliveryId(), message);
        deliveries.add(d);
      } catch (WireFormat.MalformedMessageException e) {
        log.warn(
            "malformed delivery set aside as a dead letter queue={} problem={}",
            queue,
            e.getMessage());
        malformed.add(queue);
        malformed.add(message);
        malformed.add(e.getMessage());
      }
    }
    setAside(malformed, true);
    return deliveries;
  }

  /**
   * Writes (source, message, problem) triples as dead letters; with {@code fromInFlight}, also
   * takes each message out of this taker's in-flight list.
   */
  private void setAside(List<String> sourceMessageProblem, boolean fromInFlight) {
    if (sourceMessageProblem.isEmpty()) {
      return;
    }
    RBatch batch = redis.createBatch(BatchOptions.defaults());
    for (int i = 0; i < sourceMessageProblem.size(); i += 3) {
      String message = sourceMessageProblem.get(i + 1);
      deadLetters.add(batch, sourceMessageProblem.get(i), message, sourceMessageProblem.get(i + 2));
      if (fromInFlight) {
        batch.getList(keys.inFlight(taker), StringCodec.INSTANCE).removeAsync(message, 1);
        held.remove(message);
      }
    }
    try {
      batch.execute();
    } catch (RuntimeException e) {
      log.warn(
          "dead letters could not be written, so here they are messages={} problem={}",
          sourceMessageProblem,
          e.toString());
    }
  }

  /**
   * Every third of the heartbeat: renews it, and gives back to their queues the deliveries that sat
   * in the in-flight list unknown to this process at two looks in a row (a take whose answer was
   * lost, for example after the client's time-out).
   */
  private void keepTaking() {
    if (heartbeatAt == 0
        || System.nanoTime() - heartbeatAt < TimeUnit.SECONDS.toNanos(heartbeatSeconds) / 3) {
      return;
    }
    redis
        .getBucket(keys.taker(taker), StringCodec.INSTANCE)
        .set("1", Duration.ofSeconds(heartbeatSeconds));
    heartbeatAt = System.nanoTime();
    List<String> listed =
        redis.<String>getList(keys.inFlight(taker), StringCodec.INSTANCE).readAll();
    List<String> unknown = new ArrayList<>(listed);
    new ArrayList<>(held).forEach(unknown::remove);
    List<String> orphans = new ArrayList<>(unknown);
    orphans.retainAll(suspects);
    suspects = unknown;
    if (orphans.isEmpty()) {
      return;
    }
    List<Object> args = new ArrayList<>(List.of(keys.prefix()));
    args.addAll(orphans);
    List<Object> answer =
        redis
            .getScript(StringCodec.INSTANCE)
            .eval(
                RScript.Mode.READ_WRITE,
                InFlightScripts.GIVE_BACK_ORPHANS,
                RScript.ReturnType.LIST,
                List.of(keys.inFlight(taker)),
                args.toArray());
    log.warn("taken deliveries this worker never saw given back count={}", answer.get(0));
    setAside(malformedOf(answer), false);
  }

  /** (source, message, problem) triples of what a give-back script found malformed. */
  static List<String> malformedOf(List<Object> answer) {
    List<String> triples = new ArrayList<>();
    for (int i = 1; i + 1 < answer.size(); i += 2) {
      triples.add(String.valueOf(answer.get(i)));
      triples.add(String.valueOf(answer.get(i + 1)));
      triples.add("not a delivery");
    }
    return triples;
  }

  /**
   * Claim, lease and started report of each delivery, all in one script: a worker never holds a
   * lease it did not claim. KEYS: this taker's in-flight list, the queued set, the leases, the
   * reports stream, then the claim of each delivery. ARGV: worker, claim TTL (ms), lease expiry,
   * the report field, then four per delivery in the order of the claims: its message ('' when not
   * known), its id, its lease member and its started report. Claimed or not, each delivery leaves
   * the in-flight list and the queued set. Answers 1 (claimed) or 0 (claimed already or withdrawn)
   * for each, in order.
   */
  static final String BEGIN_ALL =
      "local claimed = {}\n"
          + "for i = 1, #KEYS - 4 do\n"
          + "  local a = 4 + (i - 1) * 4\n"
          + "  if ARGV[a + 1] ~= '' then redis.call('LREM', KEYS[1], 1, ARGV[a + 1]) end\n"
          + "  redis.call('SREM', KEYS[2], ARGV[a + 2])\n"
          + "  if redis.call('SET', KEYS[4 + i], ARGV[1], 'NX', 'PX', ARGV[2]) then\n"
          + "    redis.call('ZADD', KEYS[3], ARGV[3], ARGV[a + 3])\n"
          + "    redis.call('XADD', KEYS[4], '*', ARGV[4], ARGV[a + 4])\n"
          + "    claimed[i] = 1\n"
          + "  else\n"
          + "    claimed[i] = 0\n"
          + "  end\n"
          + "end\n"
          + "return claimed";

  @Override
  public List<Boolean> beginAll(
      List<Beginning> beginnings, String worker, Duration claimTtl, Duration lease) {
    if (beginnings.isEmpty()) {
      return List.of();
    }
    heartbeatSeconds = heartbeatSeconds(lease);
    List<Object> scriptKeys = new ArrayList<>(beginnings.size() + 4);
    scriptKeys.add(keys.inFlight(taker));
    scriptKeys.add(keys.queued());
    scriptKeys.add(keys.leases());
    scriptKeys.add(keys.reports());
    List<Object> args = new ArrayList<>(beginnings.size() * 4 + 4);
    args.add(worker);
    args.add(String.valueOf(claimTtl.toMillis()));
    args.add(String.valueOf(System.currentTimeMillis() + lease.toMillis()));
    args.add(RedisReportInbox.FIELD);
    List<String> messages = new ArrayList<>(beginnings.size());
    for (Beginning b : beginnings) {
      TaskDelivery d = b.delivery();
      String message = raw.getOrDefault(d.deliveryId(), "");
      messages.add(message);
      scriptKeys.add(keys.claim(d.deliveryId()));
      args.add(message);
      args.add(d.deliveryId());
      args.add(RedisKeys.leaseMember(new AttemptLease(d.jobId(), d.taskId(), d.attempt())));
      args.add(WireFormat.report(b.started()));
    }
    List<Object> answer =
        uninterrupted(
            redis
                .getScript(StringCodec.INSTANCE)
                .<List<Object>>evalAsync(
                    RScript.Mode.READ_WRITE,
                    BEGIN_ALL,
                    RScript.ReturnType.LIST,
                    scriptKeys,
                    args.toArray())
                .toCompletableFuture());
    List<Boolean> claimed = new ArrayList<>(beginnings.size());
    for (int i = 0; i < beginnings.size(); i++) {
      String id = beginnings.get(i).delivery().deliveryId();
      String message = messages.get(i);
      if (!message.isEmpty() && raw.remove(id, message)) {
        held.remove(message);
      }
      Object one = answer != null && i < answer.size() ? answer.get(i) : null;
      claimed.add(one instanceof Number n && n.longValue() == 1L);
    }
    return claimed;
  }

  /**
   * The answer of a call already sent, waited for without heeding an interrupt: a call that reached
   * Redis has its answer read, so that a claim made is never left unknown to the worker (Redisson's
   * own time-out still ends the wait).
   */
  private static <T> T uninterrupted(CompletableFuture<T> answer) {
    try {
      return answer.join();
    } catch (java.util.concurrent.CompletionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : e;
    }
  }

  @Override
  public void announce(WorkerAnnouncement a) {
    long heartbeatMillis = Math.max(1, a.heartbeat().toMillis());
    List<Object> args = new ArrayList<>();
    args.add(taker);
    args.add(String.valueOf(heartbeatMillis * ProtocolDefaults.WORKER_KEPT_HEARTBEATS));
    field(args, "protocol", String.valueOf(ProtocolDefaults.PROTOCOL_VERSION));
    field(args, "name", a.name());
    field(args, "host", a.host());
    field(args, "pid", String.valueOf(a.pid()));
    field(args, "sdk", a.sdk());
    field(args, "sdk_version", a.sdkVersion());
    field(args, "types", WorkerRecords.typesJson(a.types()));
    field(args, "concurrency", String.valueOf(a.concurrency()));
    field(args, "in_flight", String.valueOf(a.inFlight()));
    field(args, "heartbeat_ms", String.valueOf(heartbeatMillis));
    if (a.stopped()) {
      field(args, "stopped", String.valueOf(System.currentTimeMillis()));
    }
    redis
        .getScript(StringCodec.INSTANCE)
        .eval(
            RScript.Mode.READ_WRITE,
            RegistryScripts.ANNOUNCE,
            RScript.ReturnType.VALUE,
            List.of(keys.worker(taker), keys.workers()),
            args.toArray());
  }

  private static void field(List<Object> args, String name, String value) {
    args.add(name);
    args.add(value == null ? "" : value);
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
    heartbeatSeconds = heartbeatSeconds(lease);
    keepTaking();
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

  /** The lease in whole seconds, at least one: the TTL of the taker's heartbeat. */
  static long heartbeatSeconds(Duration lease) {
    return Math.max(1, (lease.toMillis() + 999) / 1000);
  }

  @Override
  public void dropLease(AttemptLease lease) {
    redis
        .<String>getScoredSortedSet(keys.leases(), StringCodec.INSTANCE)
        .remove(RedisKeys.leaseMember(lease));
  }

  /**
   * The final reports of attempts and the drop of their leases, in one script. KEYS: the reports
   * stream, the leases. ARGV: the report field, then the report and lease member of each attempt:
   * each report its own entry of the stream, in order.
   */
  static final String FINISH_ALL =
      "for i = 2, #ARGV, 2 do\n"
          + "  redis.call('XADD', KEYS[1], '*', ARGV[1], ARGV[i])\n"
          + "  redis.call('ZREM', KEYS[2], ARGV[i + 1])\n"
          + "end\n"
          + "return (#ARGV - 1) / 2";

  @Override
  public void finishAll(List<WorkerReport> outcomes) {
    if (outcomes.isEmpty()) {
      return;
    }
    List<Object> args = new ArrayList<>(outcomes.size() * 2 + 1);
    args.add(RedisReportInbox.FIELD);
    for (WorkerReport outcome : outcomes) {
      args.add(WireFormat.report(outcome));
      args.add(
          RedisKeys.leaseMember(
              new AttemptLease(outcome.jobId(), outcome.taskId(), outcome.attempt())));
    }
    uninterrupted(
        redis
            .getScript(StringCodec.INSTANCE)
            .<Long>evalAsync(
                RScript.Mode.READ_WRITE,
                FINISH_ALL,
                RScript.ReturnType.LONG,
                List.of(keys.reports(), keys.leases()),
                args.toArray())
            .toCompletableFuture());
  }

  @Override
  public void report(WorkerReport report) {
    redis
        .<String, String>getStream(keys.reports(), StringCodec.INSTANCE)
        .add(StreamAddArgs.entry(RedisReportInbox.FIELD, WireFormat.report(report)));
  }

  /** What the task output stream is trimmed to (MAXLEN ~): the protocol's bound, not a setting. */
  static final int OUTPUT_STREAM_MAX_LEN = 1_000_000;

  @Override
  public void sendOutput(List<String> entries) {
    if (entries.isEmpty()) {
      return;
    }
    RBatch batch = redis.createBatch(BatchOptions.defaults());
    var stream = batch.<String, String>getStream(keys.logs(), StringCodec.INSTANCE);
    for (String entry : entries) {
      stream.addAsync(
          StreamAddArgs.entry(RedisTaskOutputChannel.FIELD, entry)
              .trimNonStrict()
              .maxLen(OUTPUT_STREAM_MAX_LEN)
              .noLimit());
    }
    batch.execute();
  }
}
