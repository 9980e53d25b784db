package igor.client;

/**
 * A flow-control limit (docs/flow-control.md), as GET /api/v1/limits shows it and {@link
 * IgorClient#setLimit(Limit)} sets it.
 *
 * @param kind "type", "key" or "fairness"
 * @param name the task type, concurrency key or fairness key
 * @param concurrency attempts at once (0: none)
 * @param rate starts per {@code perSeconds} (0: none)
 * @param perSeconds the rate's period in seconds
 * @param weight a fairness key's share of turns (0: the default, 1)
 * @param inUse the slots held now (null when Igor did not say, as on a fairness key)
 * @param waiting the deliveries in a type's waiting room (null when not a type's limit)
 */
public record Limit(
    String kind,
    String name,
    int concurrency,
    int rate,
    double perSeconds,
    int weight,
    Long inUse,
    Long waiting) {

  /** A limit of this kind and name: at most {@code concurrency} attempts at once. */
  public static Limit concurrency(String kind, String name, int concurrency) {
    return new Limit(kind, name, concurrency, 0, 1, 0, null, null);
  }

  /** The same limit with at most {@code rate} starts per {@code perSeconds} as well. */
  public Limit withRate(int rate, double perSeconds) {
    return new Limit(kind, name, concurrency, rate, perSeconds, weight, inUse, waiting);
  }

  /** A fairness key's weight: its share of turns. */
  public static Limit fairness(String name, int weight) {
    return new Limit("fairness", name, 0, 0, 1, weight, null, null);
  }
}
