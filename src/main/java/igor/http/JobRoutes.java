package igor.http;

import igor.domain.Identifiers;
import igor.domain.JobPlan;
import igor.service.JobService;
import igor.service.JobService.JobAnswer;
import igor.service.JobViews;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;

/** POST /api/v1/jobs and GET /api/v1/jobs/{id}. */
final class JobRoutes extends AllDirectives {
  private final JobService jobs;
  private final JobRequests requests;
  private final RequestBodies bodies;
  private final RequestTracing tracing;

  JobRoutes(JobService jobs, JobRequests requests, RequestBodies bodies, RequestTracing tracing) {
    this.jobs = jobs;
    this.requests = requests;
    this.bodies = bodies;
    this.tracing = tracing;
  }

  Route route() {
    return pathPrefix(
        "jobs",
        () ->
            concat(
                pathEnd(() -> post(() -> bodies.json(this::create))),
                path(PathMatchers.segment(), id -> get(() -> read(id))),
                path(PathMatchers.segment().slash("audit"), id -> get(() -> audit(id))),
                path(PathMatchers.segment().slash("status"), id -> get(() -> status(id)))));
  }

  private Route create(String body) {
    JobPlan plan = requests.toPlan(ApiJson.read(body, JobRequests.CreateJob.class));
    return extractRequest(
        request ->
            answer(
                tracing
                    .traced(request, "POST /api/v1/jobs", trace -> jobs.create(plan.inTrace(trace)))
                    .handle((result, failure) -> created(plan.jobId(), result, failure))));
  }

  /**
   * A create whose job did not answer in time may still be journaled: the client learns the new
   * job's id, so that it can look before creating the job again.
   */
  private static JobAnswer created(String jobId, JobAnswer result, Throwable failure) {
    if (failure == null) {
      return result;
    }
    if (ApiErrors.isTimeout(failure)) {
      throw new ApiException(
          503,
          "job "
              + jobId
              + " did not answer in time and may still be created: GET /api/v1/jobs/"
              + jobId
              + " before creating it again");
    }
    throw new CompletionException(failure);
  }

  private Route read(String id) {
    return answer(jobs.get(jobId(id)));
  }

  /** The actions people took on the job, oldest first. */
  private Route audit(String id) {
    return Answers.of(
        jobs.get(jobId(id)), JobAnswer::rejection, r -> JobViews.audit(r.job().audit()));
  }

  /** The job's status, etag and task counts, exact and cheap whatever the job's size. */
  private Route status(String id) {
    return Answers.of(
        jobs.summary(jobId(id)),
        JobService.SummaryAnswer::rejection,
        r -> JobViews.summary(r.summary()));
  }

  private static String jobId(String id) {
    if (!Identifiers.isId(id)) {
      throw ApiException.badRequest("job id must be a lowercase UUID, got '" + id + "'");
    }
    return id;
  }

  private Route answer(CompletionStage<JobAnswer> result) {
    return Answers.of(result, JobAnswer::rejection, r -> JobViews.job(r.job()));
  }
}
