package igor.service;

/**
 * A read that must see the writes answered before it found the read model still behind them when
 * its wait ran out (igor.reads.wait-for-writes). Nothing is wrong but time: the read may be asked
 * again.
 */
public final class ReadModelBehindException extends RuntimeException {
  public ReadModelBehindException(String message) {
    super(message);
  }
}
