package igor.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

@EnabledOnOs(OS.LINUX)
class JitShareTest {

  @Test
  void readsTheTicksOfEveryThreadAndOfTheCompilersAmongThem() {
    long[] ticks = JitShare.ticks();

    assertThat(ticks).isNotNull().hasSize(2);
    assertThat(ticks[0]).as("all threads").isPositive();
    assertThat(ticks[1]).as("compiler threads").isBetween(0L, ticks[0]);
  }

  @Test
  void givesTheCompilersShareOfTheCpuUsedSinceAsAPercentage() {
    long[] before = JitShare.ticks();
    long sum = 0;
    long until = System.nanoTime() + 300_000_000L;
    while (System.nanoTime() < until) {
      sum += Long.toString(sum).hashCode();
    }

    double share = JitShare.since(before);

    assertThat(sum).isNotZero();
    assertThat(share).isBetween(0.0, 100.0);
  }

  @Test
  void hasNoFigureWithoutAnEarlierReading() {
    assertThat(JitShare.since(null)).isEqualTo(-1);
  }
}
