package igor.http;

import igor.storage.ReadModel;
import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.UUID;

/**
 * The {@code next} cursor of GET /api/v1/jobs/{id}/results: opaque to clients, it is the layer id
 * and task id the page ended at, as their 32 bytes in base64url without padding (43 characters).
 */
final class ResultsCursors {
  private static final int LENGTH = 43;

  private ResultsCursors() {}

  static String write(ReadModel.ResultsCursor cursor) {
    UUID layer = UUID.fromString(cursor.layerId());
    UUID task = UUID.fromString(cursor.taskId());
    ByteBuffer bytes = ByteBuffer.allocate(32);
    bytes.putLong(layer.getMostSignificantBits()).putLong(layer.getLeastSignificantBits());
    bytes.putLong(task.getMostSignificantBits()).putLong(task.getLeastSignificantBits());
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes.array());
  }

  /** A cursor this endpoint gave, or a 400 naming the parameter. */
  static ReadModel.ResultsCursor read(String text) {
    byte[] raw = null;
    if (text.length() == LENGTH) {
      try {
        raw = Base64.getUrlDecoder().decode(text);
      } catch (IllegalArgumentException e) {
        raw = null;
      }
    }
    if (raw == null || raw.length != 32) {
      throw ApiException.badRequest(
          "query parameter 'after' must be the 'next' of an earlier page (43 characters of"
              + " base64url), got '"
              + (text.length() > 64 ? text.substring(0, 64) + "..." : text)
              + "'");
    }
    ByteBuffer bytes = ByteBuffer.wrap(raw);
    UUID layer = new UUID(bytes.getLong(), bytes.getLong());
    UUID task = new UUID(bytes.getLong(), bytes.getLong());
    return new ReadModel.ResultsCursor(layer.toString(), task.toString());
  }
}
