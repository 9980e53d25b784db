package igor.storage;

/** The database could not be reached or did not answer: the request may be tried again. */
public final class StorageUnavailableException extends RuntimeException {
  public StorageUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
