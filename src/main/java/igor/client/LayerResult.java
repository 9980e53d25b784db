package igor.client;

import java.nio.charset.StandardCharsets;

/**
 * One task of a layer as GET /api/v1/jobs/{id}/results shows it: what a handler of a later layer
 * reads of an earlier one.
 *
 * @param taskId the task's id
 * @param name its name ("" when none)
 * @param status its status (COMPLETED or SKIPPED once its layer finished)
 * @param result what its handler returned (empty when nothing, or when it did not complete)
 * @param message the last message of its handler or of Igor
 */
public record LayerResult(
    String taskId, String name, Status status, byte[] result, String message) {

  /** Never null: absent byte and text fields become empty. */
  public LayerResult {
    name = name == null ? "" : name;
    result = result == null ? new byte[0] : result;
    message = message == null ? "" : message;
  }

  /** The result read as UTF-8 text. */
  public String resultAsText() {
    return new String(result, StandardCharsets.UTF_8);
  }
}
