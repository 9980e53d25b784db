package igor.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Lines are cut by bytes of UTF-8, never inside a character, and made storable. */
class TaskOutputTest {
  private static final String[] CHARACTERS = {"a", "é", "€", "😀"};

  @Test
  void aLineWithinTheLimitIsKeptAsItIs() {
    assertThat(TaskOutput.bounded("hello", 5)).isEqualTo("hello");
    assertThat(TaskOutput.bounded("", 1)).isEmpty();
    assertThat(TaskOutput.bounded(null, 1)).isEmpty();
  }

  /** Every limit from 1 to 40 over lines of every width of character: within, marked, whole. */
  @Test
  void everyCutIsWithinTheLimitMarkedAndWholeCharacters() {
    for (String c : CHARACTERS) {
      for (int length = 0; length <= 20; length++) {
        String line = c.repeat(length);
        int bytes = line.getBytes(StandardCharsets.UTF_8).length;
        for (int max = 1; max <= 40; max++) {
          String cut = TaskOutput.bounded(line, max);
          assertThat(cut.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(max);
          if (bytes <= max) {
            assertThat(cut).isEqualTo(line);
            continue;
          }
          boolean marked = max > TaskOutput.TRUNCATED.length();
          String kept =
              marked ? cut.substring(0, cut.length() - TaskOutput.TRUNCATED.length()) : cut;
          assertThat(cut.endsWith(TaskOutput.TRUNCATED)).isEqualTo(marked);
          assertThat(line).startsWith(kept);
          assertThat(kept.length() % c.length()).isZero();
          int room = marked ? max - TaskOutput.TRUNCATED.length() : max;
          int width = c.getBytes(StandardCharsets.UTF_8).length;
          // as many whole characters as fit
          assertThat(kept.getBytes(StandardCharsets.UTF_8).length).isGreaterThan(room - width);
        }
      }
    }
  }

  @Test
  void nulAndLoneSurrogatesAreReplacedBeforeTheCut() {
    assertThat(TaskOutput.bounded("a\u0000b\ud800c\udc00", 100)).isEqualTo("a\ufffdb\ufffdc\ufffd");
    assertThat(TaskOutput.bounded("a\u0000", 2)).isEqualTo("a");
  }

  @Test
  void levelsAndProgressFigures() {
    for (TaskOutput.Level l : TaskOutput.Level.values()) {
      assertThat(TaskOutput.Level.of(l.wireName())).isEqualTo(l);
    }
    assertThat(TaskOutput.Level.of("INFO")).isNull();
    assertThat(TaskOutput.Level.of("")).isNull();
    assertThat(TaskOutput.isProgress(0)).isTrue();
    assertThat(TaskOutput.isProgress(1)).isTrue();
    assertThat(TaskOutput.isProgress(-0.0001)).isFalse();
    assertThat(TaskOutput.isProgress(1.0001)).isFalse();
    assertThat(TaskOutput.isProgress(Double.NaN)).isFalse();
  }
}
