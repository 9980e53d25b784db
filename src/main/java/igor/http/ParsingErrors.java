package igor.http;

import org.apache.pekko.event.LoggingAdapter;
import org.apache.pekko.http.ParsingErrorHandler;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.scaladsl.model.ErrorInfo;
import org.apache.pekko.http.scaladsl.model.StatusCode;
import org.apache.pekko.http.scaladsl.settings.ServerSettings;

/**
 * The answer to a request pekko-http cannot parse, before any route sees it (a URI or headers over
 * the limits: 414, 431; an unknown method: 501; a bad escape, request line or header: 400; an
 * unknown HTTP version: 505): the API's JSON error, with the headers of every answer. Named by
 * {@code pekko.http.server.parsing.error-handler} (pekko-http.conf), which makes it with its
 * no-argument constructor.
 */
public final class ParsingErrors extends ParsingErrorHandler {
  @Override
  public HttpResponse handle(
      StatusCode status, ErrorInfo error, LoggingAdapter log, ServerSettings settings) {
    String summary = error.summary().isEmpty() ? status.reason() : error.summary();
    String detail = error.detail().lines().findFirst().orElse("");
    String message = detail.isEmpty() ? summary : summary + ": " + detail;
    if (log.isDebugEnabled()) {
      log.debug(
          "request refused by the HTTP parser status={} problem={}", status.intValue(), message);
    }
    return SecurityHeaders.addTo(ApiJson.error(status.intValue(), message));
  }
}
