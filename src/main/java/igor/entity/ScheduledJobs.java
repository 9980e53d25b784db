package igor.entity;

import igor.domain.JobPlan;
import java.util.concurrent.CompletionStage;

/** What a schedule entity asks of jobs: the port to igor.service's JobService. */
public interface ScheduledJobs {
  /** How a creation ended. */
  enum Outcome {
    /** The job exists: created now, or before by the same fire. */
    CREATED,
    /** Refused for good (the template no longer fits the limits): never tried again. */
    REFUSED,
    /** Not known (no answer in time, storage down): tried again. */
    UNAVAILABLE
  }

  /** The answer to {@link #create}. */
  record Created(Outcome outcome, String reason) {}

  /** Creates the job of the plan, or finds it created by the same plan already. */
  CompletionStage<Created> create(JobPlan plan);

  /**
   * Whether the job is unfinished (not COMPLETED, ERRORED, SKIPPED or KILLED); false for a job that
   * does not exist. Fails when that cannot be known now.
   */
  CompletionStage<Boolean> unfinished(String jobId);
}
