package igor.testing;

import igor.app.IgorNode;
import igor.worker.api.TaskHandler;
import java.io.IOException;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Igor nodes in one JVM forming one cluster on 127.0.0.1: each its own ActorSystem on its own
 * Artery port, all listing the same seeds, on one test database and Redis prefix. The split-brain
 * resolver decides after 3 s of stability.
 */
public final class TestCluster implements AutoCloseable {
  /** One node's configuration: its roles and anything else. */
  public record Spec(List<String> roles, List<TaskHandler> handlers, Map<String, Object> extra) {}

  private final TestDatabase db;
  private final TestRedis redis;
  private final List<Integer> ports;
  private final Map<String, Object> common;
  private final List<IgorNode> nodes = new ArrayList<>();

  private TestCluster(TestDatabase db, TestRedis redis, List<Integer> ports, Map<String, Object> common) {
    this.db = db;
    this.redis = redis;
    this.ports = ports;
    this.common = common;
  }

  /**
   * Starts one node per spec. The first is started alone (it is the first seed and forms the
   * cluster); the others then start at once.
   */
  public static TestCluster start(
      TestDatabase db, TestRedis redis, Map<String, Object> common, List<Spec> specs) {
    List<Integer> ports = new ArrayList<>();
    for (int i = 0; i < specs.size(); i++) {
      ports.add(freePort());
    }
    TestCluster cluster = new TestCluster(db, redis, ports, common);
    cluster.nodes.add(cluster.startNode(0, specs.get(0)));
    List<CompletableFuture<IgorNode>> others = new ArrayList<>();
    for (int i = 1; i < specs.size(); i++) {
      int index = i;
      others.add(CompletableFuture.supplyAsync(() -> cluster.startNode(index, specs.get(index))));
    }
    others.forEach(f -> cluster.nodes.add(f.join()));
    return cluster;
  }

  /** Starts node {@code index} (again), on its own port, with the same seeds. */
  public IgorNode startNode(int index, Spec spec) {
    Map<String, Object> o = new HashMap<>(common);
    o.put("pekko.remote.artery.canonical.port", ports.get(index));
    o.put("pekko.cluster.seed-nodes", ports.stream().map(p -> "pekko://igor@127.0.0.1:" + p).toList());
    o.put("pekko.cluster.split-brain-resolver.stable-after", "3s");
    o.put("pekko.cluster.jmx.multi-mbeans-in-same-jvm", "on");
    o.put("igor.node.roles", spec.roles());
    o.putAll(spec.extra());
    IgorNode node = TestNode.start(db, redis, spec.handlers(), o);
    if (index < nodes.size()) {
      nodes.set(index, node);
    }
    return node;
  }

  public IgorNode node(int index) {
    return nodes.get(index);
  }

  public HttpApi api(int index) {
    return new HttpApi(nodes.get(index).httpPort());
  }

  public int port(int index) {
    return ports.get(index);
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    List<CompletableFuture<Void>> stops = new ArrayList<>();
    for (IgorNode node : nodes) {
      stops.add(CompletableFuture.runAsync(node::close));
    }
    stops.forEach(CompletableFuture::join);
  }
}
