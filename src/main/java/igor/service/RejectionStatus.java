package igor.service;

import igor.domain.Rejection;

/**
 * The status of each kind of refusal, the same over HTTP and in-cluster: 400, 404, 409, 413 and 503
 * (SEMANTICS.md section 5).
 */
public final class RejectionStatus {
  private RejectionStatus() {}

  public static int of(Rejection.Kind kind) {
    return switch (kind) {
      case INVALID -> 400;
      case NOT_FOUND -> 404;
      case CONFLICT -> 409;
      case TOO_LARGE -> 413;
      case UNAVAILABLE -> 503;
    };
  }
}
