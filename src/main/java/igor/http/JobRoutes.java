package igor.http;

import igor.domain.Identifiers;
import igor.domain.JobPlan;
import igor.service.JobService;
import igor.service.JobService.JobAnswer;
import igor.service.JobViews;
import java.util.Optional;
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
  private final IdempotentSubmits submits;
  private final java.util.function.BiFunction<String, String, String> waitingReasons;
  private final RequestTracing tracing;

  /**
   * {@code waitingReasons}: why a QUEUED task of a type and concurrency key waits, or null (the
   * worker registry).
   */
  JobRoutes(
      JobService jobs,
      JobRequests requests,
      RequestBodies bodies,
      IdempotentSubmits submits,
      java.util.function.BiFunction<String, String, String> waitingReasons,
      RequestTracing tracing) {
    this.jobs = jobs;
    this.requests = requests;
    this.bodies = bodies;
    this.submits = submits;
    this.waitingReasons = waitingReasons;
    this.tracing = tracing;
  }

  Route route() {
    return pathPrefix(
        "jobs",
        () ->
            concat(
                pathEnd(
                    () ->
                        post(
                            () ->
                                submits.key(
                                    "jobs", key -> bodies.json(body -> create(body, key))))),
                path(PathMatchers.segment(), id -> get(() -> read(id))),
                path(PathMatchers.segment().slash("audit"), id -> get(() -> audit(id))),
                path(PathMatchers.segment().slash("status"), id -> get(() -> status(id)))));
  }

  private Route create(String body, Optional<IdempotentSubmits.Key> key) {
    JobRequests.CreateJob request = ApiJson.read(body, JobRequests.CreateJob.class);
    JobPlan plan = requests.toPlan(request);
    return extractRequest(
        httpRequest ->
            answer(
                tracing
                    .traced(
                        httpRequest,
                        "POST /api/v1/jobs",
                        trace -> submits.create(key, request, plan.inTrace(trace)))
                    .handle((result, failure) -> created(plan.jobId(), key, result, failure))));
  }

  /**
   * A create whose job did not answer in time may still be journaled: the client learns the new
   * job's id, so that it can look before creating the job again (or, with a key, that it may send
   * the same request with the same key again).
   */
  private static JobAnswer created(
      String jobId, Optional<IdempotentSubmits.Key> key, JobAnswer result, Throwable failure) {
    if (failure == null) {
      return result;
    }
    if (ApiErrors.isTimeout(failure) && key.isPresent()) {
      throw new ApiException(
          503,
          "the job did not answer in time and may still be created: send the same request with"
              + " the same Idempotency-Key again, it answers the job created once");
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
    return Answers.of(
        result, JobAnswer::rejection, r -> JobViews.job(r.job()).explained(waitingReasons));
  }
}
