package igor.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class WarmUpTest {
  private static final Duration SOON = Duration.ofSeconds(30);

  @Test
  void untilTheJitSettlesRunsAtLeastOneRound() {
    assertThat(WarmUp.untilTheJitSettles().another(0, -1, -1, Duration.ZERO)).isTrue();
  }

  @Test
  void untilTheJitSettlesGoesOnUntilTheCompilerTookUnderTenPercentInTwoRoundsInARow() {
    WarmUp warmUp = WarmUp.untilTheJitSettles();

    assertThat(warmUp.another(3, 45.0, 40.0, SOON)).isTrue();
    assertThat(warmUp.another(3, 5.0, WarmUp.SETTLED_SHARE, SOON)).isTrue();
    assertThat(warmUp.another(3, 25.0, 9.9, SOON)).as("one quiet round alone").isTrue();
    assertThat(warmUp.another(1, -1, 9.9, SOON)).as("the first round alone").isTrue();
    assertThat(warmUp.another(3, 9.0, 9.9, SOON)).isFalse();
    assertThat(warmUp.settled(9.0, 9.9)).isTrue();
    assertThat(warmUp.settled(25.0, 9.9)).isFalse();
  }

  @Test
  void untilTheJitSettlesStopsAtItsLongestEvenIfTheCompilerIsStillBusy() {
    WarmUp warmUp = WarmUp.untilTheJitSettles();

    assertThat(warmUp.another(20, 30.0, 35.0, WarmUp.LONGEST)).isFalse();
    assertThat(warmUp.settled(30.0, 35.0)).isFalse();
  }

  @Test
  void withoutAShareItRunsAFixedNumberOfRounds() {
    WarmUp warmUp = WarmUp.untilTheJitSettles();

    assertThat(warmUp.another(WarmUp.ROUNDS_WITHOUT_A_SHARE - 1, -1, -1, SOON)).isTrue();
    assertThat(warmUp.another(WarmUp.ROUNDS_WITHOUT_A_SHARE, -1, -1, SOON)).isFalse();
    assertThat(warmUp.settled(-1, -1)).isFalse();
  }

  @Test
  void fixedRoundsIgnoreTheCompiler() {
    WarmUp three = WarmUp.fixed(3);

    assertThat(three.another(2, 1.0, 1.0, SOON)).isTrue();
    assertThat(three.another(3, 50.0, 50.0, SOON)).isFalse();
    assertThat(WarmUp.fixed(0).another(0, -1, -1, Duration.ZERO)).isFalse();
  }

  @Test
  void refusesANegativeNumberOfRounds() {
    assertThatThrownBy(() -> WarmUp.fixed(-1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("0 or more");
  }
}
