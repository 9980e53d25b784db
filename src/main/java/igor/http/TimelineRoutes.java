package igor.http;

import igor.domain.Identifiers;
import igor.domain.Timeline;
import igor.service.JobTimelines;
import igor.service.JobTimelines.TimelineAnswer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletionException;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * GET /api/v1/jobs/{id}/timeline: every attempt of a job with its times, and per layer where the
 * time went. Times are unix milliseconds (a timeline needs finer than the seconds of the other
 * answers), 0 for what did not happen (yet).
 */
final class TimelineRoutes extends AllDirectives {
  private final JobTimelines timelines;

  TimelineRoutes(JobTimelines timelines) {
    this.timelines = timelines;
  }

  /** The answer: the job, its layers in run order with their summaries, its attempts. */
  record TimelineView(
      String jobId, String name, long nowMs, List<LayerView> layers, List<AttemptView> attempts) {}

  /** A layer and where its attempts' time went (durations in ms, p50/p95 by nearest rank). */
  record LayerView(
      String id,
      String name,
      int priority,
      long startedAtMs,
      int tasks,
      int attempts,
      long queueWaitMs,
      long runMs,
      long queueWaitP50Ms,
      long queueWaitP95Ms,
      long runP50Ms,
      long runP95Ms) {}

  /** One attempt; outcome "" while it is queued or running. */
  record AttemptView(
      String taskId,
      String layerId,
      int attempt,
      long queuedAtMs,
      long startedAtMs,
      long endedAtMs,
      String outcome) {}

  Route route() {
    return path(
        PathMatchers.segment("jobs").slash(PathMatchers.segment()).slash("timeline"),
        id -> get(() -> timeline(id)));
  }

  private Route timeline(String id) {
    if (!Identifiers.isId(id)) {
      throw ApiException.badRequest("job id must be a lowercase UUID, got '" + id + "'");
    }
    return Answers.of(
        timelines.timeline(id).handle(this::tooLarge), TimelineAnswer::rejection, r -> view(r));
  }

  private TimelineAnswer tooLarge(TimelineAnswer answer, Throwable failure) {
    if (failure == null) {
      return answer;
    }
    Throwable cause = failure instanceof CompletionException ? failure.getCause() : failure;
    if (cause instanceof Timeline.TooManyAttempts e) {
      throw new ApiException(
          413,
          "the job has more than "
              + e.limit()
              + " attempts, the most a timeline answers (igor.limits.max-timeline-attempts)");
    }
    throw failure instanceof CompletionException c ? c : new CompletionException(failure);
  }

  static TimelineView view(TimelineAnswer answer) {
    Timeline t = answer.timeline();
    List<LayerView> layers = new ArrayList<>(t.layers().size());
    for (Timeline.LayerLine l : t.layers()) {
      layers.add(
          new LayerView(
              l.layerId(),
              l.name(),
              l.priority(),
              l.startedAt(),
              l.tasks(),
              l.attempts(),
              l.queueWaitTotal(),
              l.runTotal(),
              l.queueWaitP50(),
              l.queueWaitP95(),
              l.runP50(),
              l.runP95()));
    }
    List<AttemptView> attempts = new ArrayList<>(t.attempts().size());
    for (Timeline.Attempt a : t.attempts()) {
      attempts.add(
          new AttemptView(
              a.taskId(),
              a.layerId(),
              a.attempt(),
              a.queuedAt(),
              a.startedAt(),
              a.endedAt(),
              a.outcome() == null ? "" : a.outcome().name().toLowerCase(Locale.ROOT)));
    }
    return new TimelineView(t.jobId(), t.name(), t.now(), layers, attempts);
  }
}
