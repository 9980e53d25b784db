package igor.domain;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TextTest {

  @Test
  void acceptsUnicodeWithTabsNewlinesAndPairedSurrogates() {
    assertThat(Text.problem("plain, \tnew\nline, é, 日本, \ud83d\ude00")).isEmpty();
    assertThat(Text.problem("")).isEmpty();
    assertThat(Text.problem(null)).isEmpty();
  }

  @Test
  void refusesANulNamingWhereItIs() {
    assertThat(Text.problem("ab\u0000"))
        .hasValueSatisfying(
            p -> assertThat(p).contains("NUL").contains("U+0000").contains("index 2"));
  }

  @Test
  void refusesLoneSurrogatesOfEitherHalf() {
    assertThat(Text.problem("\ud800"))
        .hasValueSatisfying(p -> assertThat(p).contains("lone surrogate").contains("U+D800"));
    assertThat(Text.problem("a\udc00b"))
        .hasValueSatisfying(p -> assertThat(p).contains("U+DC00").contains("index 1"));
    assertThat(Text.problem("\ude00\ud83d")).isPresent();
  }

  @Test
  void refusesEveryC0ControlCharacterButTabAndNewline() {
    for (char c = 1; c < 0x20; c++) {
      boolean allowed = c == '\t' || c == '\n';
      assertThat(Text.problem("x" + c).isEmpty()).as("U+%04X", (int) c).isEqualTo(allowed);
    }
  }

  @Test
  void printableReplacesWhatIsRefusedAndKeepsTheRest() {
    assertThat(Text.sanitise("a\u0000b\ud800c\r\t\n\ud83d\ude00"))
        .isEqualTo("a\uFFFDb\uFFFDc\uFFFD\t\n\ud83d\ude00");
    assertThat(Text.sanitise("fine")).isEqualTo("fine");
  }

  @Test
  void keepsTabsNewlinesAndSurrogatePairs() {
    String text = "a\tb\nc \ud83d\ude00 é";
    assertThat(Text.isAcceptable(text)).isTrue();
    assertThat(Text.sanitise(text)).isSameAs(text);
  }

  @Test
  void replacesNulOtherControlsAndLoneSurrogates() {
    assertThat(Text.sanitise("\u0000a\rb\u001f\ud800c\udc00"))
        .isEqualTo("\uFFFDa\uFFFDb\uFFFD\uFFFDc\uFFFD");
    assertThat(Text.sanitise("end\ud83d")).isEqualTo("end\uFFFD");
    assertThat(Text.sanitise(null)).isNull();
  }
}
