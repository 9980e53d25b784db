package igor.http;

import igor.config.Limits;
import igor.domain.Identifiers;
import igor.service.JobViews;
import igor.service.ReadYourWrites;
import igor.storage.ReadModel;
import java.util.List;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * GET /api/v1/jobs/{id}/results?layer=...: the results of the tasks of a job's layers of one name,
 * a page at a time, for the handlers of its later layers (docs/worker-protocol.md, "Results of
 * earlier layers"). Read from the read model once it reflects every write the job had answered when
 * the request came (ADR 0015): a layer that finished before the read is shown as it ended.
 */
final class ResultRoutes extends AllDirectives {
  private final ReadModel readModel;
  private final ReadYourWrites readYourWrites;
  private final ListQueries queries;
  private final Limits limits;

  ResultRoutes(
      ReadModel readModel, ReadYourWrites readYourWrites, ListQueries queries, Limits limits) {
    this.readModel = readModel;
    this.readYourWrites = readYourWrites;
    this.queries = queries;
    this.limits = limits;
  }

  Route route() {
    return path(
        PathMatchers.segment("jobs").slash(PathMatchers.segment()).slash("results"),
        id -> get(() -> parameterMultiMap(query -> results(id, queries.results(query)))));
  }

  private Route results(String jobId, ListQueries.ResultsQuery query) {
    if (!Identifiers.isId(jobId)) {
      throw ApiException.badRequest("job id must be a lowercase UUID, got '" + jobId + "'");
    }
    return onComplete(
        readYourWrites
            .awaitWrites(List.of(jobId), List.of(), List.of())
            .thenCompose(
                fresh ->
                    readModel.results(
                        jobId,
                        query.layer(),
                        query.after(),
                        query.limit(),
                        limits.maxResultsPageBytes())),
        done -> {
          if (done.isFailure()) {
            return complete(ApiErrors.of(done.failed().get()));
          }
          ReadModel.ResultsPage page = done.get();
          return switch (page.found()) {
            case NO_JOB -> complete(ApiJson.error(404, "job " + jobId + " not found"));
            case NO_LAYER ->
                complete(
                    ApiJson.error(
                        404, "job " + jobId + " has no layer named '" + query.layer() + "'"));
            case PAGE ->
                complete(
                    ApiJson.response(
                        200,
                        JobViews.results(
                            page, page.next() == null ? null : ResultsCursors.write(page.next()))));
          };
        });
  }
}
