package igor.domain;

import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.regex.Pattern;

/** Ids, etags and delivery ids: all lowercase UUIDs. */
public final class Identifiers {
  private static final Pattern LOWERCASE_UUID =
      Pattern.compile("^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$");

  private Identifiers() {}

  /** A fresh random id (UUID v4). */
  public static String newId() {
    return UUID.randomUUID().toString();
  }

  public static boolean isId(String text) {
    return text != null && LOWERCASE_UUID.matcher(text).matches();
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

  private static String nameBased(String name) {
    return UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8)).toString();
  }
}
