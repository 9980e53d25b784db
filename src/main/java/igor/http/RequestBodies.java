package igor.http;

import java.util.function.Function;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.javadsl.unmarshalling.Unmarshaller;

/** Reads a request body as text, refusing one over the configured size (413). */
final class RequestBodies extends AllDirectives {
  private final long maxBodyBytes;

  RequestBodies(long maxBodyBytes) {
    this.maxBodyBytes = maxBodyBytes;
  }

  Route json(Function<String, Route> handler) {
    return withSizeLimit(
        maxBodyBytes,
        () ->
            entity(
                Unmarshaller.entityToString(),
                body -> {
                  if (body.isBlank()) {
                    throw ApiException.badRequest("body is empty: a JSON document is expected");
                  }
                  return handler.apply(body);
                }));
  }
}
