package igor.http;

import igor.http.auth.FailureLimiter;
import igor.http.auth.Principal;
import igor.http.auth.RateLimiter;
import igor.http.auth.Role;
import igor.http.auth.Tokens;
import java.util.Optional;
import java.util.function.Function;
import org.apache.pekko.http.javadsl.model.AttributeKeys;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpMethods;
import org.apache.pekko.http.javadsl.model.RemoteAddress;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * Who may call the API: a bearer token ({@code Authorization: Bearer <token>}, or {@code
 * access_token} in the query for clients that cannot set headers, such as a browser's EventSource)
 * whose role allows the method (GET needs read, everything else write), within the rate per
 * subject. With no tokens configured the API is open and every caller is {@link
 * Principal#ANONYMOUS}, but only for requests to the node's own names from no page or the node's
 * own pages ({@link OwnNames}: no cross-site requests, no DNS rebinding). With tokens, a client
 * address that sent too many wrong or missing tokens waits ({@link FailureLimiter}), whatever token
 * it sends next. The caller's subject reaches the routes as the header {@value #SUBJECT} (a
 * client's own header of that name is replaced).
 */
public final class Guard extends AllDirectives {
  public static final String SUBJECT = "X-Igor-Subject";
  private final Tokens tokens;
  private final RateLimiter limiter;
  private final FailureLimiter failures;
  private final OwnNames names;

  Guard(Tokens tokens, RateLimiter limiter, FailureLimiter failures, OwnNames names) {
    this.tokens = tokens;
    this.limiter = limiter;
    this.failures = failures;
    this.names = names;
  }

  /** The node listens on this port: its own names carry it. */
  void boundTo(int port) {
    names.boundTo(port);
  }

  public boolean isOpen() {
    return tokens.isEmpty();
  }

  /** Lets the request through to {@code inner} when its caller may make it. */
  public Route protect(java.util.function.Supplier<Route> inner) {
    return extractRequest(
        request -> {
          if (isOpen()) {
            return names
                .refusal(
                    request.getHeader("Host").map(HttpHeader::value),
                    request.getHeader("Origin").map(HttpHeader::value))
                .map(why -> complete(ApiJson.error(403, why)))
                .orElseGet(() -> withSubject(Principal.ANONYMOUS, inner));
          }
          Role needed =
              request.method().equals(HttpMethods.GET)
                  ? Role.READ
                  : request.getUri().path().startsWith("/api/v1/limits") ? Role.ADMIN : Role.WRITE;
          Optional<String> token =
              bearer(request.getHeader("Authorization").map(HttpHeader::value))
                  .or(() -> request.getUri().query().get("access_token"));
          String client =
              FailureLimiter.key(
                  request
                      .getAttribute(AttributeKeys.remoteAddress)
                      .flatMap(RemoteAddress::getAddress)
                      .orElse(null));
          return check(needed, token, client, principal -> withSubject(principal, inner));
        });
  }

  private Route check(
      Role needed, Optional<String> token, String client, Function<Principal, Route> inner) {
    long now = System.nanoTime();
    long locked = failures.secondsToWait(client, now);
    if (locked > 0) {
      return complete(
          ApiJson.error(
                  429,
                  "too many wrong or missing tokens from this address"
                      + " (igor.auth.failures-per-minute); retry after "
                      + locked
                      + " s")
              .addHeader(RawHeader.create("Retry-After", String.valueOf(locked))));
    }
    Optional<Principal> principal = token.flatMap(tokens::authenticate);
    if (principal.isEmpty()) {
      failures.failed(client, now);
      return complete(
          ApiJson.error(
                  401, token.isEmpty() ? "a bearer token is required" : "the token is not valid")
              .addHeader(RawHeader.create("WWW-Authenticate", "Bearer realm=\"igor\"")));
    }
    Principal p = principal.get();
    if (!p.role().allows(needed)) {
      return complete(
          ApiJson.error(
              403,
              "the token of "
                  + p.subject()
                  + " has role "
                  + name(p.role())
                  + "; this request needs "
                  + name(needed)));
    }
    long wait = limiter.secondsToWait(p.subject(), now);
    if (wait > 0) {
      return complete(
          ApiJson.error(
                  429,
                  "too many requests from "
                      + p.subject()
                      + " (igor.auth.requests-per-second); retry after "
                      + wait
                      + " s")
              .addHeader(RawHeader.create("Retry-After", String.valueOf(wait))));
    }
    return inner.apply(p);
  }

  /** Passes the caller's subject on, and takes the token out of the query (routes never see it). */
  private Route withSubject(Principal principal, java.util.function.Supplier<Route> inner) {
    return mapRequest(
        r -> {
          var uri = r.getUri();
          if (uri.query().get("access_token").isPresent()) {
            var kept =
                uri.query().toList().stream()
                    .filter(p -> !p.first().equals("access_token"))
                    .toList();
            uri = uri.query(org.apache.pekko.http.javadsl.model.Query.create(kept));
          }
          return r.withUri(uri)
              .removeHeader(SUBJECT)
              .addHeader(RawHeader.create(SUBJECT, principal.subject()));
        },
        inner);
  }

  private static Optional<String> bearer(Optional<String> header) {
    return header
        .filter(h -> h.regionMatches(true, 0, "Bearer ", 0, 7))
        .map(h -> h.substring(7).trim());
  }

  private static String name(Role role) {
    return role.name().toLowerCase(java.util.Locale.ROOT);
  }
}
