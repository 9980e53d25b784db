package igor.domain;

/**
 * Why a command was refused. The kind says how the edge should answer (400, 404, 409, 413 or 503).
 */
public record Rejection(Kind kind, String reason) {

  public enum Kind {
    /** The request itself is wrong: it would be wrong whatever the state. */
    INVALID,
    /** It names something that does not exist. */
    NOT_FOUND,
    /** The current state forbids it (e.g. adding tasks to a running layer). */
    CONFLICT,
    /** It would take the job over a configured limit. */
    TOO_LARGE,
    /** The job cannot act now (it could not be recovered); the reason says why. */
    UNAVAILABLE
  }

  public static Rejection invalid(String reason) {
    return new Rejection(Kind.INVALID, reason);
  }

  public static Rejection notFound(String reason) {
    return new Rejection(Kind.NOT_FOUND, reason);
  }

  public static Rejection conflict(String reason) {
    return new Rejection(Kind.CONFLICT, reason);
  }

  public static Rejection tooLarge(String reason) {
    return new Rejection(Kind.TOO_LARGE, reason);
  }

  public static Rejection unavailable(String reason) {
    return new Rejection(Kind.UNAVAILABLE, reason);
  }
}
