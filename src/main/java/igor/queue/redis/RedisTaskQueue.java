package igor.queue.redis;

import igor.queue.AttemptLease;
import igor.queue.TaskDelivery;
import igor.queue.TaskQueue;
import igor.queue.WireFormat;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.redisson.api.BatchOptions;
import org.redisson.api.RBatch;
import org.redisson.api.RScript;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;

/**
 * Task queues as Redis lists, one per type: RPUSH here, LPOP by workers. One round trip a call.
 *
 * <p>The set {@link RedisKeys#queued()} holds the delivery ids pushed and not yet known to be
 * taken, so that handing the same attempt out again (recovery, lost Redis data) pushes it only if
 * it is not waiting already, and withdrawing an attempt that still waits removes its entry.
 */
public final class RedisTaskQueue implements TaskQueue {
  /** What a claim key of a withdrawn attempt holds. */
  static final String CANCELLED = "cancelled";

  /**
   * KEYS: queued set, type queue, the push's mark, then the claim key of each delivery. ARGV:
   * delivery id, message, delivery id, message, ... Answers the ids pushed. A delivery is pushed
   * unless it waits already or its attempt was claimed or withdrawn. When the queue is empty,
   * nothing of its type waits, whatever the set says (the list was deleted, or taken by workers
   * that keep ids in the set): then each delivery not claimed or withdrawn is pushed. A push of
   * many deliveries runs in chunks (one script each, so that Redis serves other clients between
   * them); the first chunk that finds the queue empty leaves the mark for the later ones, which the
   * last deletes.
   */
  private static final String PUSH_UNLESS_QUEUED =
      "local empty = redis.call('LLEN', KEYS[2]) == 0\n"
          + "if empty then redis.call('SET', KEYS[3], '1', 'PX', 60000)\n"
          + "elseif redis.call('EXISTS', KEYS[3]) == 1 then empty = true end\n"
          + "local seen = {}\n"
          + "local pushed = {}\n"
          + "for i = 1, #ARGV, 2 do\n"
          + "  if redis.call('EXISTS', KEYS[3 + (i + 1) / 2]) == 0 then\n"
          + "    local added = redis.call('SADD', KEYS[1], ARGV[i]) == 1\n"
          + "    if added or (empty and not seen[ARGV[i]]) then\n"
          + "      seen[ARGV[i]] = true\n"
          + "      redis.call('RPUSH', KEYS[2], ARGV[i + 1])\n"
          + "      pushed[#pushed + 1] = ARGV[i]\n"
          + "    end\n"
          + "  end\n"
          + "end\n"
          + "return pushed";

  /**
   * KEYS: queued set, type queue. ARGV: prefix, then delivery ids. Answers the ids the queue lost:
   * neither waiting (in the set while the queue has entries) nor claimed nor withdrawn.
   */
  private static final String LOST =
      "local empty = redis.call('LLEN', KEYS[2]) == 0\n"
          + "local lost = {}\n"
          + "for i = 2, #ARGV do\n"
          + "  if (empty or redis.call('SISMEMBER', KEYS[1], ARGV[i]) == 0)"
          + " and redis.call('EXISTS', ARGV[1] .. ':claim:' .. ARGV[i]) == 0 then\n"
          + "    lost[#lost + 1] = ARGV[i]\n"
          + "  end\n"
          + "end\n"
          + "return lost";

  /** Delivery ids per message on the cancel channel: every worker reads each message. */
  static final int CANCELLED_PER_MESSAGE = 1000;

  /** Deliveries pushed per script: a script blocks Redis while it runs. */
  static final int PUSHED_PER_SCRIPT = 1000;

  /** Delivery ids looked up per LOST script: a script blocks Redis while it runs. */
  static final int LOOKED_UP_PER_SCRIPT = 1000;

  /** Up to this many entries are removed one LREM each; more, in one pass over the queue. */
  static final int REMOVED_ONE_BY_ONE = 32;

