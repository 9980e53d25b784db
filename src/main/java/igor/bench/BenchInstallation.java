package igor.bench;

import igor.app.IgorNode;
import igor.config.IgorConfig;
import igor.config.IgorSettings;
import igor.queue.redis.RedisQueues;
import igor.storage.jdbc.JdbcStorage;
import igor.worker.builtin.BuiltinHandlers;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A throw-away Igor for measuring: a database and a Redis key prefix of its own on the configured
 * PostgreSQL and Redis, and a node (api, jobs and a worker of the built-in types) in this JVM.
 * Closing it stops the node, drops the database and deletes the keys.
 */
final class BenchInstallation implements AutoCloseable {
  private final IgorSettings base;
  private final String databaseName;
  private final Map<String, Object> overrides = new HashMap<>();
  private IgorNode node;

  /** On the configured PostgreSQL and Redis. */
  BenchInstallation(String name) {
    this(name, Map.of());
  }

  /** {@code settings}: where PostgreSQL (a database to create others from) and Redis are. */
  BenchInstallation(String name, Map<String, Object> settings) {
    base = IgorSettings.from(IgorConfig.load(settings));
    overrides.putAll(settings);
    databaseName = "igor_" + name + "_" + System.currentTimeMillis();
    String url =
        JdbcStorage.createDatabase(
            base.database().url(),
            base.database().user(),
            base.database().password(),
            databaseName);
    overrides.put("igor.database.url", url);
    overrides.put("igor.redis.key-prefix", "igor" + name + "-" + System.currentTimeMillis());
    overrides.put("igor.http.port", 0);
    overrides.put("igor.node.roles", List.of("api", "jobs", "worker"));
    overrides.put("igor.limits.max-tasks-per-job", 200_000);
    overrides.put("igor.auth.tokens", "");
    overrides.put("igor.auth.requests-per-second", 0);
    overrides.put("pekko.remote.artery.canonical.port", 0);
    overrides.put("pekko.loglevel", "WARNING");
  }

  String databaseName() {
    return databaseName;
  }

  /** Starts the node (again, after {@link #stopNode()}); answers its API's base URL. */
  String startNode() {
    node = IgorNode.start(IgorConfig.load(overrides), BuiltinHandlers.all());
    return "http://127.0.0.1:" + node.httpPort();
  }

  void stopNode() {
    if (node != null) {
      node.close();
      node = null;
    }
  }

  /** The settings of the installation's database. */
  IgorSettings.Database database() {
    return IgorSettings.from(IgorConfig.load(overrides)).database();
  }

  /** The version of the PostgreSQL server the installation runs on. */
  String postgresVersion() {
    try (JdbcStorage storage = JdbcStorage.open(database())) {
      return storage.serverVersion();
    }
  }

  /** The version of the Redis server the installation runs on. */
  String redisVersion() {
    try (RedisQueues redis = redis()) {
      return redis.serverVersion();
    }
  }

  /** Measures what the installation takes in Redis, PostgreSQL and this JVM; close it after. */
  Footprint footprint() {
    return new Footprint(redis(), JdbcStorage.open(database()));
  }

  /** A connection to the installation's Redis, with a worker's channel as the bench's worker. */
  RedisQueues redis() {
    return RedisQueues.open(
        IgorSettings.from(IgorConfig.load(overrides)).redis(), Duration.ofMinutes(1));
  }

  @Override
  public void close() {
    stopNode();
    JdbcStorage.dropDatabase(
        base.database().url(), base.database().user(), base.database().password(), databaseName);
    try (RedisQueues redis = redis()) {
      redis.deleteEverything();
    }
  }
}
