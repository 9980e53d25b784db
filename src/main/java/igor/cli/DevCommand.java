package igor.cli;

import igor.app.IgorNode;
import igor.config.IgorConfig;
import igor.config.IgorSettings;
import igor.devmode.EmbeddedPostgresServer;
import igor.devmode.EmbeddedRedisServer;
import igor.http.auth.TokenSources;
import igor.worker.builtin.BuiltinHandlers;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

@Command(
    name = "dev",
    mixinStandardHelpOptions = true,
    description = {
      "Run everything in one process: a node, the API and a worker with the built-in types.",
      "Without IGOR_DATABASE_URL / IGOR_REDIS_URL it starts embedded PostgreSQL and Redis,",
      "keeping their data under IGOR_DATA_DIR (default ~/.igor/dev)."
    })
final class DevCommand implements Callable<Integer> {

  @Override
  public Integer call() throws Exception {
    Map<String, String> env = System.getenv();
    Map<String, Object> overrides = new HashMap<>(ConfigOverrides.fromEnvironment(env));
    if (!env.containsKey("IGOR_NODE_ROLES")) {
      overrides.put("igor.node.roles", List.of("api", "jobs", "worker"));
    }
    if (!env.containsKey("IGOR_CLUSTER_PORT")) {
      overrides.put("pekko.remote.artery.canonical.port", 0);
    }
    Path dataDir = IgorSettings.from(IgorConfig.load()).devDataDir();
    List<AutoCloseable> embedded = new ArrayList<>();
    if (!env.containsKey("IGOR_DATABASE_URL")) {
      EmbeddedPostgresServer pg = EmbeddedPostgresServer.start(dataDir.resolve("postgres"));
      embedded.add(pg);
      overrides.put("igor.database.url", pg.jdbcUrl("postgres"));
      overrides.put("igor.database.user", "postgres");
      overrides.put("igor.database.password", "");
    }
    if (!env.containsKey("IGOR_REDIS_URL")) {
      EmbeddedRedisServer redis = EmbeddedRedisServer.start(dataDir.resolve("redis"));
      embedded.add(0, redis);
      overrides.put("igor.redis.url", redis.url());
    }
    IgorNode node = IgorNode.start(IgorConfig.load(overrides), BuiltinHandlers.all());
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  node.close();
                  for (AutoCloseable server : embedded) {
                    try {
                      server.close();
                    } catch (Exception e) {
                      System.err.println("embedded server did not stop: " + e.getMessage());
                    }
                  }
                },
                "igor-dev-shutdown"));
    boolean open = TokenSources.load(IgorSettings.from(IgorConfig.load(overrides)).auth()).isEmpty();
    printBanner(node.httpPort(), embedded.isEmpty() ? null : dataDir, open);
    node.awaitTermination();
    return 0;
  }

  private static void printBanner(int port, Path dataDir, boolean open) {
    String url = "http://127.0.0.1:" + port;
    System.out.println();
    System.out.println("Igor is running (dev mode: node + API + worker for noop, sleep, fail, echo)");
    System.out.println("  API:  " + url);
    if (dataDir != null) {
      System.out.println("  data: " + dataDir.toAbsolutePath() + " (embedded PostgreSQL and Redis)");
    }
    System.out.println("  try:  curl -s -X POST " + url + "/api/v1/jobs -d '{\"name\":\"hello\","
        + "\"layers\":[{\"tasks\":[{\"type\":\"echo\",\"args\":\"aGVsbG8=\"}]}]}'");
    System.out.println(
        open
            ? "  auth: OPEN, no API token configured (set IGOR_AUTH_TOKENS to require tokens)"
            : "  auth: tokens required (Authorization: Bearer <token>)");
    System.out.println("  Ctrl-C stops it.");
    System.out.println();
  }
}