  /**
   * KEYS: queued set, type queue. ARGV: the keys' prefix, the time to live of a "cancelled" claim
   * in ms, how many to remove one by one, then delivery id, message, ... Takes each attempt's claim
   * for "cancelled" unless it is claimed (a worker that takes its delivery later drops it), forgets
   * the ids, and removes the entries of those that were still queued: one LREM each when few (each
   * reads the queue up to the entry), else, or when an LREM found no entry of that exact text, or
   * the message was left out (empty: the node leaves them out when there are more than can be
   * removed one by one), one pass that keeps every entry whose delivery id is not withdrawn. An
   * entry's text can differ from the one the node writes now: it carries the traceparent of the
   * decision that queued it, or was written by an older node; the pass matches on the delivery id.
   * An LREM also misses a delivery a worker took and has not claimed yet (its id stays in the set
   * until the claim): then the pass finds nothing to remove. The claims are set here rather than as
   * a command each: a pause of 100,000 queued tasks built 100,000 commands on the job's thread
   * before it answered (docs/BENCHMARKS.md, "Actions on a 100,000-task job").
   */
  private static final String REMOVE_QUEUED =
      "local gone = {}\n"
          + "local messages = {}\n"
          + "for i = 4, #ARGV, 2 do\n"
          + "  redis.call('SET', ARGV[1] .. ':claim:' .. ARGV[i], '"
          + CANCELLED
          + "', 'PX', ARGV[2], 'NX')\n"
          + "  if redis.call('SREM', KEYS[1], ARGV[i]) == 1 then\n"
          + "    gone[ARGV[i]] = true\n"
          + "    messages[#messages + 1] = ARGV[i + 1]\n"
          + "  end\n"
          + "end\n"
          + "if #messages == 0 then return 0 end\n"
          + "local removed = 0\n"
          + "if #messages <= tonumber(ARGV[3]) then\n"
          + "  local missed = false\n"
          + "  for _, m in ipairs(messages) do\n"
          + "    local n = 0\n"
          + "    if m ~= '' then n = redis.call('LREM', KEYS[2], 1, m) end\n"
          + "    removed = removed + n\n"
          + "    if n == 0 then missed = true end\n"
          + "  end\n"
          + "  if not missed then return removed end\n"
          + "end\n"
          + "local length = redis.call('LLEN', KEYS[2])\n"
          + "local kept = {}\n"
          + "local found = 0\n"
          + "for from = 0, length - 1, 1000 do\n"
          + "  for _, m in ipairs(redis.call('LRANGE', KEYS[2], from, from + 999)) do\n"
          + "    local id = string.match(m, '\"delivery_id\":\"([^\"]*)\"')\n"
          + "    if id and gone[id] then found = found + 1 else kept[#kept + 1] = m end\n"
          + "  end\n"
          + "end\n"
          + "if found == 0 then return removed end\n"
          + "redis.call('DEL', KEYS[2])\n"
          + "for i = 1, #kept, 1000 do\n"
          + "  redis.call('RPUSH', KEYS[2], unpack(kept, i, math.min(i + 999, #kept)))\n"
          + "end\n"
          + "return removed + found";

  private final RedissonClient redis;
  private final RedisKeys keys;
  private final Duration withdrawnClaimTtl;

  /**
   * {@code withdrawnClaimTtl}: how long the "cancelled" claim of a withdrawn attempt lives; a
   * worker that took the attempt's delivery before it was withdrawn claims it within that time or
   * not at all (igor.worker.claim-linger).
   */
  public RedisTaskQueue(RedissonClient redis, RedisKeys keys, Duration withdrawnClaimTtl) {
    this.redis = redis;
    this.keys = keys;
    this.withdrawnClaimTtl = withdrawnClaimTtl;
  }

  @Override
  public CompletionStage<Void> ensureLeases(List<AttemptLease> leases, Duration lease) {
    if (leases.isEmpty()) {
      return CompletableFuture.completedFuture(null);
    }
    double expiry = System.currentTimeMillis() + lease.toMillis();
    RBatch batch = redis.createBatch(BatchOptions.defaults());
    var set = batch.<String>getScoredSortedSet(keys.leases(), StringCodec.INSTANCE);
    for (AttemptLease l : leases) {
      set.addIfAbsentAsync(expiry, RedisKeys.leaseMember(l));
    }
    return batch.executeAsync().thenApply(result -> null);
  }

  /**
   * Takes the attempts' claims for "cancelled" (a worker that takes one later finds it claimed and
   * drops it), removes the entries of those still waiting in their queues, and announces them on
   * the cancel channel (a worker running one stops its handler).
   */
  @Override
  public CompletionStage<Void> cancel(List<TaskDelivery> withdrawals) {
    if (withdrawals.isEmpty()) {
      return CompletableFuture.completedFuture(null);
    }
    Map<String, List<TaskDelivery>> byQueue = new LinkedHashMap<>();
    List<String> deliveryIds = new ArrayList<>(withdrawals.size());
    for (TaskDelivery w : withdrawals) {
      byQueue.computeIfAbsent(keys.queue(w.type()), k -> new ArrayList<>()).add(w);
      deliveryIds.add(w.deliveryId());
    }
    RBatch batch = redis.createBatch(BatchOptions.defaults());
    byQueue.forEach(
        (queue, gone) -> {
          // More than are removed one by one: the script passes over the queue by delivery id,
          // and the messages would only be written to be left unread.
          boolean oneByOne = gone.size() <= REMOVED_ONE_BY_ONE;
          List<Object> args = new ArrayList<>(3 + 2 * gone.size());
          args.add(keys.prefix());
          args.add(String.valueOf(withdrawnClaimTtl.toMillis()));
          args.add(String.valueOf(REMOVED_ONE_BY_ONE));
          for (TaskDelivery w : gone) {
            args.add(w.deliveryId());
            args.add(oneByOne ? WireFormat.delivery(w) : "");
          }
          batch
              .getScript(StringCodec.INSTANCE)
              .evalAsync(
                  RScript.Mode.READ_WRITE,
                  REMOVE_QUEUED,
                  RScript.ReturnType.LONG,
                  List.of(keys.queued(), queue),
                  args.toArray());
        });
    for (int from = 0; from < deliveryIds.size(); from += CANCELLED_PER_MESSAGE) {
      batch
          .getTopic(keys.cancellations(), StringCodec.INSTANCE)
          .publishAsync(
              WireFormat.cancellation(
                  deliveryIds.subList(
                      from, Math.min(deliveryIds.size(), from + CANCELLED_PER_MESSAGE))));
    }
    return batch.executeAsync().thenApply(result -> null);
  }

