package igor.service;

import igor.domain.Identifiers;
import igor.domain.WorkerReport;
import igor.entity.JobEntity;
import igor.metrics.IgorMetrics;
import igor.queue.HopProbe;
import igor.queue.ReceivedReport;
import igor.queue.ReportInbox;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.Done;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries worker reports from the report inbox to the job entities that own them: reads a batch,
 * sends each job its reports in one command (so a job journals them in one write), and acknowledges
 * a report only once its job has applied it. A report that is not acknowledged is read again. A
 * report naming a job that does not exist (never created, or removed since) is dropped and counted
 * ({@code igor.reports.dropped}, reason {@code unknown_job}): no job entity is started for it.
 */
public final class ReportRouter {
  private static final Logger log = LoggerFactory.getLogger(ReportRouter.class);

  private final ReportInbox inbox;
  private final JobGateway jobs;
  private final IgorMetrics metrics;
  private final int batchSize;
  private final Duration pollWait;
  private final Duration applyTimeout;
  private final Executor executor;
  private final CompletableFuture<Void> stopped = new CompletableFuture<>();
  private volatile boolean running = true;
  private static final int MAX_BATCHES_IN_FLIGHT = 4;
  private final java.util.concurrent.atomic.AtomicInteger inFlight =
      new java.util.concurrent.atomic.AtomicInteger();

  /**
   * Completes once the commands of the batch read last were sent: the next batch's are sent after
   * them, so that a job gets its reports in the order they were read (an attempt's start before its
   * end, which would otherwise find the attempt ended and be dropped as stale). Only the sending is
   * in order; batches are applied and acknowledged concurrently. Read and written by {@link
   * #route}, which batches reach one at a time.
   */
  private volatile CompletableFuture<Void> previousBatchSent =
      CompletableFuture.completedFuture(null);

  /**
   * The last batch's dead letters: the next batch's go into the list after them, so that the list
   * stays newest first (batches in flight at once run on separate Redis connections).
   */
  private volatile CompletableFuture<Void> previousSetAside =
      CompletableFuture.completedFuture(null);

  /**
   * How long a {@code started} report read without its attempt's outcome waits for that outcome
   * (igor.reports.start-linger): the next read waits this long at most, and the start goes with
   * what it brings, in one command and so in one journal write. Zero: sent at once.
   */
  private final Duration startLinger;

  public ReportRouter(
      ReportInbox inbox,
      JobGateway jobs,
      IgorMetrics metrics,
      int batchSize,
      Duration pollWait,
      Duration startLinger,
      Duration applyTimeout,
      Executor executor) {
    this.inbox = inbox;
    this.jobs = jobs;
    this.metrics = metrics;
    this.batchSize = batchSize;
    this.pollWait = pollWait;
    this.startLinger = startLinger;
    this.applyTimeout = applyTimeout;
    this.executor = executor;
  }

  public ReportRouter start() {
    executor.execute(() -> next(List.of()));
    return this;
  }

  /**
   * Reads the next batch as soon as the previous one's commands are sent, with at most {@value
   * #MAX_BATCHES_IN_FLIGHT} batches waiting for their jobs: the commands of one job still reach it
   * in the order the reports were read ({@link #previousBatchSent}). {@code held}: the starts of
   * the batch before, read without their outcomes; this read waits for them only {@link
   * #startLinger}, and they go first with what it brings (never held twice).
   */
  private void next(List<ReceivedReport> held) {
    if (!running) {
      route(held).whenComplete((ok, failure) -> stopped.complete(null));
      return;
    }
    inbox
        .next(batchSize, held.isEmpty() ? pollWait : startLinger)
        .whenCompleteAsync(
            (read, failure) -> {
              if (failure != null) {
                if (running) {
                  log.warn(
                      "reading worker reports failed, trying again problem={}", failure.toString());
                }
                routeThen(held, List.of(), 1);
                return;
              }
              markRead(read);
              List<ReceivedReport> batch = new ArrayList<>(held.size() + read.size());
              batch.addAll(held);
              batch.addAll(read);
              List<ReceivedReport> startsAlone = new ArrayList<>();
              if (held.isEmpty()) {
                batch = holdStartsWithoutOutcome(batch, startsAlone);
              }
              routeThen(batch, startsAlone, 0);
            },
            executor);
  }

