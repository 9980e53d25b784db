package igor.http.auth;

import java.util.Locale;

/** What a token may do: read (GET and the stream), write (also create, add, act), admin (all). */
public enum Role {
  READ,
  WRITE,
  ADMIN;

  public boolean allows(Role needed) {
    return compareTo(needed) >= 0;
  }

  public static Role parse(String text) {
    try {
      return valueOf(text.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "role must be read, write or admin, got '" + text.trim() + "'");
    }
  }
}
