package igor.testing;

import java.time.Duration;

/**
 * The wall-clock bounds of the tests, scaled by one factor (as Pekko's {@code
 * pekko.test.timefactor}): {@code IGOR_TEST_TIME_FACTOR} (or {@code -Digor.test.timefactor}),
 * default 1. A slow or busy machine raises it instead of each test growing its own margins. The
 * bounds are how long a test waits for something that must happen, never a claim about speed: speed
 * is measured by {@code igor bench}.
 */
public final class TestTime {
  public static final double FACTOR = factor();

  private TestTime() {}

  /** The bound d, scaled by the factor. */
  public static Duration scaled(Duration d) {
    return Duration.ofMillis((long) Math.ceil(d.toMillis() * FACTOR));
  }

  private static double factor() {
    String value =
        System.getProperty("igor.test.timefactor", System.getenv("IGOR_TEST_TIME_FACTOR"));
    if (value == null || value.isBlank()) {
      return 1;
    }
    double factor = Double.parseDouble(value.trim());
    if (!(factor >= 1)) {
      throw new IllegalArgumentException("IGOR_TEST_TIME_FACTOR must be 1 or more, got " + value);
    }
    return factor;
  }
}
