package igor.cli;

import com.typesafe.config.Config;
import igor.app.IgorNode;
import igor.config.IgorConfig;
import igor.config.IgorSettings;
import igor.devmode.EmbeddedPostgresServer;
import igor.devmode.EmbeddedRedisServer;
import igor.http.auth.TokenSources;
import igor.worker.builtin.BuiltinHandlers;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;

@Command(
    name = "dev",
    mixinStandardHelpOptions = true,
    description = {
      "Run everything in one process: a node, the API and a worker with the built-in task types"
          + " (noop, sleep, fail, echo). The API and the web UI listen on port 8100"
          + " (IGOR_HTTP_PORT) of 127.0.0.1 (IGOR_HTTP_HOST).",
      "Without IGOR_DATABASE_URL / IGOR_REDIS_URL it starts embedded PostgreSQL and Redis,"
          + " keeping their data under IGOR_DATA_DIR (default $HOME/.igor/dev). Ctrl-C stops the"
          + " node first (running tasks get 3 s, IGOR_WORKER_SHUTDOWN_GRACE, then go back to"
          + " their queue) and the embedded servers last."
    })
final class DevCommand implements Callable<Integer> {
  private static final String DEV_SHUTDOWN_GRACE = "3s";

  @Override
  public Integer call() throws Exception {
    dropProjectionStopLines();
    Map<String, String> env = System.getenv();
    Map<String, Object> overrides = new HashMap<>(ConfigOverrides.fromEnvironment(env));
    if (!env.containsKey("IGOR_NODE_ROLES")) {
      overrides.put("igor.node.roles", List.of("api", "jobs", "worker"));
    }
    if (!env.containsKey("IGOR_CLUSTER_PORT")) {
      overrides.put("pekko.remote.artery.canonical.port", 0);
    }
    if (!env.containsKey("IGOR_WORKER_SHUTDOWN_GRACE")) {
      // Ctrl-C should end `igor dev` within seconds: running handlers get 3 s, then their
      // attempts are given back and run again at the next start.
      overrides.put("igor.worker.shutdown-grace", DEV_SHUTDOWN_GRACE);
    }
    Path dataDir = IgorSettings.from(IgorConfig.load()).devDataDir();
    // Started in sessions of their own (a terminal's Ctrl-C does not reach them) and stopped
    // here, after the node: stopping them first would pull the database from under the node.
    List<AutoCloseable> embedded = new ArrayList<>();
    Thread shutdown = new Thread(() -> stop(null, Duration.ZERO, embedded), "igor-dev-shutdown");
    Runtime.getRuntime().addShutdownHook(shutdown);
    if (!env.containsKey("IGOR_DATABASE_URL")) {
      EmbeddedPostgresServer pg =
          EmbeddedPostgresServer.start(dataDir.resolve("postgres"), 0, false);
      embedded.add(pg);
      overrides.put("igor.database.url", pg.jdbcUrl("postgres"));
      overrides.put("igor.database.user", "postgres");
      overrides.put("igor.database.password", "");
    }
    if (!env.containsKey("IGOR_REDIS_URL")) {
      EmbeddedRedisServer redis = EmbeddedRedisServer.start(dataDir.resolve("redis"), 0, false);
      embedded.add(redis);
      overrides.put("igor.redis.url", redis.url());
    }
    Config config = IgorConfig.load(overrides);
    IgorNode node = IgorNode.start(config, BuiltinHandlers.all());
    Duration grace = IgorSettings.from(config).worker().shutdownGrace();
    Runtime.getRuntime()
        .addShutdownHook(new Thread(() -> stop(node, grace, embedded), "igor-dev-stop"));
    Runtime.getRuntime().removeShutdownHook(shutdown);
    boolean open =
        TokenSources.load(IgorSettings.from(IgorConfig.load(overrides)).auth()).isEmpty();
    printBanner(node.httpPort(), embedded.isEmpty() ? null : dataDir, open);
    node.awaitTermination();
    return 0;
  }

