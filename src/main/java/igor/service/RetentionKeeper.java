package igor.service;

import igor.config.IgorSettings;
import igor.entity.JobEntity;
import igor.storage.Retention;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.Cancellable;
import org.apache.pekko.actor.typed.ActorSystem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removes finished jobs whose last change is older than igor.retention.finished-after, one bounded
 * batch per interval: each due job's entity is asked to retire first (it refuses if the job runs
 * again), then its rows go in one transaction (docs/operations.md, "Retention").
 */
public final class RetentionKeeper {
  private static final Logger log = LoggerFactory.getLogger(RetentionKeeper.class);

  private final ActorSystem<?> system;
  private final JobGateway jobs;
  private final Retention retention;
  private final IgorSettings.Retention settings;
  private final Duration askTimeout;
  private volatile Cancellable schedule;

  public RetentionKeeper(
      ActorSystem<?> system,
      JobGateway jobs,
      Retention retention,
      IgorSettings.Retention settings,
      Duration askTimeout) {
    this.system = system;
    this.jobs = jobs;
    this.retention = retention;
    this.settings = settings;
    this.askTimeout = askTimeout;
  }

  /** Runs a batch every interval (the first after one interval). */
  public RetentionKeeper start() {
    schedule =
        system
            .scheduler()
            .scheduleWithFixedDelay(
                settings.interval(),
                settings.interval(),
                () -> {
                  try {
                    runOnce(System.currentTimeMillis())
                        .toCompletableFuture()
                        .get(10, TimeUnit.MINUTES);
                  } catch (Exception e) {
                    log.warn("retention run failed problem={}", e.toString());
                  }
                },
                system.executionContext());
    return this;
  }

  public void stop() {
    if (schedule != null) {
      schedule.cancel();
    }
  }

  /** One batch as of {@code now} (unix ms): answers the ids of the jobs removed. */
  public CompletionStage<List<String>> runOnce(long now) {
    if (!settings.enabled()) {
      return CompletableFuture.completedFuture(List.of());
    }
    long changedBefore = now - settings.finishedAfter().toMillis();
    return retention
        .due(settings.statuses(), changedBefore, settings.batchSize())
        .thenCompose(
            due -> {
              Map<String, Long> confirmed = new ConcurrentHashMap<>();
              CompletableFuture<?>[] asks =
                  due.stream()
                      .map(
                          id ->
                              jobs.<JobEntity.Retired>ask(
                                      id,
                                      replyTo -> new JobEntity.Retire(settings.statuses(), replyTo),
                                      askTimeout,
                                      () -> new JobEntity.Retired(-1))
                                  .thenAccept(
                                      r -> {
                                        if (r.sequenceNr() >= 0) {
                                          confirmed.put(id, r.sequenceNr());
                                        }
                                      })
                                  .exceptionally(failure -> null)
                                  .toCompletableFuture())
                      .toArray(CompletableFuture[]::new);
              return CompletableFuture.allOf(asks).thenCompose(done -> retention.remove(confirmed));
            })
        .thenApply(
            removed -> {
              jobs.forget(removed);
              if (!removed.isEmpty()) {
                log.info("finished jobs removed count={}", removed.size());
              }
              return removed;
            });
  }
}
