package igor.service;

/**
 * A change of a flow-control limit recorded in PostgreSQL that Redis, the live copy, did not take:
 * the change stands and holds once a node puts Redis back in line (every lease check), or when the
 * same change is asked again.
 */
public final class LimitNotLiveException extends RuntimeException {
  public LimitNotLiveException(String message, Throwable cause) {
    super(message, cause);
  }
}