  /**
   * Routes the batch, and reads the next one (holding {@code held} for it) at once while fewer than
   * {@value #MAX_BATCHES_IN_FLIGHT} batches wait for their jobs, else once this one is done; after
   * {@code pauseSeconds} when reading failed.
   */
  private void routeThen(List<ReceivedReport> batch, List<ReceivedReport> held, int pauseSeconds) {
    Runnable read =
        pauseSeconds > 0
            ? () ->
                CompletableFuture.delayedExecutor(pauseSeconds, TimeUnit.SECONDS, executor)
                    .execute(() -> next(held))
            : () -> next(held);
    if (batch.isEmpty()) {
      read.run();
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
            read.run();
          }
        },
        executor);
    if (now < MAX_BATCHES_IN_FLIGHT) {
      read.run();
    }
  }

  /**
   * The batch without the {@code started} reports whose attempt has no other report in it, which go
   * into {@code startsAlone}, when starts may linger ({@link #startLinger}); else the batch.
   */
  private List<ReceivedReport> holdStartsWithoutOutcome(
      List<ReceivedReport> batch, List<ReceivedReport> startsAlone) {
    if (startLinger.isZero() || startLinger.isNegative()) {
      return batch;
    }
    Set<String> ended = new HashSet<>();
    for (ReceivedReport r : batch) {
      if (r.report() != null && r.report().kind() != WorkerReport.Kind.STARTED) {
        ended.add(Identifiers.deliveryId(r.report().taskId(), r.report().attempt()));
      }
    }
    List<ReceivedReport> now = new ArrayList<>(batch.size());
    for (ReceivedReport r : batch) {
      boolean alone =
          r.report() != null
              && r.report().kind() == WorkerReport.Kind.STARTED
              && !ended.contains(Identifiers.deliveryId(r.report().taskId(), r.report().attempt()));
      (alone ? startsAlone : now).add(r);
    }
    return now;
  }

  private CompletionStage<Void> route(List<ReceivedReport> received) {
    if (received.isEmpty()) {
      return CompletableFuture.completedFuture(null);
    }
    Map<String, List<ReceivedReport>> byJob = new LinkedHashMap<>();
    List<ReceivedReport> done = new ArrayList<>();
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
    CompletableFuture<Void> setAside =
        unreadable.isEmpty()
            ? CompletableFuture.completedFuture(null)
            : setAsideAfterThePrevious(unreadable);
    CompletableFuture<CompletableFuture<Void>> sent =
        previousBatchSent
            .thenCompose(previous -> jobs.existing(byJob.keySet()))
            .thenApplyAsync(
                known -> {
                  List<CompletableFuture<Void>> applied = new ArrayList<>(byJob.size() + 1);
                  applied.add(setAside);
                  dropUnknown(byJob, known, done);
                  byJob.forEach((jobId, reports) -> applied.add(apply(jobId, reports, done)));
                  return CompletableFuture.allOf(applied.toArray(CompletableFuture[]::new));
                },
                executor);
    previousBatchSent = sent.handle((ok, failure) -> null);
    return sent.thenCompose(applied -> applied)
        .thenComposeAsync(all -> inbox.acknowledge(done), executor);
  }

  /**
   * Sets the unreadable reports aside once the previous batch's are (a failure is logged: they are
   * read again), so that the dead-letter list stays in the order the reports were read.
   */
  private CompletableFuture<Void> setAsideAfterThePrevious(List<ReceivedReport> unreadable) {
    CompletableFuture<Void> setAside =
        previousSetAside
            .thenCompose(previous -> inbox.setAside(unreadable))
            .exceptionally(
                failure -> {
                  log.warn(
                      "unreadable reports could not be set aside, they will be read again"
                          + " problem={}",
                      failure.toString());
                  return null;
                })
            .toCompletableFuture();
    previousSetAside = setAside;
    return setAside;
  }

  /** For igor bench's breakdown of a hop (off but for one volatile read). */
  private static void markRead(List<ReceivedReport> read) {
    if (HopProbe.on()) {
      for (ReceivedReport r : read) {
        if (r.report() != null) {
          HopProbe.mark(
              r.report().kind() == WorkerReport.Kind.STARTED
                  ? HopProbe.Step.STARTED_READ
                  : HopProbe.Step.OUTCOME_READ,
              r.report().taskId());
        }
      }
    }
  }

  /** Takes the reports of unknown jobs out of {@code byJob}: they are acknowledged, and counted. */
  private void dropUnknown(
      Map<String, List<ReceivedReport>> byJob, Set<String> known, List<ReceivedReport> done) {
    int dropped = 0;
    for (var it = byJob.entrySet().iterator(); it.hasNext(); ) {
      var job = it.next();
      if (!known.contains(job.getKey())) {
        log.warn(
            "worker reports for an unknown job dropped jobId={} count={}",
            job.getKey(),
            job.getValue().size());
        done.addAll(job.getValue());
        dropped += job.getValue().size();
        it.remove();
      }
    }
    if (dropped > 0) {
      metrics.reportsDropped(IgorMetrics.UNKNOWN_JOB, dropped);
    }
  }

  private CompletableFuture<Void> apply(
      String jobId, List<ReceivedReport> reports, List<ReceivedReport> done) {
    List<WorkerReport> batch = reports.stream().map(ReceivedReport::report).toList();
    // Sent again while unanswered, for igor.reports.apply-timeout: a job applies a report once
    // however often it arrives (ADR 0004), and reports read while the job's node is down then reach
    // it from its new home, instead of waiting for igor.reports.reclaim-after.
    return jobs.<Done>askResendingExisting(
            jobId, replyTo -> new JobEntity.ApplyReports(batch, replyTo), applyTimeout)
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
                  done.addAll(reports);
                }
              }
              return (Void) null;
            },
            executor)
        .toCompletableFuture();
  }

  /** Stops after the batch in hand; completes when it has. */
  public CompletionStage<Void> stop() {
    running = false;
    return stopped;
  }
}
