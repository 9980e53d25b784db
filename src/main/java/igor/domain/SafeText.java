package igor.domain;

/**
 * Text that every layer behind Igor can hold (SEMANTICS.md section 7, "Text"): valid Unicode
 * without NUL, lone surrogates or C0 control characters other than tab and newline. What workers
 * send, and what an older journal may hold, cannot be refused: it is made safe by replacing each
 * such character with U+FFFD.
 */
public final class SafeText {
  /** U+FFFD, the Unicode replacement character. */
  public static final char REPLACEMENT = '\uFFFD';

  private SafeText() {}

  /** True when {@code text} needs no replacement. */
  public static boolean isSafe(String text) {
    if (text == null) {
      return true;
    }
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (isUnsafeControl(c)) {
        return false;
      }
      if (Character.isHighSurrogate(c)) {
        if (i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
          i++;
        } else {
          return false;
        }
      } else if (Character.isLowSurrogate(c)) {
        return false;
      }
    }
    return true;
  }

  /**
   * {@code text} with every NUL, lone surrogate and C0 control other than tab and newline replaced
   * by U+FFFD; the same instance when nothing needs replacing, and null for null.
   */
  public static String sanitise(String text) {
    if (isSafe(text)) {
      return text;
    }
    StringBuilder out = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.isHighSurrogate(c)
          && i + 1 < text.length()
          && Character.isLowSurrogate(text.charAt(i + 1))) {
        out.append(c).append(text.charAt(++i));
      } else if (isUnsafeControl(c) || Character.isSurrogate(c)) {
        out.append(REPLACEMENT);
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  private static boolean isUnsafeControl(char c) {
    return c < 0x20 && c != '\t' && c != '\n';
  }
}
