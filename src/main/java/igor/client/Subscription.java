package igor.client;

/** A live subscription to changes; closing it stops the stream and its reconnections. */
public interface Subscription extends AutoCloseable {

  /** The id of the last change handed to the listener (0 before the first). */
  long lastId();

  @Override
  void close();
}
