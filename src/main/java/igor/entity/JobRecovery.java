package igor.entity;

import igor.domain.Job;
import igor.domain.JobEvent;
import igor.domain.Rejection;
import org.slf4j.Logger;

/**
 * Recovering a job from its journal, and whether this incarnation of its entity can act on it. An
 * event the job cannot apply, or a failure acting on the recovered job, leaves the incarnation
 * unrecoverable: it then answers every command with why (503, {@link UnrecoverableHandler}) instead
 * of failing and recovering in a loop; the next incarnation (after passivation) tries again.
 */
final class JobRecovery {
  private final String jobId;
  private final Logger log;
  private final JobObserver observer;
  private final EffectRunner runner;

  /** Why this incarnation cannot act on the job, or null. */
  private String unrecoverable;

  JobRecovery(String jobId, Logger log, JobObserver observer, EffectRunner runner) {
    this.jobId = jobId;
    this.log = log;
    this.observer = observer;
    this.runner = runner;
  }

  /** Applies the event; an event the job cannot apply leaves the entity unable to act. */
  Job apply(Job job, JobEvent event) {
    if (unrecoverable != null) {
      return job;
    }
    try {
      return job.apply(event);
    } catch (RuntimeException e) {
      giveUp(e);
      return job;
    }
  }

  /**
   * After recovery: hand QUEUED attempts out again, put RUNNING ones under a lease where Redis has
   * none (it may have lost its data while no node held this job, or be a new one after a restore
   * from backup: no node would then notice a lost epoch), and set the timers.
   */
  void completed(Job job) {
    if (!job.exists() || unrecoverable != null) {
      return;
    }
    try {
      JobEffects effects = JobEffects.afterRecovery(job);
      log.info(
          "job recovered status={} tasks={} requeued={}",
          job.status(),
          job.taskCount(),
          effects.deliveries().size());
      runner.carryOut(job, effects);
      runner.lease(JobEffects.leases(job));
    } catch (RuntimeException e) {
      giveUp(e);
    }
  }

  /** Reading the journal failed: the supervision starts the entity again after a back-off. */
  void failed(Throwable failure) {
    String problem = String.valueOf(failure);
    log.error("job recovery failed, trying again after a back-off problem={}", problem);
    observer.recoveryFailed(jobId, problem);
  }

  /** Whether this incarnation can act on its job. */
  boolean canAct() {
    return unrecoverable == null;
  }

  /** Why this incarnation cannot act on its job (when it cannot). */
  Rejection reason() {
    return Rejection.unavailable("job " + jobId + " cannot be recovered: " + unrecoverable);
  }

  /** This incarnation gives up on the job: says why in the log and metrics, and answers so. */
  private void giveUp(Throwable problem) {
    if (unrecoverable != null) {
      return;
    }
    unrecoverable = problem.toString();
    log.error("job cannot be recovered, answering 503 problem={}", unrecoverable);
    observer.recoveryFailed(jobId, unrecoverable);
  }
}
