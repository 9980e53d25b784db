package igor.service;

import igor.config.FlowLimits;
import igor.queue.FlowControl;
import igor.queue.FlowLimit;
import igor.queue.LiveLimits;
import igor.storage.LimitRecords;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Flow control's limits with PostgreSQL as their durable record and Redis as the live copy that
 * admissions read (docs/flow-control.md, ADR 0026).
 *
 * <p>A change through the API is recorded in PostgreSQL first, then applied to Redis: when
 * PostgreSQL refuses, nothing changed; when Redis fails after PostgreSQL took it, the change stands
 * and is applied by the next {@link #reconcile} of any node ({@link LimitNotLiveException} says so
 * to the caller). Every change carries its record's version, and Redis keeps, per limit, the
 * version it holds: a node that applies an older record than the one Redis holds changes nothing.
 *
 * <p>Precedence: the API's last word on a limit (set or removed) wins over the configuration's, on
 * every node and after Redis lost its data, until the API changes it again. A limit the API never
 * touched is the configuration's: a node sets it at start and after Redis lost its data.
 */
public final class LimitKeeper implements FlowControl {
  private static final Logger log = LoggerFactory.getLogger(LimitKeeper.class);

  private final LimitRecords records;
  private final LiveLimits live;
  private final List<FlowLimit> configured;

  /** {@code configured}: the limits of this node's configuration (igor.flow.limits). */
  public LimitKeeper(LimitRecords records, LiveLimits live, List<FlowLimit> configured) {
    this.records = records;
    this.live = live;
    this.configured = List.copyOf(configured);
  }

  @Override
  public CompletionStage<List<FlowLimit>> limits() {
    return live.limits();
  }

  @Override
  public CompletionStage<Map<String, long[]>> usage() {
    return live.usage();
  }

  @Override
  public String waitingReason(String type, String concurrencyKey) {
    return live.waitingReason(type, concurrencyKey);
  }

  /** Records the limit in PostgreSQL, then sets it in Redis and admits what it now allows. */
  @Override
  public CompletionStage<Void> set(FlowLimit limit) {
    return records.set(limit).thenCompose(this::goLive);
  }

  /**
   * Answers false, changing nothing, when there is no such limit: no limit may have such a kind or
   * name, or it is neither in Redis, nor set through the API, nor in this node's configuration.
   * Otherwise records the removal in PostgreSQL (it then holds over the configuration), then
   * removes it from Redis and admits what it held back.
   */
  @Override
  public CompletionStage<Boolean> remove(String kind, String name) {
    if (FlowLimits.namingProblem(kind, name) != null) {
      // no limit is named so (neither the API nor the configuration takes such a name)
      return CompletableFuture.completedFuture(false);
    }
    String field = FlowLimit.fieldOf(kind, name);
    boolean inConfiguration =
        configured.stream().anyMatch(l -> l.kind().equals(kind) && l.name().equals(name));
    return live.limits()
        .thenCombine(
            records.find(kind, name),
            (held, record) ->
                inConfiguration
                    || (record != null && !record.removed())
                    || held.stream().anyMatch(l -> l.field().equals(field)))
        .thenCompose(
            exists ->
                exists
                    ? records.remove(kind, name).thenCompose(this::goLive).thenApply(done -> true)
                    : CompletableFuture.completedFuture(false));
  }

  private CompletionStage<Void> goLive(LimitRecords.Record record) {
    return live.apply(List.of(change(record)))
        .handle(
            (changed, failure) -> {
              if (failure != null) {
                Throwable cause =
                    failure instanceof CompletionException && failure.getCause() != null
                        ? failure.getCause()
                        : failure;
                log.warn(
                    "flow-control limit recorded but not applied to Redis limit={}:{} version={}"
                        + " problem={}",
                    record.kind(),
                    record.name(),
                    record.version(),
                    cause.toString());
                throw new LimitNotLiveException(
                    "limit "
                        + record.kind()
                        + "/"
                        + record.name()
                        + (record.removed() ? " is recorded as removed" : " is recorded")
                        + " in PostgreSQL, but Redis did not take the change ("
                        + cause.getMessage()
                        + "); it holds once a node puts Redis back in line"
                        + " (every igor.worker.lease-check-interval), or when asked again",
                    cause);
              }
              return null;
            });
  }

  /**
   * Puts Redis in line with PostgreSQL and the configuration, then refreshes flow control (reads
   * the limits, frees slots no attempt holds, admits): run at start ({@code atStart}) and every
   * lease check. Every record of the API is applied where Redis holds an older one (a change Redis
   * missed, or all of them after Redis lost its data). The configuration's limits that the API
   * never touched are set at start and whenever Redis lost its data ({@code P:flow:seeded} is
   * gone). When PostgreSQL does not answer, Redis gets only the configuration's limits it lost, and
   * the records once PostgreSQL answers again. Answers how many limits it changed in Redis.
   */
  public CompletionStage<Integer> reconcile(boolean atStart) {
    return live.isSeeded()
        .thenCompose(
            seeded -> {
              boolean seed = atStart || !seeded;
              return records
                  .all()
                  .handle(
                      (all, failure) -> {
                        if (failure != null) {
                          log.warn(
                              "flow-control limits not read from PostgreSQL problem={}",
                              failure.toString());
                          return seed
                              ? live.apply(seedOnly(List.of()))
                              : live.refresh().thenApply(done -> 0);
                        }
                        List<LiveLimits.Change> changes =
                            new ArrayList<>(seed ? seedOnly(all) : List.of());
                        all.forEach(r -> changes.add(change(r)));
                        CompletionStage<Integer> applied = live.apply(changes);
                        return seed
                            ? applied.thenCompose(n -> live.markSeeded().thenApply(done -> n))
                            : applied;
                      })
                  .thenCompose(stage -> stage)
                  .thenApply(
                      changed -> {
                        if (changed > 0) {
                          log.info(
                              "flow-control limits put in line in Redis changed={} atStart={}"
                                  + " redisLostData={}",
                              changed,
                              atStart,
                              !seeded);
                        }
                        return changed;
                      });
            });
  }

  /** The configuration's limits that no record of the API names. */
  private List<LiveLimits.Change> seedOnly(List<LimitRecords.Record> all) {
    Set<String> touched = new HashSet<>();
    all.forEach(r -> touched.add(FlowLimit.fieldOf(r.kind(), r.name())));
    List<LiveLimits.Change> changes = new ArrayList<>();
    for (FlowLimit l : configured) {
      if (!touched.contains(l.field())) {
        changes.add(LiveLimits.Change.configured(l));
      }
    }
    return changes;
  }

  private static LiveLimits.Change change(LimitRecords.Record r) {
    return new LiveLimits.Change(r.kind(), r.name(), r.limit(), r.version());
  }
}
