package igor.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

@EnabledOnOs(OS.LINUX)
class JitShareTest {

  @Test
  void readsTheTicksOfEveryThreadAndOfTheCompilersAmongThem() {
    JitShare.Reading reading = JitShare.read();

    assertThat(reading).isNotNull();
    assertThat(reading.all()).as("all threads").isPositive();
    assertThat(reading.compiling()).as("compiler threads").isBetween(0L, reading.all());
  }

  @Test
  void givesTheCompilersShareOfTheCpuUsedSinceAsAPercentage() {
    JitShare.Reading before = JitShare.read();
    long sum = burn(300);

    double share = JitShare.since(before);

    assertThat(sum).isNotZero();
    assertThat(share).isBetween(0.0, 100.0);
  }

  @Test
  void staysAPercentageWhenBusyThreadsEndedBetweenTheReadings() throws InterruptedException {
    List<Thread> busy = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      Thread t = new Thread(() -> burn(400), "busy-" + i);
      t.start();
      busy.add(t);
    }
    Thread.sleep(300);
    JitShare.Reading before = JitShare.read();
    for (Thread t : busy) {
      t.join();
    }
    burn(100);

    double share = JitShare.since(before);

    // Their ticks left with them: counted in one reading only, all threads' ticks would seem to
    // have shrunk (no figure) or the compilers' share to exceed 100 %.
    assertThat(share).isBetween(0.0, 100.0);
  }

  @Test
  void hasNoFigureWithoutAnEarlierReading() {
    assertThat(JitShare.since(null)).isEqualTo(-1);
  }

  private static long burn(long millis) {
    long sum = 0;
    long until = System.nanoTime() + millis * 1_000_000L;
    while (System.nanoTime() < until) {
      sum += Long.toString(sum).hashCode();
    }
    return sum;
  }
}
