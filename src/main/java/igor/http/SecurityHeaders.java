package igor.http;

import java.util.List;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;

/**
 * The headers every answer of a node carries, the UI's pages, the API's JSON and the errors of
 * pekko-http's parser alike. The UI loads its script, style and data from the node only, inline
 * script and style attributes included (none is needed); no page may frame it; no address leaks to
 * another site in a Referer; and no browser guesses a type other than the one sent.
 */
final class SecurityHeaders {
  static final String CONTENT_SECURITY_POLICY =
      "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none';"
          + " form-action 'self'; frame-ancestors 'none'";
  static final List<HttpHeader> ALL =
      List.of(
          RawHeader.create("Content-Security-Policy", CONTENT_SECURITY_POLICY),
          RawHeader.create("X-Frame-Options", "DENY"),
          RawHeader.create("Referrer-Policy", "no-referrer"),
          RawHeader.create("X-Content-Type-Options", "nosniff"));

  private SecurityHeaders() {}

  static HttpResponse addTo(HttpResponse response) {
    HttpResponse r = response;
    for (HttpHeader h : ALL) {
      r = r.removeHeader(h.name()).addHeader(h);
    }
    return r;
  }
}
