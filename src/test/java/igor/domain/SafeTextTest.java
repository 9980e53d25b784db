package igor.domain;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SafeTextTest {
  @Test
  void keepsTabsNewlinesAndSurrogatePairs() {
    String text = "a\tb\nc \ud83d\ude00 é";
    assertThat(SafeText.isSafe(text)).isTrue();
    assertThat(SafeText.sanitise(text)).isSameAs(text);
  }

  @Test
  void replacesNulOtherControlsAndLoneSurrogates() {
    assertThat(SafeText.sanitise("\u0000a\rb\u001f\ud800c\udc00"))
        .isEqualTo("\uFFFDa\uFFFDb\uFFFD\uFFFDc\uFFFD");
    assertThat(SafeText.sanitise("end\ud83d")).isEqualTo("end\uFFFD");
    assertThat(SafeText.sanitise(null)).isNull();
  }
}
