package igor.http.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The API tokens of an installation, kept only as SHA-256 hashes: a token is looked up by the hash
 * of what the caller sent, so the tokens themselves are not held in memory after start.
 */
public final class Tokens {
  private final Map<String, Principal> byHash;

  private Tokens(Map<String, Principal> byHash) {
    this.byHash = Map.copyOf(byHash);
  }

  /**
   * Parses entries of the form {@code subject:token:role} (role read, write or admin). A token of
   * fewer than 16 characters, a repeated token or a malformed entry is refused with the entry's
   * position (never the token) in the message.
   */
  public static Tokens parse(List<String> entries) {
    Map<String, Principal> byHash = new HashMap<>();
    for (int i = 0; i < entries.size(); i++) {
      String entry = entries.get(i).trim();
      if (entry.isEmpty() || entry.startsWith("#")) {
        continue;
      }
      String[] parts = entry.split(":", -1);
      if (parts.length != 3 || parts[0].isBlank()) {
        throw new IllegalArgumentException(
            "token entry " + (i + 1) + " must be subject:token:role");
      }
      String token = parts[1];
      if (token.length() < 16) {
        throw new IllegalArgumentException(
            "token entry " + (i + 1) + " (" + parts[0] + "): a token needs at least 16 characters");
      }
      Principal principal = new Principal(parts[0].trim(), Role.parse(parts[2]));
      if (byHash.put(hash(token), principal) != null) {
        throw new IllegalArgumentException(
            "token entry " + (i + 1) + " (" + parts[0] + ") repeats another entry's token");
      }
    }
    return new Tokens(byHash);
  }

  public boolean isEmpty() {
    return byHash.isEmpty();
  }

  public int size() {
    return byHash.size();
  }

  /** The principal of this bearer token, if it is one of ours. */
  public Optional<Principal> authenticate(String token) {
    if (token == null || token.isEmpty()) {
      return Optional.empty();
    }
    return Optional.ofNullable(byHash.get(hash(token)));
  }

  static String hash(String token) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(sha.digest(token.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
