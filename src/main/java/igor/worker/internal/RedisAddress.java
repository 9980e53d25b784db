package igor.worker.internal;

/**
 * Where a worker that connects by itself finds Igor's Redis: its URL, password, key prefix, and the
 * PEM file of CA certificates to trust for a rediss:// URL ("" for the JVM's own).
 */
public record RedisAddress(String url, String password, String keyPrefix, String caFile) {}
