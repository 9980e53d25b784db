package igor.http;

import java.util.List;
import java.util.regex.Pattern;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * The web UI: static files from the jar ({@code src/main/resources/ui/}) under {@code /ui/}, and
 * {@code index.html} at {@code /} and at the UI's own pages ({@code /jobs/...}, {@code /submit}),
 * which the browser's script then draws from API v1. It is mounted after the API, so API paths keep
 * priority, and paths that are neither stay a JSON 404.
 *
 * <p>The files have no hash in their names, so every answer says {@code Cache-Control: no-cache}
 * with a {@code Last-Modified} and {@code ETag}: the browser keeps its copy and revalidates it (a
 * 304), and a new version of Igor is seen at the next load. The security headers (a
 * Content-Security-Policy among them) are added to every answer by {@link SecurityHeaders}.
 */
final class UiRoutes extends AllDirectives {
  private static final String ROOT = "ui/";

  /** What a file under /ui/ may be called: no "..", no directories, a known type. */
  private static final Pattern FILE =
      Pattern.compile("[a-z0-9_-]+(/[a-z0-9_-]+)*\\.(html|js|css|svg)");

  private static final List<HttpHeader> HEADERS =
      List.of(RawHeader.create("Cache-Control", "no-cache"));

  Route route() {
    return respondWithHeaders(
        HEADERS,
        () ->
            concat(
                pathSingleSlash(this::index),
                path("submit", this::index),
                path("reference", this::index),
                path("dashboard", this::index),
                path("workers", this::index),
                pathPrefix("jobs", this::index),
                pathPrefix(
                    "ui",
                    () ->
                        path(
                            PathMatchers.remaining(),
                            file ->
                                FILE.matcher(file).matches()
                                    ? get(() -> getFromResource(ROOT + file))
                                    : reject()))));
  }

  private Route index() {
    return get(() -> getFromResource(ROOT + "index.html"));
  }
}
