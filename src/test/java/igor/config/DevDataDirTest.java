package igor.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DevDataDirTest {

  @Test
  void followsTheHomeVariableRatherThanJavasUserHome() {
    assertThat(IgorSettings.devDataDir(ConfigFactory.empty(), "/home/shell", "/home/passwd"))
        .isEqualTo(Path.of("/home/shell/.igor/dev"));
  }

  @Test
  void fallsBackToJavasUserHomeWithoutAHomeVariable() {
    assertThat(IgorSettings.devDataDir(ConfigFactory.empty(), null, "/home/passwd"))
        .isEqualTo(Path.of("/home/passwd/.igor/dev"));
    assertThat(IgorSettings.devDataDir(ConfigFactory.empty(), " ", "/home/passwd"))
        .isEqualTo(Path.of("/home/passwd/.igor/dev"));
  }

  @Test
  void takesTheConfiguredDirectoryOverBoth() {
    assertThat(
            IgorSettings.devDataDir(
                ConfigFactory.parseMap(Map.of("dev.data-dir", "/data/igor")), "/home/a", "/b"))
        .isEqualTo(Path.of("/data/igor"));
  }

  @Test
  void theSettingsOfThisProcessFollowTheSameRule() {
    assertThat(IgorSettings.from(IgorConfig.load()).devDataDir())
        .isEqualTo(
            System.getenv("IGOR_DATA_DIR") != null
                ? Path.of(System.getenv("IGOR_DATA_DIR"))
                : IgorSettings.devDataDir(
                    ConfigFactory.empty(), System.getenv("HOME"), System.getProperty("user.home")));
  }
}