  @Override
  public CompletionStage<Void> enqueue(List<TaskDelivery> deliveries) {
    return push(deliveries).thenApply(pushed -> null);
  }

  @Override
  public CompletionStage<List<String>> redeliver(List<TaskDelivery> deliveries) {
    if (deliveries.isEmpty()) {
      return CompletableFuture.completedFuture(List.of());
    }
    Map<String, List<Object>> idsByQueue = new LinkedHashMap<>();
    for (TaskDelivery d : deliveries) {
      idsByQueue.computeIfAbsent(keys.queue(d.type()), k -> new ArrayList<>()).add(d.deliveryId());
    }
    RBatch batch = redis.createBatch(BatchOptions.defaults());
    List<CompletionStage<List<String>>> answers = new ArrayList<>();
    idsByQueue.forEach(
        (queue, ids) -> {
          for (int from = 0; from < ids.size(); from += LOOKED_UP_PER_SCRIPT) {
            List<Object> args = new ArrayList<>(List.of(keys.prefix()));
            args.addAll(ids.subList(from, Math.min(ids.size(), from + LOOKED_UP_PER_SCRIPT)));
            answers.add(
                batch
                    .getScript(StringCodec.INSTANCE)
                    .<List<String>>evalAsync(
                        RScript.Mode.READ_WRITE,
                        LOST,
                        RScript.ReturnType.LIST,
                        List.of(keys.queued(), queue),
                        args.toArray()));
          }
        });
    return batch
        .executeAsync()
        .thenCompose(
            done -> {
              java.util.Set<String> lost = new java.util.HashSet<>();
              answers.forEach(a -> lost.addAll(a.toCompletableFuture().join()));
              return push(deliveries.stream().filter(d -> lost.contains(d.deliveryId())).toList());
            });
  }

  /** Pushes the deliveries unless they wait already: answers the delivery ids pushed. */
  private CompletionStage<List<String>> push(List<TaskDelivery> deliveries) {
    if (deliveries.isEmpty()) {
      return CompletableFuture.completedFuture(List.of());
    }
    Map<String, List<TaskDelivery>> byQueue = new LinkedHashMap<>();
    for (TaskDelivery d : deliveries) {
      byQueue.computeIfAbsent(keys.queue(d.type()), k -> new ArrayList<>()).add(d);
    }
    RBatch batch = redis.createBatch(BatchOptions.defaults());
    List<CompletionStage<List<String>>> answers = new ArrayList<>();
    byQueue.forEach(
        (queue, waiting) -> {
          String mark = keys.prefix() + ":push:" + UUID.randomUUID();
          for (int from = 0; from < waiting.size(); from += PUSHED_PER_SCRIPT) {
            List<TaskDelivery> chunk =
                waiting.subList(from, Math.min(waiting.size(), from + PUSHED_PER_SCRIPT));
            List<Object> scriptKeys = new ArrayList<>(chunk.size() + 3);
            scriptKeys.addAll(List.of(keys.queued(), queue, mark));
            List<Object> idsAndMessages = new ArrayList<>(2 * chunk.size());
            for (TaskDelivery d : chunk) {
              scriptKeys.add(keys.claim(d.deliveryId()));
              idsAndMessages.add(d.deliveryId());
              idsAndMessages.add(WireFormat.delivery(d));
            }
            answers.add(
                batch
                    .getScript(StringCodec.INSTANCE)
                    .<List<String>>evalAsync(
                        RScript.Mode.READ_WRITE,
                        PUSH_UNLESS_QUEUED,
                        RScript.ReturnType.LIST,
                        scriptKeys,
                        idsAndMessages.toArray()));
          }
          batch.getBucket(mark, StringCodec.INSTANCE).deleteAsync();
        });
    return batch
        .executeAsync()
        .thenApply(
            done -> {
              List<String> pushed = new ArrayList<>();
              answers.forEach(a -> pushed.addAll(a.toCompletableFuture().join()));
              return pushed;
            });
  }
}
