package igor.cli;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Settings that come from the environment in a shape HOCON cannot read by itself. */
final class ConfigOverrides {
  private ConfigOverrides() {}

  /**
   * IGOR_SEED_NODES=host:port,host:port becomes pekko.cluster.seed-nodes; IGOR_NODE_ROLES=api,jobs
   * becomes igor.node.roles (and so the cluster roles).
   */
  static Map<String, Object> fromEnvironment(Map<String, String> env) {
    Map<String, Object> overrides = new HashMap<>();
    List<String> seeds = commaList(env.get("IGOR_SEED_NODES"));
    if (!seeds.isEmpty()) {
      overrides.put(
          "pekko.cluster.seed-nodes",
          seeds.stream().map(s -> s.startsWith("pekko://") ? s : "pekko://igor@" + s).toList());
    }
    List<String> roles = commaList(env.get("IGOR_NODE_ROLES"));
    if (!roles.isEmpty()) {
      overrides.put("igor.node.roles", roles);
    }
    return overrides;
  }

  private static List<String> commaList(String value) {
    List<String> items = new ArrayList<>();
    if (value != null) {
      for (String item : value.split(",")) {
        if (!item.isBlank()) {
          items.add(item.trim());
        }
      }
    }
    return items;
  }
}
