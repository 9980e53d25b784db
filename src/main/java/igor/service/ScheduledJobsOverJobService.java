package igor.service;

import igor.domain.JobPlan;
import igor.domain.Rejection;
import igor.entity.ScheduledJobs;
import java.util.concurrent.CompletionStage;

/** The jobs a schedule fires, created and read through {@link JobService}. */
public final class ScheduledJobsOverJobService implements ScheduledJobs {
  private final JobService jobs;

  public ScheduledJobsOverJobService(JobService jobs) {
    this.jobs = jobs;
  }

  @Override
  public CompletionStage<Created> create(JobPlan plan) {
    return jobs.create(plan)
        .handle(
            (answer, failure) -> {
              if (failure != null) {
                return new Created(Outcome.UNAVAILABLE, failure.toString());
              }
              Rejection refused = answer.rejection();
              if (refused == null) {
                return new Created(Outcome.CREATED, null);
              }
              return switch (refused.kind()) {
                  // the job's entity refuses a second create of its id: only this fire makes that
                  // id (derived from the schedule and the due time), so the job exists already
                case CONFLICT -> new Created(Outcome.CREATED, null);
                case INVALID, TOO_LARGE -> new Created(Outcome.REFUSED, refused.reason());
                default -> new Created(Outcome.UNAVAILABLE, refused.reason());
              };
            });
  }

  @Override
  public CompletionStage<Boolean> unfinished(String jobId) {
    return jobs.summary(jobId)
        .thenApply(
            answer -> {
              if (answer.rejection() != null) {
                if (answer.rejection().kind() == Rejection.Kind.NOT_FOUND) {
                  return false;
                }
                throw new IllegalStateException(answer.rejection().reason());
              }
              // KILLED counts as finished: it runs no more until a person retries it
              return !answer.summary().status().isFinal();
            });
  }
}