  /** The node first (its worker finishes or gives back its attempts), the embedded servers last. */
  private static void stop(IgorNode node, Duration grace, List<AutoCloseable> embedded) {
    long started = System.nanoTime();
    quietPekkoWhileStopping();
    if (node != null) {
      stopLoggingDeadLetters(node);
      System.out.println(
          "igor dev: stopping the node (running tasks get "
              + grace.toMillis() / 1000.0
              + " s to finish, then go back to their queue)");
      node.close();
    }
    if (!embedded.isEmpty()) {
      System.out.println("igor dev: stopping the embedded PostgreSQL and Redis");
    }
    for (AutoCloseable server : embedded) {
      try {
        server.close();
      } catch (Exception e) {
        System.err.println("igor dev: an embedded server did not stop: " + e.getMessage());
      }
    }
    System.out.printf("igor dev: stopped in %.1f s%n", (System.nanoTime() - started) / 1e9);
    System.out.flush();
  }

  /**
   * Messages to actors that are stopping are expected while the node stops, and Pekko's listener of
   * dead letters once threw on one while logging it (a NullPointerException with its stack in
   * DeadLetterListener): it is unsubscribed for the stop. (pekko.log-dead-letters-during-shutdown
   * takes effect only once the actor system terminates, after the worker's grace.)
   */
  private static void stopLoggingDeadLetters(IgorNode node) {
    org.apache.pekko.actor.ActorSystem classic = node.system().classicSystem();
    try {
      org.apache.pekko.actor.ActorRef listener =
          classic
              .actorSelection("/system/deadLetterListener")
              .resolveOne(Duration.ofSeconds(1))
              .toCompletableFuture()
              .get(2, java.util.concurrent.TimeUnit.SECONDS);
      classic.eventStream().unsubscribe(listener);
    } catch (Exception e) {
      // no listener to silence (dead letters not logged, or already stopped): nothing to do
    }
  }

  /** Pekko narrates its shutdown at INFO (about 25 lines): a Ctrl-C deserves a short log. */
  private static void quietPekkoWhileStopping() {
    org.slf4j.Logger pekkoLogger = LoggerFactory.getLogger("org.apache.pekko");
    if (pekkoLogger instanceof ch.qos.logback.classic.Logger pekko) {
      pekko.setLevel(ch.qos.logback.classic.Level.WARN);
    }
  }

  /**
   * pekko-projection-jdbc 1.0.0 prints "# stop ..." for each projection it stops on stdout (Scala's
   * Console, which takes System.out when first used, hence this is set up before the node starts).
   */
  private static void dropProjectionStopLines() {
    System.setOut(
        new PrintStream(new FileOutputStream(FileDescriptor.out), true) {
          @Override
          public void println(Object line) {
            if (!String.valueOf(line).startsWith("# stop org.apache.pekko.projection")) {
              super.println(line);
            }
          }

          @Override
          public void println(String line) {
            println((Object) line);
          }
        });
  }

  private static void printBanner(int port, Path dataDir, boolean open) {
    String url = "http://127.0.0.1:" + port;
    System.out.println();
    System.out.println(
        "Igor is running (dev mode: node + API + worker for noop, sleep, fail, echo)");
    System.out.println("  API:  " + url);
    if (dataDir != null) {
      System.out.println(
          "  data: " + dataDir.toAbsolutePath() + " (embedded PostgreSQL and Redis)");
    }
    System.out.println(
        "  try:  curl -s -X POST "
            + url
            + "/api/v1/jobs -d '{\"name\":\"hello\","
            + "\"layers\":[{\"tasks\":[{\"type\":\"echo\",\"args\":\"aGVsbG8=\"}]}]}'");
    System.out.println(
        open
            ? "  auth: OPEN, no API token configured (set IGOR_AUTH_TOKENS to require tokens)"
            : "  auth: tokens required (Authorization: Bearer <token>)");
    System.out.println("  Ctrl-C stops it.");
    System.out.println();
  }
}
