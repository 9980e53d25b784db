package igor.http;

import igor.domain.Identifiers;
import igor.http.ListQueries.Kind;
import igor.service.JobViews;
import igor.service.ReadYourWrites;
import igor.storage.ReadModel;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * The read side of API v1, answered from the read model: GET /api/v1/jobs, /layers and /tasks
 * (lists, newest first), GET /api/v1/layers/{id} and /tasks/{id}, and GET /api/v1/counts. A read
 * that names ids waits first for the writes answered before it ({@link ReadYourWrites}).
 */
final class ListRoutes extends AllDirectives {
  private final ReadModel readModel;
  private final ReadYourWrites readYourWrites;
  private final ListQueries queries;
  private final java.util.function.BiFunction<String, String, String> waitingReasons;

  /**
   * {@code waitingReasons}: why a QUEUED task of a type and concurrency key waits, or null (the
   * worker registry).
   */
  ListRoutes(
      ReadModel readModel,
      ReadYourWrites readYourWrites,
      ListQueries queries,
      java.util.function.BiFunction<String, String, String> waitingReasons) {
    this.readModel = readModel;
    this.readYourWrites = readYourWrites;
    this.queries = queries;
    this.waitingReasons = waitingReasons;
  }

  private JobViews.TaskView task(ReadModel.TaskRow row) {
    return JobViews.task(row).explained(waitingReasons);
  }

  Route route() {
    return get(
        () ->
            concat(
                path("jobs", () -> list(Kind.JOBS, f -> readModel.jobs(f), JobViews::job)),
                path("layers", () -> list(Kind.LAYERS, f -> readModel.layers(f), JobViews::layer)),
                path("tasks", () -> list(Kind.TASKS, f -> readModel.tasks(f), this::task)),
                path(
                    PathMatchers.segment("layers").slash(PathMatchers.segment()),
                    id ->
                        one(
                            "layer",
                            id,
                            layerId ->
                                afterWritesTo(List.of(), List.of(layerId), List.of())
                                    .thenCompose(fresh -> readModel.layer(layerId)),
                            JobViews::layer)),
                path(
                    PathMatchers.segment("tasks").slash(PathMatchers.segment()),
                    id ->
                        one(
                            "task",
                            id,
                            taskId ->
                                afterWritesTo(List.of(), List.of(), List.of(taskId))
                                    .thenCompose(fresh -> readModel.task(taskId)),
                            this::task)),
                path(
                    "counts",
                    () ->
                        parameterMultiMap(
                            query -> {
                              List<String> jobIds = queries.jobIds(query);
                              return ok(
                                  afterWritesTo(jobIds, List.of(), List.of())
                                      .thenCompose(fresh -> readModel.counts(jobIds)),
                                  counts -> counts.stream().map(JobViews::counts).toList());
                            }))));
  }

  private <R> Route list(
      Kind kind,
      Function<ReadModel.Filter, CompletionStage<List<R>>> read,
      Function<R, Object> view) {
    return parameterMultiMap(
        (Map<String, List<String>> query) -> {
          ReadModel.Filter filter = queries.filter(kind, query);
          return ok(
              afterWritesTo(filter.jobIds(), filter.layerIds(), filter.taskIds())
                  .thenCompose(fresh -> read.apply(filter)),
              rows -> rows.stream().map(view).toList());
        });
  }

  /** Completes when the read model shows every write to these objects' jobs answered so far. */
  private CompletionStage<Void> afterWritesTo(
      List<String> jobIds, List<String> layerIds, List<String> taskIds) {
    return readYourWrites.awaitWrites(jobIds, layerIds, taskIds);
  }

  private <R> Route one(
      String kind,
      String id,
      Function<String, CompletionStage<Optional<R>>> read,
      Function<R, Object> view) {
    if (!Identifiers.isId(id)) {
      throw ApiException.badRequest(kind + " id must be a lowercase UUID, got '" + id + "'");
    }
    return onComplete(
        read.apply(id),
        done -> {
          if (done.isFailure()) {
            return complete(ApiErrors.of(done.failed().get()));
          }
          return done.get()
              .map(row -> complete(ApiJson.response(200, view.apply(row))))
              .orElseGet(() -> complete(ApiJson.error(404, kind + " not found")));
        });
  }

  private <T> Route ok(CompletionStage<T> answer, Function<T, Object> view) {
    return onComplete(
        answer,
        done ->
            done.isFailure()
                ? complete(ApiErrors.of(done.failed().get()))
                : complete(ApiJson.response(200, view.apply(done.get()))));
  }
}
