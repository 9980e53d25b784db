package igor.queue.redis;

import igor.domain.TaskFlow;
import igor.queue.FlowLimit;
import igor.queue.TaskDelivery;
import igor.queue.WireFormat;
import igor.queue.WorkerRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.redisson.api.RScript;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Flow control on the nodes' side of Redis (docs/flow-control.md, ADR 0017): deliveries of limited
 * types or concurrency keys wait in their type's waiting room ({@link FlowScripts}) and are moved
 * onto the queue, in turn, while the limits allow. Workers see nothing of it: they take from the
 * same queues. A freed slot admits the next delivery in the same script that frees it; only a rate
 * limit needs a timer, set for the time its next token comes.
 *
 * <p>The node keeps the limits it last read ({@link #refresh}): a delivery whose type and key have
 * none takes the direct way ({@link #isControlled}), as before flow control existed, unless its
 * type is ordered automatically (ADR 0025): the type has no limit of its own, its tasks carry an
 * urgency other than 3 or a fairness key (lately: {@code P:flow:ordered}), and live announced
 * workers take it; the room then admits as many at once as those workers' slots ({@code
 * P:flow:auto:<type>}, written every refresh from the worker registry, expiring when no node writes
 * it).
 */
public final class RedisFlowControl implements igor.queue.LiveLimits {
  private static final Logger log = LoggerFactory.getLogger(RedisFlowControl.class);

  /** Deliveries put in a waiting room per script: a script blocks Redis while it runs. */
  static final int ENQUEUED_PER_SCRIPT = 1000;

  private final RedissonClient redis;
  private final RedisKeys keys;
  private final long urgencyStep;
  private final int admissionScan;
  private final long slotGraceMillis;
  private volatile Map<String, FlowLimit> limits = Map.of();

  private final RedisWorkerRegistry registry;
  private final boolean autoOrder;
  private final long autoOrderKeepMillis;
  private final long autoTtlMillis;

  /** Per task type, the slots the live announced workers offer for it (registry, last refresh). */
  private volatile Map<String, Integer> workerSlots = Map.of();

  /** Per ordered type, when a task carrying urgency or a fairness key was last queued (unix ms). */
  private final Map<String, Long> ordered = new ConcurrentHashMap<>();

  /** Whether some type's waiting room held deliveries at the last refresh. */
  private volatile boolean roomsHold;

  /** The most deliveries taken back from a queue onto its room when a type becomes ordered. */
  static final int TAKEN_BACK = 10_000;

  /** Slots seen held at the last sweep: while any are, final reports free them. */
  private volatile long slotsHeld;

  /** Per type, when a timer to admit is set (unix ms of Redis's clock, roughly ours). */
  private final Map<String, Long> timers = new ConcurrentHashMap<>();

  private final ScheduledExecutorService scheduler =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "igor-flow-control");
            t.setDaemon(true);
            return t;
          });

  RedisFlowControl(
      RedissonClient redis,
      RedisKeys keys,
      long urgencyStep,
      int admissionScan,
      Duration slotGrace,
      boolean autoOrder,
      Duration autoOrderKeep,
      Duration autoTtl) {
    this.redis = redis;
    this.keys = keys;
    this.urgencyStep = urgencyStep;
    this.admissionScan = admissionScan;
    this.slotGraceMillis = slotGrace.toMillis();
    this.registry = new RedisWorkerRegistry(redis, keys);
    this.autoOrder = autoOrder;
    this.autoOrderKeepMillis = autoOrderKeep.toMillis();
    this.autoTtlMillis = Math.max(1, autoTtl.toMillis());
  }

  /**
   * Whether this delivery waits its turn: its type or its concurrency key has a limit, or its type
   * is ordered automatically ({@link #autoSlots}).
   */
  public boolean isControlled(TaskDelivery d) {
    Map<String, FlowLimit> l = limits;
    if (!l.isEmpty()) {
      if (isLimit(l.get(FlowLimit.fieldOf(FlowLimit.TYPE, d.type())))) {
        return true;
      }
      String key = d.flow().concurrencyKey();
      if (!key.isEmpty() && isLimit(l.get(FlowLimit.fieldOf(FlowLimit.KEY, key)))) {
        return true;
      }
    }
    return autoSlots(d) > 0;
  }

  /**
   * The slots a delivery's type is admitted with when it is ordered automatically, 0 when it is
   * not: automatic ordering is on, the type has no limit of its own, the delivery carries an
   * urgency or a fairness key or its type was ordered lately, and live announced workers take the
   * type (none: the direct way, so that a type only older workers take never waits for slots nobody
   * announced).
   */
  int autoSlots(TaskDelivery d) {
    if (!autoOrder || !(asksForOrder(d) || ordered.containsKey(d.type()))) {
      return 0;
    }
    Integer slots = workerSlots.get(d.type());
    if (slots == null || slots <= 0) {
      return 0;
    }
    return isLimit(limits.get(FlowLimit.fieldOf(FlowLimit.TYPE, d.type()))) ? 0 : slots;
  }

  private static boolean asksForOrder(TaskDelivery d) {
    return d.flow().urgency() != TaskFlow.DEFAULT_URGENCY || !d.flow().fairnessKey().isEmpty();
  }

  /**
   * Whether a delivery the queue lost is put back through the waiting rooms: it is controlled, or
   * its type has (or lately had) a waiting room, where it may wait still.
   */
  public boolean mayWaitInRoom(TaskDelivery d) {
    long[] room = lastRooms.get(d.type());
    return isControlled(d) || ordered.containsKey(d.type()) || (room != null && room[0] > 0);
  }

  private static boolean isLimit(FlowLimit limit) {
    return limit != null && limit.limits();
  }

  /** Whether final reports and withdrawals may free slots: limits are set or slots are held. */
  public boolean holdsSlots() {
    return !limits.isEmpty() || slotsHeld > 0 || !ordered.isEmpty() || roomsHold;
  }

  /** Puts the deliveries in their types' waiting rooms, then admits what the limits allow. */
  public CompletionStage<Void> enqueue(List<TaskDelivery> deliveries) {
    if (deliveries.isEmpty()) {
      return CompletableFuture.completedFuture(null);
    }
    Map<String, List<TaskDelivery>> byType = new LinkedHashMap<>();
    for (TaskDelivery d : deliveries) {
      byType.computeIfAbsent(d.type(), k -> new ArrayList<>()).add(d);
    }
    List<CompletableFuture<?>> all = new ArrayList<>();
    byType.forEach(
        (type, waiting) -> {
          int slots = 0;
          boolean asks = false;
          for (TaskDelivery d : waiting) {
            slots = Math.max(slots, autoSlots(d));
            asks |= asksForOrder(d);
          }
          boolean mark = slots > 0 && asks;
          if (mark) {
            ordered.put(type, System.currentTimeMillis());
          }
          for (int from = 0; from < waiting.size(); from += ENQUEUED_PER_SCRIPT) {
            List<Object> args = head(type);
            args.add(String.valueOf(slots));
            args.add(String.valueOf(autoTtlMillis));
            args.add(mark && from == 0 ? "1" : "0");
            args.add(String.valueOf(TAKEN_BACK));
            for (TaskDelivery d :
                waiting.subList(from, Math.min(waiting.size(), from + ENQUEUED_PER_SCRIPT))) {
              args.add(d.deliveryId());
              args.add(d.flow().concurrencyKey());
              args.add(d.flow().fairnessKey());
              args.add(String.valueOf(d.flow().urgency()));
              args.add(WireFormat.delivery(d));
            }
            all.add(
                this.<List<Object>>eval(FlowScripts.ENQUEUE, args)
                    .thenAccept(answer -> timeAdmission(type, answer.get(1)))
                    .toCompletableFuture());
          }
        });
    return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new));
  }

  /**
   * Frees the slots of these attempts and takes them out of the waiting rooms (each a delivery id
   * and its type, "" when not known), then admits the next deliveries at once.
   */
  public CompletionStage<Void> release(Collection<String[]> idsAndTypes) {
    if (idsAndTypes.isEmpty()) {
      return CompletableFuture.completedFuture(null);
    }
    List<Object> args = head("");
    for (String[] idAndType : idsAndTypes) {
      args.add(idAndType[0]);
      args.add(idAndType[1]);
    }
    return this.<List<Object>>eval(FlowScripts.RELEASE, args).thenAccept(this::timeAdmissions);
  }

  /** Admits deliveries of {@code type} ("" for every type with a waiting room). */
  public CompletionStage<Void> admit(String type) {
    return this.<List<Object>>eval(FlowScripts.ADMIT, head(type)).thenAccept(this::timeAdmissions);
  }

  /**
   * Reads the limits again, frees the slots no attempt holds any more (see {@link
   * FlowScripts#SWEEP}) and admits: run every lease check.
   */
  @Override
  public CompletionStage<Void> refresh() {
    List<Object> args = head("");
    args.add(String.valueOf(slotGraceMillis));
    return limits()
        .thenCompose(
            read -> {
              Map<String, FlowLimit> byField = new LinkedHashMap<>();
              read.forEach(l -> byField.put(l.field(), l));
              limits = Map.copyOf(byField);
              return autoOrder ? refreshOrdered() : CompletableFuture.completedFuture(null);
            })
        .thenCompose(done -> this.<List<Object>>eval(FlowScripts.SWEEP, args))
        .thenAccept(
            answer -> {
              long freed = Long.parseLong(String.valueOf(answer.get(0)));
              slotsHeld = Long.parseLong(String.valueOf(answer.get(1)));
              if (freed > 0) {
                log.warn("flow-control slots freed that no attempt held count={}", freed);
              }
              timeAdmissions(answer.subList(2, answer.size()));
            })
        .thenCompose(done -> usage())
        .thenAccept(usage -> lastUsage = usage)
        .thenCompose(done -> rooms())
        .thenAccept(
            rooms -> {
              lastRooms = rooms;
              roomsHold = rooms.values().stream().anyMatch(r -> r[0] > 0);
            });
  }

  /**
   * Automatic ordering (ADR 0025): reads the live announced workers' slots per type from the
   * registry and the types ordered lately ({@code P:flow:ordered}, forgetting those whose last mark
   * is older than the keep time), then writes each ordered type's slots for the admission script
   * ({@code P:flow:auto:<type>}, expiring unless written again), or removes them when no announced
   * worker takes the type, so that its room empties onto the queue.
   */
  private CompletionStage<Void> refreshOrdered() {
    var marks = redis.<String, String>getMap(orderedKey(), StringCodec.INSTANCE);
    return registry
        .workers(Integer.MAX_VALUE)
        .thenCompose(
            workers ->
                marks
                    .readAllMapAsync()
                    .thenCompose(
                        read -> {
                          workerSlots = slotsByType(workers);
                          long now = workers.now();
                          List<String> stale = new ArrayList<>();
                          read.forEach(
                              (type, at) -> {
                                long t = parseLong(at);
                                if (now - t > autoOrderKeepMillis) {
                                  stale.add(type);
                                } else {
                                  ordered.merge(type, t, Math::max);
                                }
                              });
                          ordered
                              .entrySet()
                              .removeIf(e -> now - e.getValue() > autoOrderKeepMillis);
                          if (stale.isEmpty() && ordered.isEmpty()) {
                            return CompletableFuture.<Void>completedFuture(null);
                          }
                          var batch = redis.createBatch();
                          if (!stale.isEmpty()) {
                            batch
                                .<String, String>getMap(orderedKey(), StringCodec.INSTANCE)
                                .fastRemoveAsync(stale.toArray(String[]::new));
                          }
                          Map<String, Integer> slots = workerSlots;
                          for (String type : ordered.keySet()) {
                            var bucket =
                                batch.<String>getBucket(
                                    keys.prefix() + ":flow:auto:" + type, StringCodec.INSTANCE);
                            Integer n = slots.get(type);
                            if (n == null || n <= 0) {
                              bucket.deleteAsync();
                            } else {
                              bucket.setAsync(
                                  String.valueOf(n), autoTtlMillis, TimeUnit.MILLISECONDS);
                            }
                          }
                          return batch.executeAsync().thenApply(done -> (Void) null);
                        }));
  }

  /** {@code P:flow:ordered}: per type ordered lately, when its tasks last asked for it. */
  private String orderedKey() {
    return keys.prefix() + ":flow:ordered";
  }

  /**
   * Per task type, the slots the live announced workers offer for it: each worker's concurrency for
   * the type (at most its concurrency in all), summed.
   */
  static Map<String, Integer> slotsByType(WorkerRegistry.Workers workers) {
    Map<String, Integer> slots = new HashMap<>();
    for (var w : workers.workers()) {
      if (w.status(workers.now()) != WorkerRegistry.WorkerRecord.Status.LIVE) {
        continue;
      }
      w.types()
          .forEach(
              (type, n) -> {
                int offered = n > 0 ? n : w.concurrency();
                if (w.concurrency() > 0) {
                  offered = Math.min(offered, w.concurrency());
                }
                if (offered > 0) {
                  slots.merge(type, offered, Integer::sum);
                }
              });
    }
    return Map.copyOf(slots);
  }

  private static long parseLong(String text) {
    try {
      return Long.parseLong(text.trim());
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  /** Per type with a waiting room, the deliveries in it: {count}. */
  private CompletionStage<Map<String, long[]>> rooms() {
    return redis
        .<String>getSet(keys.prefix() + ":flow:types", StringCodec.INSTANCE)
        .readAllAsync()
        .thenCompose(
            types -> {
              var batch = redis.createBatch();
              Map<String, org.redisson.api.RFuture<Integer>> sizes = new LinkedHashMap<>();
              for (String type : types) {
                sizes.put(
                    type,
                    batch
                        .getScoredSortedSet(
                            keys.prefix() + ":flow:wait:" + type, StringCodec.INSTANCE)
                        .sizeAsync());
              }
              return batch
                  .executeAsync()
                  .thenApply(
                      done -> {
                        Map<String, long[]> rooms = new LinkedHashMap<>();
                        sizes.forEach(
                            (type, size) ->
                                rooms.put(type, new long[] {size.toCompletableFuture().join()}));
                        return Map.copyOf(rooms);
                      });
            });
  }

  private volatile Map<String, long[]> lastRooms = Map.of();

  private volatile Map<String, long[]> lastUsage = Map.of();

  /** Per limit, the slots in use and the deliveries waiting, as the last refresh read them. */
  public Map<String, long[]> lastUsage() {
    return lastUsage;
  }

  /**
   * Why a QUEUED task of this type and concurrency key waits, as the last refresh saw it: its
   * type's limit holds deliveries in its waiting room, or its key's concurrency limit is full (or
   * the key has a rate limit and the type's room holds deliveries back); null when neither.
   */
  @Override
  public String waitingReason(String type, String concurrencyKey) {
    String field = FlowLimit.fieldOf(FlowLimit.TYPE, type);
    long[] usage = lastUsage.get(field);
    FlowLimit limit = limits.get(field);
    if (usage != null && limit != null && usage[1] > 0) {
      boolean full = limit.concurrency() > 0 && usage[0] >= limit.concurrency();
      return (full || limit.rate() == 0
              ? concurrencyReason(field, usage[0], limit.concurrency())
              : rateReason(field, limit))
          + ", "
          + usage[1]
          + " waiting)";
    }
    if (concurrencyKey == null || concurrencyKey.isEmpty()) {
      return null;
    }
    String keyField = FlowLimit.fieldOf(FlowLimit.KEY, concurrencyKey);
    FlowLimit keyLimit = limits.get(keyField);
    long[] keyUsage = lastUsage.get(keyField);
    if (keyLimit == null || keyUsage == null) {
      return null;
    }
    if (keyLimit.concurrency() > 0 && keyUsage[0] >= keyLimit.concurrency()) {
      return concurrencyReason(keyField, keyUsage[0], keyLimit.concurrency()) + ")";
    }
    long[] room = lastRooms.get(type);
    return keyLimit.rate() > 0 && room != null && room[0] > 0
        ? rateReason(keyField, keyLimit) + ")"
        : null;
  }

  private static String concurrencyReason(String field, long inUse, long concurrency) {
    return "waiting for concurrency limit `"
        + field
        + "` ("
        + inUse
        + " of "
        + concurrency
        + " in use";
  }

  private static String rateReason(String field, FlowLimit limit) {
    return "waiting for rate limit `"
        + field
        + "` ("
        + limit.rate()
        + " per "
        + limit.perMillis() / 1000.0
        + " s";
  }

  /** Every limit set, as Redis holds them. */
  @Override
  public CompletionStage<List<FlowLimit>> limits() {
    return redis
        .<String, String>getMap(keys.prefix() + ":limits", StringCodec.INSTANCE)
        .readAllMapAsync()
        .thenApply(
            all -> {
              List<FlowLimit> read = new ArrayList<>();
              all.forEach(
                  (field, value) -> {
                    FlowLimit l = FlowLimit.decode(field, value);
                    if (l != null) {
                      read.add(l);
                    }
                  });
              read.sort(
                  java.util.Comparator.comparing(FlowLimit::kind).thenComparing(FlowLimit::name));
              return read;
            });
  }

  /**
   * Applies the changes in one script ({@link FlowScripts#APPLY_LIMITS}: a change of the API only
   * over an older one, the configuration's only where the API changed nothing), then reads the
   * limits again and admits what they allow.
   */
  @Override
  public CompletionStage<Integer> apply(List<Change> changes) {
    if (changes.isEmpty()) {
      return refreshLimitsAndAdmit().thenApply(done -> 0);
    }
    List<Object> args = new ArrayList<>();
    args.add(keys.prefix());
    for (Change c : changes) {
      args.add(FlowLimit.fieldOf(c.kind(), c.name()));
      args.add(c.limit() == null ? "" : c.limit().encoded());
      args.add(String.valueOf(c.version()));
    }
    return this.<List<Object>>eval(FlowScripts.APPLY_LIMITS, args)
        .thenCompose(
            answer -> {
              int changed = Integer.parseInt(String.valueOf(answer.get(0)));
              return (changed > 0 ? refreshLimitsAndAdmit() : refresh()).thenApply(done -> changed);
            });
  }

  /** Whether {@code P:flow:seeded} is there: gone when Redis lost its data. */
  @Override
  public CompletionStage<Boolean> isSeeded() {
    return redis
        .<String>getBucket(keys.prefix() + ":flow:seeded", StringCodec.INSTANCE)
        .isExistsAsync();
  }

  @Override
  public CompletionStage<Void> markSeeded() {
    return redis
        .<String>getBucket(keys.prefix() + ":flow:seeded", StringCodec.INSTANCE)
        .setAsync("1");
  }

  private CompletionStage<Void> refreshLimitsAndAdmit() {
    return refresh().thenCompose(done -> admit(""));
  }

  /** Per limit set: the slots in use and the deliveries waiting in its type's room. */
  @Override
  public CompletionStage<Map<String, long[]>> usage() {
    return limits()
        .thenCompose(
            all -> {
              var batch = redis.createBatch();
              Map<String, org.redisson.api.RFuture<Integer>> inUse = new LinkedHashMap<>();
              Map<String, org.redisson.api.RFuture<Integer>> waiting = new LinkedHashMap<>();
              for (FlowLimit l : all) {
                if (FlowLimit.FAIRNESS.equals(l.kind())) {
                  continue;
                }
                inUse.put(
                    l.field(),
                    batch
                        .getSet(
                            keys.prefix() + ":flow:held:" + l.kind() + ":" + l.name(),
                            StringCodec.INSTANCE)
                        .sizeAsync());
                if (FlowLimit.TYPE.equals(l.kind())) {
                  waiting.put(
                      l.field(),
                      batch
                          .getScoredSortedSet(
                              keys.prefix() + ":flow:wait:" + l.name(), StringCodec.INSTANCE)
                          .sizeAsync());
                }
              }
              return batch
                  .executeAsync()
                  .thenApply(
                      done -> {
                        Map<String, long[]> usage = new LinkedHashMap<>();
                        inUse.forEach(
                            (field, used) -> {
                              var w = waiting.get(field);
                              usage.put(
                                  field,
                                  new long[] {
                                    used.toCompletableFuture().join(),
                                    w == null ? 0 : w.toCompletableFuture().join()
                                  });
                            });
                        return usage;
                      });
            });
  }

  private List<Object> head(String type) {
    List<Object> args = new ArrayList<>();
    args.add(keys.prefix());
    args.add(type);
    args.add(String.valueOf(urgencyStep));
    args.add(String.valueOf(admissionScan));
    return args;
  }

  @SuppressWarnings("unchecked")
  private <R> CompletionStage<R> eval(String script, List<Object> args) {
    return redis
        .getScript(StringCodec.INSTANCE)
        .<R>evalAsync(
            RScript.Mode.READ_WRITE, script, RScript.ReturnType.LIST, List.of(), args.toArray());
  }

  /** Answers of type followed by its next token time: sets a timer for each that has one. */
  private void timeAdmissions(List<Object> answer) {
    for (int i = 0; i + 1 < answer.size(); i += 2) {
      timeAdmission(String.valueOf(answer.get(i)), answer.get(i + 1));
    }
  }

  /** Sets a timer to admit {@code type} when a rate limit's next token comes, unless one is set. */
  private void timeAdmission(String type, Object nextTokenAt) {
    long at = Long.parseLong(String.valueOf(nextTokenAt));
    if (at <= 0) {
      return;
    }
    Long set = timers.get(type);
    if (set != null && set <= at) {
      return;
    }
    timers.put(type, at);
    long delay = Math.max(1, at - System.currentTimeMillis());
    scheduler.schedule(
        () -> {
          timers.remove(type, at);
          admit(type)
              .whenComplete(
                  (ok, failure) -> {
                    if (failure != null) {
                      log.warn("admission failed type={} problem={}", type, failure.toString());
                    }
                  });
        },
        delay,
        TimeUnit.MILLISECONDS);
  }

  /** Stops the timers. */
  public void close() {
    scheduler.shutdownNow();
  }
}
