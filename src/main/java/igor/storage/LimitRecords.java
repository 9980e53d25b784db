package igor.storage;

import igor.queue.FlowLimit;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * The durable record of the flow-control limits set and removed through the API
 * (docs/flow-control.md, ADR 0026), kept in PostgreSQL so that a Redis that loses its data gets
 * them back: per kind and name, the API's last word, a limit or its removal, with a version that
 * grows with every change.
 */
public interface LimitRecords {

  /**
   * The API's last word on one limit: {@code limit} when set, null when removed; {@code version}
   * orders the changes of all limits (a later change has a higher one).
   */
  record Record(String kind, String name, FlowLimit limit, long version) {
    public boolean removed() {
      return limit == null;
    }
  }

  /** Every limit the API has set or removed. */
  CompletionStage<List<Record>> all();

  /** The API's last word on this limit, or null when the API never touched it. */
  CompletionStage<Record> find(String kind, String name);

  /** Records the limit as set (replacing the record of its kind and name): answers the record. */
  CompletionStage<Record> set(FlowLimit limit);

  /** Records the limit as removed: answers the record. */
  CompletionStage<Record> remove(String kind, String name);
}
