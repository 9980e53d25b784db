package igor.client;

import java.nio.charset.StandardCharsets;

/**
 * A task as Igor shows it. Times are unix seconds; {@code pausedAt} is 0 when not paused.
 *
 * @param id the task's id
 * @param etag the version seen, for actions that must only apply to it ({@link Ref#of(Task)})
 * @param status its status
 * @param name its name ("" when none)
 * @param pausedAt when it was paused (unix seconds), 0 if it is not
 * @param jobId its job
 * @param layerId its layer
 * @param type the handler type
 * @param args its arguments
 * @param retries automatic retries after a failed first attempt
 * @param timeout the limit of one attempt in seconds (0: none)
 * @param attempts attempts so far
 * @param message the last message of its handler or of Igor ("killed", "timed out", ...)
 * @param result what its handler returned
 * @param queueTaskId the id of its current delivery while queued or running, else ""
 * @param createdAt when it was created
 * @param updatedAt when it last changed
 */
public record Task(
    String id,
    String etag,
    Status status,
    String name,
    long pausedAt,
    String jobId,
    String layerId,
    String type,
    byte[] args,
    int retries,
    int timeout,
    int attempts,
    String message,
    byte[] result,
    String queueTaskId,
    long createdAt,
    long updatedAt) {

  /** Never null: absent byte and text fields become empty. */
  public Task {
    name = name == null ? "" : name;
    args = args == null ? new byte[0] : args;
    result = result == null ? new byte[0] : result;
    message = message == null ? "" : message;
    queueTaskId = queueTaskId == null ? "" : queueTaskId;
  }

  /** Whether it is paused. */
  public boolean isPaused() {
    return pausedAt > 0;
  }

  /** The result read as UTF-8 text. */
  public String resultAsText() {
    return new String(result, StandardCharsets.UTF_8);
  }
}
