package igor.config;

import static org.assertj.core.api.Assertions.assertThat;

import igor.queue.FlowLimit;
import org.junit.jupiter.api.Test;

class FlowLimitsTest {
  private static FlowLimit typeLimit(String name) {
    return new FlowLimit(FlowLimit.TYPE, name, 5, 0, 1000, 0);
  }

  @Test
  void aNameWithALoneSurrogateIsRefusedNamingIt() {
    assertThat(FlowLimits.problem(typeLimit("resize\ud800")))
        .startsWith("name: ")
        .contains("lone surrogate");
  }

  @Test
  void aNameWithAPairOfSurrogatesIsAccepted() {
    assertThat(FlowLimits.problem(typeLimit("resize\ud83d\ude00"))).isNull();
  }

  @Test
  void aNameWithAControlCharacterIsRefusedAsBefore() {
    assertThat(FlowLimits.problem(typeLimit("resize\u0000")))
        .isEqualTo("name may not hold spaces or control characters");
  }
}
