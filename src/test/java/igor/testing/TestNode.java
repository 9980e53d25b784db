package igor.testing;

import igor.app.IgorNode;
import igor.config.IgorConfig;
import igor.tracing.NodeTracing;
import igor.worker.api.TaskHandler;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Starts real Igor nodes on a test's own database and Redis prefix, on free ports. */
public final class TestNode {
  private TestNode() {}

  public static Map<String, Object> overrides(TestDatabase db, TestRedis redis) {
    return overrides(db.url(), db.user(), redis);
  }

  /** The settings of a test node on this database (a JDBC URL) and Redis prefix. */
  public static Map<String, Object> overrides(String databaseUrl, String user, TestRedis redis) {
    Map<String, Object> o = new HashMap<>();
    o.put("igor.database.url", databaseUrl);
    o.put("igor.database.user", user);
    o.put("igor.database.password", "");
    o.put("igor.redis.url", redis.url());
    o.put("igor.redis.key-prefix", redis.prefix());
    o.put("igor.http.port", 0);
    o.put("igor.node.roles", List.of("api", "jobs", "worker"));
    o.put("igor.reports.reclaim-after", "2s");
    // shorter than reclaim-after, as a node requires (a batch applied late is sent again)
    o.put("igor.reports.apply-timeout", "1500ms");
    o.put("igor.reports.poll-wait", "200ms");
    o.put("igor.worker.poll-wait", "200ms");
    o.put("igor.jobs.retry-initial-delay", "100ms");
    o.put("igor.jobs.retry-max-delay", "500ms");
    o.put("pekko.remote.artery.canonical.port", 0);
    o.put("pekko.loglevel", "WARNING");
    return o;
  }

  public static IgorNode start(
      TestDatabase db, TestRedis redis, List<TaskHandler> handlers, Map<String, Object> extra) {
    Map<String, Object> o = overrides(db, redis);
    o.putAll(extra);
    return IgorNode.start(IgorConfig.load(o), handlers);
  }

  /** A node that traces with {@code tracing} (docs/operations.md#tracing). */
  public static IgorNode start(
      TestDatabase db,
      TestRedis redis,
      List<TaskHandler> handlers,
      Map<String, Object> extra,
      NodeTracing tracing) {
    Map<String, Object> o = overrides(db, redis);
    o.putAll(extra);
    return IgorNode.start(IgorConfig.load(o), handlers, tracing);
  }

  public static IgorNode start(TestDatabase db, TestRedis redis, List<TaskHandler> handlers) {
    return start(db, redis, handlers, Map.of());
  }

  /** A node on a database and Redis prefix of its own, with its API; closing removes all three. */
  public record Running(TestDatabase db, TestRedis redis, IgorNode node, HttpApi api)
      implements AutoCloseable {
    @Override
    public void close() {
      node.close();
      redis.close();
      db.close();
    }
  }

  public static Running running(List<TaskHandler> handlers) {
    return running(handlers, Map.of());
  }

  /** The same, with settings of the test's own. */
  public static Running running(List<TaskHandler> handlers, Map<String, Object> extra) {
    TestDatabase db = TestDatabase.create();
    TestRedis redis = TestRedis.create();
    IgorNode node;
    try {
      node = start(db, redis, handlers, extra);
    } catch (RuntimeException | Error e) {
      // a node refused at start (the tests of bad settings) leaves no database or keys behind
      redis.close();
      db.close();
      throw e;
    }
    return new Running(db, redis, node, new HttpApi(node.httpPort()));
  }
}
