package igor.testing;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Nodes of a cluster as separate {@code igor server} processes on this machine, for the tests that
 * kill one: each with its own HTTP and cluster port, all seeded by every cluster port, on the
 * test's database and Redis prefix, with the default settings otherwise.
 */
public final class ClusterProcesses {
  private ClusterProcesses() {}

  /**
   * Starts node {@code index} of the cluster whose members listen on {@code clusterPorts}; its log
   * goes to {@code log}.
   */
  public static IgorProcess startServer(
      String name,
      int index,
      int[] httpPorts,
      int[] clusterPorts,
      TestDatabase db,
      TestRedis redis,
      Path log) {
    String seeds =
        Arrays.stream(clusterPorts)
            .mapToObj(p -> "127.0.0.1:" + p)
            .collect(Collectors.joining(","));
    Map<String, String> env = new HashMap<>();
    env.put("IGOR_NODE_ROLES", "api,jobs");
    env.put("IGOR_HTTP_PORT", String.valueOf(httpPorts[index]));
    env.put("IGOR_CLUSTER_HOST", "127.0.0.1");
    env.put("IGOR_CLUSTER_PORT", String.valueOf(clusterPorts[index]));
    env.put("IGOR_SEED_NODES", seeds);
    env.put("IGOR_DATABASE_URL", db.url());
    env.put("IGOR_DATABASE_USER", db.user());
    env.put("IGOR_REDIS_URL", redis.url());
    env.put("IGOR_REDIS_KEY_PREFIX", redis.prefix());
    // No token: these tests are about the cluster; AuthTest is about tokens.
    env.put("IGOR_AUTH_ALLOW_OPEN", "true");
    return IgorProcess.start(name, "server", env, List.of("-Xmx384m"), log);
  }

  /** Waits until the node answers /readyz with 200; fails with its log's tail if it exits. */
  public static void awaitReady(IgorProcess node, HttpApi api, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!node.isAlive()) {
        throw new AssertionError(node.name() + " exited\n" + node.logTail());
      }
      try {
        if (api.get("/readyz").status() == 200) {
          return;
        }
      } catch (IllegalStateException notListeningYet) {
        // the JVM is still starting
      }
      try {
        Thread.sleep(250);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    throw new AssertionError(node.name() + " not ready within " + timeout + "\n" + node.logTail());
  }
}
