package igor.queue.redis;

/**
 * Where Igor's Redis is and how to connect to it: its URL ({@code rediss://} for TLS), password (""
 * for none), the key prefix of the installation, the size of the connection pool, and the PEM file
 * of CA certificates to trust for TLS ("" for the JVM's own). A node reads it from igor.redis
 * (igor.config.IgorSettings); a worker of the SDK builds it from what {@code Worker.connect} was
 * told. It lives here, not in igor.config, so that the worker SDK needs no configuration library.
 */
public record RedisSettings(
    String url, String password, String keyPrefix, int connectionPoolSize, String tlsCaFile) {

  /** Without TLS trust of its own (the JVM's CAs for a rediss:// URL). */
  public RedisSettings(String url, String password, String keyPrefix, int connectionPoolSize) {
    this(url, password, keyPrefix, connectionPoolSize, "");
  }
}
