package igor.client;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One change from the live stream (GET /api/v1/events): its id (the journal's global ordering:
 * resume after it), its name (e.g. {@code task_completed}; the README lists them) and its data. The
 * starts and ends of attempts that Igor journaled as one batch share the batch's id, and are handed
 * over together, in order.
 */
public record Change(long id, String event, JsonNode data) {

  /** The job the change belongs to. */
  public String jobId() {
    return data.path("job_id").asText();
  }
}
