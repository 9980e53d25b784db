package igor.http;

import igor.domain.Rejection;
import igor.service.LimitNotLiveException;
import igor.service.ReadModelBehindException;
import igor.service.RejectionStatus;
import igor.storage.StorageUnavailableException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import org.apache.pekko.http.javadsl.model.HttpEntity;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.server.Directives;
import org.apache.pekko.http.javadsl.server.ExceptionHandler;
import org.apache.pekko.http.javadsl.server.MalformedRequestContentRejection;
import org.apache.pekko.http.javadsl.server.RejectionHandler;
import org.apache.pekko.http.scaladsl.model.EntityStreamSizeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place that turns what went wrong into an HTTP answer: a JSON {@code {"error": ...}} with
 * 400, 404, 409, 413 or 503, and never a stack trace.
 */
public final class ApiErrors {
  private static final Logger log = LoggerFactory.getLogger(ApiErrors.class);

  private ApiErrors() {}

  /** The HTTP status of a kind of rejection: the API's and the in-cluster API's. */
  static HttpResponse of(Rejection rejection) {
    return ApiJson.error(RejectionStatus.of(rejection.kind()), rejection.reason());
  }

  static HttpResponse of(Throwable failure) {
    Throwable cause = unwrap(failure);
    if (cause instanceof ApiException e) {
      return ApiJson.error(e.status(), e.getMessage());
    }
    if (cause instanceof EntityStreamSizeException e) {
      return ApiJson.error(
          413,
          "request body is over the limit of " + e.limit() + " bytes (igor.limits.max-body-bytes)");
    }
    if (cause instanceof TimeoutException) {
      return ApiJson.error(
          503,
          "the job did not answer in time; a change asked for may still be made, so read before"
              + " asking again");
    }
    if (cause instanceof ReadModelBehindException) {
      return ApiJson.error(503, cause.getMessage());
    }
    if (cause instanceof LimitNotLiveException) {
      return ApiJson.error(503, cause.getMessage());
    }
    if (cause instanceof StorageUnavailableException) {
      log.warn("database call failed problem={}", cause.toString());
      return ApiJson.error(503, "the database is not reachable; nothing was changed, try again");
    }
    log.error("request failed", cause);
    return ApiJson.error(500, "internal error: " + cause.getClass().getSimpleName());
  }

  /** True when the failure is a job's answer that did not come in time. */
  static boolean isTimeout(Throwable failure) {
    return unwrap(failure) instanceof TimeoutException;
  }

  private static Throwable unwrap(Throwable t) {
    Throwable cause = t;
    while ((cause instanceof CompletionException || cause instanceof ExecutionException)
        && cause.getCause() != null) {
      cause = cause.getCause();
    }
    if (cause.getCause() instanceof EntityStreamSizeException size) {
      return size;
    }
    return cause;
  }

  static ExceptionHandler exceptionHandler() {
    return ExceptionHandler.newBuilder()
        .match(Throwable.class, e -> Directives.complete(of(e)))
        .build();
  }

  /**
   * Pekko's own rejections (unknown path, wrong method, ...) keep their status and headers (the
   * Allow of a 405), in JSON.
   */
  static RejectionHandler rejectionHandler() {
    RejectionHandler ours =
        RejectionHandler.newBuilder()
            .handle(
                MalformedRequestContentRejection.class,
                r ->
                    Directives.complete(
                        r.getCause() instanceof EntityStreamSizeException
                            ? of(r.getCause())
                            : ApiJson.error(400, "request body could not be read: " + r.message())))
            .build();
    return ours.withFallback(defaultAsJson());
  }

  private static RejectionHandler defaultAsJson() {
    return RejectionHandler.defaultHandler()
        .mapRejectionResponse(
            response -> {
              if (response.entity() instanceof HttpEntity.Strict strict
                  && !strict.getContentType().mediaType().isApplication()) {
                return ApiJson.error(response.status().intValue(), strict.getData().utf8String())
                    .addHeaders(response.getHeaders());
              }
              return response;
            });
  }
}
