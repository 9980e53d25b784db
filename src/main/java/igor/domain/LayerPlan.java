package igor.domain;

/** A layer as declared when its job is created. */
public record LayerPlan(String layerId, String name, int priority, long pausedAtMillis) {

  public LayerPlan {
    name = name == null ? "" : name;
  }
}
