package igor.cli;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Settings that come from the environment in a shape HOCON cannot read by itself. */
final class ConfigOverrides {
  private ConfigOverrides() {}

  /** IGOR_SEED_NODES=host:port,host:port becomes pekko.cluster.seed-nodes. */
  static Map<String, Object> fromEnvironment(Map<String, String> env) {
    Map<String, Object> overrides = new HashMap<>();
    String seeds = env.getOrDefault("IGOR_SEED_NODES", "").trim();
    if (!seeds.isEmpty()) {
      List<String> addresses = new ArrayList<>();
      for (String seed : seeds.split(",")) {
        String s = seed.trim();
        if (!s.isEmpty()) {
          addresses.add(s.startsWith("pekko://") ? s : "pekko://igor@" + s);
        }
      }
      overrides.put("pekko.cluster.seed-nodes", addresses);
    }
    return overrides;
  }
}
