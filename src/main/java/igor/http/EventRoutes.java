package igor.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import igor.storage.ChangeFeed;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.NotUsed;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.http.javadsl.model.sse.ServerSentEvent;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;

/**
 * GET /api/v1/events: every change as Server-Sent Events, live, from the journal. The id of an
 * event is its journal ordering; a client that reconnects with {@code Last-Event-ID} (or first
 * connects with {@code since}) gets every change after it. Open streams per node are bounded, and a
 * stream's slot is given back when its bytes stop flowing: a client that closed its connection is
 * seen when a write fails (a closed HTTP/1.1 read side may be a client's half-close, so pekko-http
 * keeps writing), which the heartbeat makes happen within about two heartbeats.
 */
final class EventRoutes extends AllDirectives {
  private final ChangeFeed feed;
  private final ListQueries queries;
  private final int maxStreams;
  private final Duration heartbeat;
  private static final ByteString HEARTBEAT = ByteString.fromString(":\n\n");
  private final AtomicInteger open = new AtomicInteger();
  private final OutputEvents output;

  EventRoutes(
      ChangeFeed feed,
      OutputEvents output,
      ListQueries queries,
      int maxStreams,
      Duration heartbeat) {
    this.feed = feed;
    this.output = output;
    this.queries = queries;
    this.maxStreams = maxStreams;
    this.heartbeat = heartbeat;
  }

  Route route() {
    return path(
        "events",
        () ->
            get(
                () ->
                    parameterMultiMap(
                        query ->
                            optionalHeaderValueByName(
                                "Last-Event-ID", lastId -> stream(query, lastId)))));
  }

  private Route stream(Map<String, List<String>> query, Optional<String> lastEventId) {
    Map<String, List<String>> rest = new java.util.HashMap<>(query);
    boolean output = output(rest.remove("output"));
    ListQueries.EventsQuery q = queries.events(rest);
    Long after = lastEventId.map(ListQueries::lastEventId).orElse(q.since());
    if (open.get() >= maxStreams) {
      return complete(
          ApiJson.error(
              503,
              "this node serves at most "
                  + maxStreams
                  + " event streams at once (igor.events.max-streams); try again later"));
    }
    CompletionStage<Long> from =
        after != null ? CompletableFuture.completedFuture(after) : feed.latest();
    return onComplete(
        from,
        done -> {
          if (done.isFailure()) {
            return complete(ApiErrors.of(done.failed().get()));
          }
          return complete(
              HttpResponse.create()
                  .withEntity(
                      HttpEntities.createChunked(
                          MediaTypes.TEXT_EVENT_STREAM.toContentType(),
                          events(done.get(), q.jobIds(), output))));
        });
  }

  /**
   * The stream's bytes: each change as an SSE event, and a comment line after each heartbeat of
   * silence. (EventStreamMarshalling's heartbeat is an event with empty data, which a browser's
   * EventSource dispatches as a message; a comment it ignores, as proxies do not.)
   */
  private Source<ByteString, NotUsed> events(long after, List<String> jobIds, boolean withOutput) {
    Source<ByteString, NotUsed> changes =
        feed.after(after, new HashSet<>(jobIds))
            .mapConcat(change -> sse(change).stream().map(EventRoutes::encode).toList());
    if (withOutput) {
      changes = changes.merge(output.events(new HashSet<>(jobIds)).map(EventRoutes::encode));
    }
    return changes
        .keepAlive(heartbeat, () -> HEARTBEAT)
        .watchTermination(
            (notUsed, done) -> {
              // A slot is held from when the stream runs until it ends: a client that leaves
              // before its stream starts (while the feed's position is read) holds none. Requests
              // that arrive at the same instant may exceed the bound by their number.
              open.incrementAndGet();
              done.whenComplete((ok, failure) -> open.decrementAndGet());
              return notUsed;
            });
  }

  /**
   * The query parameter {@code output}: whether the stream carries task output ({@code task_log},
   * {@code task_progress}); {@code true} when absent.
   */
  private static boolean output(List<String> values) {
    if (values == null || values.isEmpty()) {
      return true;
    }
    if (values.size() == 1 && (values.get(0).equals("true") || values.get(0).equals("false"))) {
      return values.get(0).equals("true");
    }
    throw ApiException.badRequest("query parameter 'output' must be true or false, given once");
  }

  /**
   * A change as SSE events: one, or for a journaled batch of reports one per start and end it
   * holds, of which only the last carries the change's id. A client that loses its connection among
   * them resumes after the change before (browsers keep the last id they saw; the Java client hands
   * such events over only with the one that carries the id), so gets them all again rather than
   * missing the rest.
   */
  static List<ServerSentEvent> sse(ChangeFeed.Change change) throws JsonProcessingException {
    List<EventViews.View> views = EventViews.all(change.event());
    List<ServerSentEvent> events = new java.util.ArrayList<>(views.size());
    for (int i = 0; i < views.size(); i++) {
      EventViews.View view = views.get(i);
      String data = ApiJson.MAPPER.writeValueAsString(view.data());
      events.add(
          i == views.size() - 1
              ? ServerSentEvent.create(data, view.name(), Long.toString(change.ordering()))
              : ServerSentEvent.create(data, view.name()));
    }
    return events;
  }

  private static ByteString encode(ServerSentEvent event) {
    return ((org.apache.pekko.http.scaladsl.model.sse.ServerSentEvent) event).encode();
  }
}
