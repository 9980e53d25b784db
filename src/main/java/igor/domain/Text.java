package igor.domain;

import java.util.Optional;

/**
 * The text every layer behind Igor can hold (SEMANTICS.md section 7, "Text"): valid Unicode without
 * NUL and without C0 control characters other than tab and newline. PostgreSQL cannot store a NUL,
 * and a lone surrogate cannot be written as UTF-8 or valid JSON. From clients such text is refused
 * at the edge ({@link #problem}); what workers send, and what an older journal may hold, cannot be
 * refused and is made safe instead ({@link #sanitise}).
 */
public final class Text {
  /** What a refusal says text must be. */
  public static final String RULE =
      "text must be valid Unicode without NUL or control characters other than tab and newline";

  private Text() {}

  /** Why this text may not be stored (naming the first bad character), or empty when it may. */
  public static Optional<String> problem(String text) {
    if (text == null) {
      return Optional.empty();
    }
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.isHighSurrogate(c)
          && i + 1 < text.length()
          && Character.isLowSurrogate(text.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        return Optional.of(describe("a lone surrogate", c, i));
      } else if (c == 0) {
        return Optional.of(describe("a NUL character", c, i));
      } else if (c < 0x20 && c != '\t' && c != '\n') {
        return Optional.of(describe("a control character", c, i));
      }
    }
    return Optional.empty();
  }

  /** True when {@link #problem} finds nothing. */
  public static boolean isAcceptable(String text) {
    return problem(text).isEmpty();
  }

  /**
   * The text with every character that {@link #problem} refuses replaced by U+FFFD (the same
   * instance when there is none; null for null): for what workers send, for text journaled before
   * the edge refused it, and for echoing a refused value in an error message.
   */
  public static String sanitise(String text) {
    if (text == null || isAcceptable(text)) {
      return text;
    }
    StringBuilder b = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.isHighSurrogate(c)
          && i + 1 < text.length()
          && Character.isLowSurrogate(text.charAt(i + 1))) {
        b.append(c).append(text.charAt(++i));
      } else if (Character.isSurrogate(c) || (c < 0x20 && c != '\t' && c != '\n')) {
        b.append('\uFFFD');
      } else {
        b.append(c);
      }
    }
    return b.toString();
  }

  private static String describe(String what, char c, int index) {
    return "holds "
        + what
        + String.format(" (U+%04X)", (int) c)
        + " at index "
        + index
        + ": "
        + RULE;
  }
}
