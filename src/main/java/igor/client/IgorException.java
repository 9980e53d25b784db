package igor.client;

/**
 * Igor refused a request or could not be reached. {@link #status()} is the HTTP status (0 when no
 * answer came) and {@link #error()} the {@code error} of the JSON answer. Catch a subclass for one
 * case: {@link BadRequest} (400), {@link NotFound} (404), {@link Conflict} (409), {@link TooLarge}
 * (413), {@link Unavailable} (503, or no answer), {@link TimedOut} (a wait ran out).
 */
public class IgorException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final int status;
  private final String error;

  /**
   * An error of this HTTP status and message.
   *
   * @param status the HTTP status, or 0 when there was no answer
   * @param error what Igor (or the client) said went wrong
   */
  public IgorException(int status, String error) {
    this(status, error, null);
  }

  /**
   * An error of this HTTP status and message, caused by another.
   *
   * @param status the HTTP status, or 0 when there was no answer
   * @param error what Igor (or the client) said went wrong
   * @param cause what caused it, or null
   */
  public IgorException(int status, String error, Throwable cause) {
    super(status > 0 ? error + " (HTTP " + status + ")" : error, cause);
    this.status = status;
    this.error = error;
  }

  /** The HTTP status of the answer, or 0 when no answer came. */
  public int status() {
    return status;
  }

  /** The {@code error} of Igor's JSON answer (or the client's own description). */
  public String error() {
    return error;
  }

  /** The exception for an answer of this status. */
  public static IgorException of(int status, String error) {
    return switch (status) {
      case 400 -> new BadRequest(error);
      case 404 -> new NotFound(error);
      case 409 -> new Conflict(error);
      case 413 -> new TooLarge(error);
      case 502, 503, 504 -> new Unavailable(status, error, null);
      default -> new IgorException(status, error);
    };
  }

  /** 400: the request is wrong whatever the state (a field, a filter, an id). */
  public static final class BadRequest extends IgorException {
    private static final long serialVersionUID = 1L;

    /**
     * @param error Igor's message
     */
    public BadRequest(String error) {
      super(400, error);
    }
  }

  /** 404: no job, layer or task of that id. */
  public static final class NotFound extends IgorException {
    private static final long serialVersionUID = 1L;

    /**
     * @param error Igor's message
     */
    public NotFound(String error) {
      super(404, error);
    }
  }

  /** 409: the current state forbids it (e.g. adding tasks to a layer that has started). */
  public static final class Conflict extends IgorException {
    private static final long serialVersionUID = 1L;

    /**
     * @param error Igor's message
     */
    public Conflict(String error) {
      super(409, error);
    }
  }

  /** 413: over a configured limit (the message names the setting). */
  public static final class TooLarge extends IgorException {
    private static final long serialVersionUID = 1L;

    /**
     * @param error Igor's message
     */
    public TooLarge(String error) {
      super(413, error);
    }
  }

  /** 503 (not ready, a job did not answer in time), or Igor could not be reached (status 0). */
  public static final class Unavailable extends IgorException {
    private static final long serialVersionUID = 1L;

    /**
     * @param status the HTTP status, or 0 when no answer came
     * @param error what went wrong
     * @param cause the I/O problem, or null
     */
    public Unavailable(int status, String error, Throwable cause) {
      super(status, error, cause);
    }
  }

  /** A wait ({@link Igor#awaitJob}) ran out before the job got where it was awaited. */
  public static final class TimedOut extends IgorException {
    private static final long serialVersionUID = 1L;
    private final transient Job last;

    /**
     * @param error what was awaited
     * @param last the job as last seen, or null
     */
    public TimedOut(String error, Job last) {
      super(0, error);
      this.last = last;
    }

    /** The job as last seen, or null if it was never read. */
    public Job last() {
      return last;
    }
  }
}
