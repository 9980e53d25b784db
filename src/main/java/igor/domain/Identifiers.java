package igor.domain;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.UUID;

/** Ids, etags and delivery ids: all lowercase UUIDs. */
public final class Identifiers {
  /**
   * Each thread's MD5 digest: {@link UUID#nameUUIDFromBytes} looks one up for every id, which was
   * most of the cost of the 100,000 delivery ids of a bulk action (docs/adr/0030).
   */
  private static final ThreadLocal<MessageDigest> MD5 =
      ThreadLocal.withInitial(
          () -> {
            try {
              return MessageDigest.getInstance("MD5");
            } catch (NoSuchAlgorithmException e) {
              throw new IllegalStateException("MD5 not supported", e);
            }
          });

  private Identifiers() {}

  /** A fresh random id (UUID v4). */
  public static String newId() {
    return UUID.randomUUID().toString();
  }

  public static boolean isId(String text) {
    // By hand rather than by a regular expression: every worker report is checked, and the
    // expression's matcher was 3 % of a node's CPU samples in a fan-out (docs/BENCHMARKS.md,
    // "Against the peers, a warm node").
    if (text == null || text.length() != 36) {
      return false;
    }
    for (int i = 0; i < 36; i++) {
      char c = text.charAt(i);
      boolean ok =
          i == 8 || i == 13 || i == 18 || i == 23
              ? c == '-'
              : (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  /**
   * The etag of an object at a revision. Derived rather than stored: it is a new value on every
   * change (the revision grows) and replaying the journal gives the same etags again.
   */
  public static String etag(String objectId, long revision) {
    return nameBased("etag/" + objectId + "/" + revision);
  }

  /** The queue's id of one attempt of a task; the same for every delivery of that attempt. */
  public static String deliveryId(String taskId, int attempt) {
    return nameBased("delivery/" + taskId + "/" + attempt);
  }

  /** The same UUID as {@link UUID#nameUUIDFromBytes} of the name's UTF-8 (version 3, MD5). */
  private static String nameBased(String name) {
    byte[] md5 = MD5.get().digest(name.getBytes(StandardCharsets.UTF_8));
    md5[6] &= 0x0f;
    md5[6] |= 0x30;
    md5[8] &= 0x3f;
    md5[8] |= (byte) 0x80;
    long msb = 0;
    long lsb = 0;
    for (int i = 0; i < 8; i++) {
      msb = (msb << 8) | (md5[i] & 0xff);
    }
    for (int i = 8; i < 16; i++) {
      lsb = (lsb << 8) | (md5[i] & 0xff);
    }
    return new UUID(msb, lsb).toString();
  }
}
