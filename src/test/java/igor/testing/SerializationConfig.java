package igor.testing;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;

/**
 * The configuration of Igor's serializers for actor test kits, resolved (pekko-serialization.conf
 * appends to Pekko's list of Jackson modules, which needs the reference configuration under it).
 */
public final class SerializationConfig {
  private SerializationConfig() {}

  /** Igor's serializers alone. */
  public static Config serializers() {
    return ConfigFactory.load(ConfigFactory.parseResources("pekko-serialization.conf"));
  }

  /** Igor's serializers under the event-sourced behaviour test kit's in-memory journal. */
  public static Config withTestJournal() {
    return ConfigFactory.load(
        EventSourcedBehaviorTestKit.config()
            .withFallback(ConfigFactory.parseResources("pekko-serialization.conf")));
  }
}
