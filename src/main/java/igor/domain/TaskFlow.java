package igor.domain;

/**
 * How a task takes its turn among the waiting tasks of its type (docs/flow-control.md, ADR 0017):
 * {@code urgency} 1 (least) to 5 (most), 3 by default (keep it apart from a layer's priority, which
 * orders layers within a job); {@code concurrencyKey} names the limits its attempts count against
 * besides their type's (for example a customer id; empty for none); {@code fairnessKey} the tenant
 * whose tasks take turns with other tenants' (empty: the one shared tenant). Never changes.
 */
public record TaskFlow(int urgency, String concurrencyKey, String fairnessKey) {
  public static final int DEFAULT_URGENCY = 3;
  public static final int MIN_URGENCY = 1;
  public static final int MAX_URGENCY = 5;

  /**
   * Default urgency, no keys: the task takes the direct way to its queue unless its type is
   * limited.
   */
  public static final TaskFlow NONE = new TaskFlow(DEFAULT_URGENCY, "", "");

  public TaskFlow {
    urgency = urgency == 0 ? DEFAULT_URGENCY : urgency;
    concurrencyKey = concurrencyKey == null ? "" : concurrencyKey;
    fairnessKey = fairnessKey == null ? "" : fairnessKey;
  }

  /** {@code flow}, or {@link #NONE} for null (a plan or snapshot written before flow control). */
  public static TaskFlow of(TaskFlow flow) {
    return flow == null ? NONE : flow;
  }

  /** Whether {@code flow} is the default (a static method: no property of the persisted form). */
  public static boolean isDefault(TaskFlow flow) {
    return flow == null || NONE.equals(flow);
  }
}
