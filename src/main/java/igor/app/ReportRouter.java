package igor.app;

import igor.domain.WorkerReport;
import igor.entity.JobEntity;
import igor.queue.ReceivedReport;
import igor.queue.ReportInbox;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.Done;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries worker reports from the report inbox to the job entities that own them: reads a batch,
 * sends each job its reports in one command (so a job journals them in one write), and acknowledges
 * a report only once its job has applied it. A report that is not acknowledged is read again.
 */
public final class ReportRouter {
  private static final Logger log = LoggerFactory.getLogger(ReportRouter.class);

  private final ReportInbox inbox;
  private final ClusterSharding sharding;
  private final int batchSize;
  private final Duration pollWait;
  private final Duration askTimeout;
  private final Executor executor;
  private final CompletableFuture<Void> stopped = new CompletableFuture<>();
  private volatile boolean running = true;
  private static final int MAX_BATCHES_IN_FLIGHT = 4;
  private final java.util.concurrent.atomic.AtomicInteger inFlight =
      new java.util.concurrent.atomic.AtomicInteger();

  public ReportRouter(
      ReportInbox inbox,
      ClusterSharding sharding,
      int batchSize,
      Duration pollWait,
      Duration askTimeout,
      Executor executor) {
    this.inbox = inbox;
    this.sharding = sharding;
    this.batchSize = batchSize;
    this.pollWait = pollWait;
    this.askTimeout = askTimeout;
    this.executor = executor;
  }

  public ReportRouter start() {
    executor.execute(this::next);
    return this;
  }

  /**
   * Reads the next batch as soon as the previous one's commands are sent, with at most {@value
   * #MAX_BATCHES_IN_FLIGHT} batches waiting for their jobs: the commands of one job still reach it
   * in the order the reports were read.
   */
  private void next() {
    if (!running) {
      stopped.complete(null);
      return;
    }
    inbox
        .next(batchSize, pollWait)
        .whenCompleteAsync(
            (batch, failure) -> {
              if (failure != null) {
                if (running) {
                  log.warn(
                      "reading worker reports failed, trying again problem={}", failure.toString());
                }
                CompletableFuture.delayedExecutor(1, TimeUnit.SECONDS, executor).execute(this::next);
                return;
              }
              if (batch.isEmpty()) {
                next();
                return;
              }
              CompletionStage<Void> done = route(batch);
              int now = inFlight.incrementAndGet();
              done.whenCompleteAsync(
                  (ok, routeFailure) -> {
                    inFlight.decrementAndGet();
                    if (routeFailure != null) {
                      log.warn("worker reports were not acknowledged problem={}", routeFailure.toString());
                    }
                    if (now >= MAX_BATCHES_IN_FLIGHT) {
                      next();
                    }
                  },
                  executor);
              if (now < MAX_BATCHES_IN_FLIGHT) {
                next();
              }
            },
            executor);
  }

  private CompletionStage<Void> route(List<ReceivedReport> received) {
    if (received.isEmpty()) {
      return CompletableFuture.completedFuture(null);
    }
    Map<String, List<ReceivedReport>> byJob = new LinkedHashMap<>();
    List<String> done = new ArrayList<>();
    List<ReceivedReport> unreadable = new ArrayList<>();
    for (ReceivedReport r : received) {
      if (r.report() == null) {
        log.warn(
            "unreadable worker report set aside as a dead letter receipt={} problem={}",
            r.receipt(),
            r.problem());
        unreadable.add(r);
      } else {
        byJob.computeIfAbsent(r.report().jobId(), id -> new ArrayList<>()).add(r);
      }
    }
    List<CompletableFuture<Void>> applied = new ArrayList<>(byJob.size() + 1);
    applied.add(
        inbox
            .setAside(unreadable)
            .exceptionally(
                failure -> {
                  log.warn(
                      "unreadable reports could not be set aside, they will be read again"
                          + " problem={}",
                      failure.toString());
                  return null;
                })
            .toCompletableFuture());
    byJob.forEach(
        (jobId, reports) -> {
          List<WorkerReport> batch = reports.stream().map(ReceivedReport::report).toList();
          applied.add(
              sharding
                  .entityRefFor(JobEntity.ENTITY_KEY, jobId)
                  .<Done>ask(replyTo -> new JobEntity.ApplyReports(batch, replyTo), askTimeout)
                  .handleAsync(
                      (ok, failure) -> {
                        if (failure != null) {
                          log.warn(
                              "job did not apply reports, they will be read again jobId={} count={}"
                                  + " problem={}",
                              jobId,
                              batch.size(),
                              failure.toString());
                        } else {
                          synchronized (done) {
                            reports.forEach(r -> done.add(r.receipt()));
                          }
                        }
                        return (Void) null;
                      },
                      executor)
                  .toCompletableFuture());
        });
    return CompletableFuture.allOf(applied.toArray(CompletableFuture[]::new))
        .thenComposeAsync(all -> inbox.acknowledge(done), executor);
  }

  /** Stops after the batch in hand; completes when it has. */
  public CompletionStage<Void> stop() {
    running = false;
    return stopped;
  }
}
