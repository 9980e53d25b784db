package igor.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.util.Map;

/** Loads the configuration: application.conf with the environment, under given overrides. */
public final class IgorConfig {
  private IgorConfig() {}

  public static Config load() {
    return load(Map.of());
  }

  /**
   * Overrides win over application.conf and the environment, and values that refer to them (the
   * journal's database URL refers to {@code igor.database.url}) follow.
   */
  public static Config load(Map<String, ?> overrides) {
    ConfigFactory.invalidateCaches();
    return ConfigFactory.load(
        ConfigFactory.parseMap(overrides)
            .withFallback(ConfigFactory.parseResources("application.conf")));
  }
}
