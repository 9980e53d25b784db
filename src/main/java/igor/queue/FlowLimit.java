package igor.queue;

/**
 * One limit of flow control (docs/flow-control.md): on the attempts of a task type ({@code kind}
 * "type"), of a concurrency key ("key"), or the weight of a fairness key ("fairness"). {@code
 * concurrency}: attempts at once, 0 for no limit; {@code rate} starts per {@code perMillis}, 0 for
 * no limit; {@code weight}: a fairness key's share of turns (1 when 0).
 */
public record FlowLimit(
    String kind, String name, int concurrency, int rate, long perMillis, int weight) {
  public static final String TYPE = "type";
  public static final String KEY = "key";
  public static final String FAIRNESS = "fairness";

  /** Its field in the limits hash in Redis. */
  public String field() {
    return fieldOf(kind, name);
  }

  public static String fieldOf(String kind, String name) {
    return (FAIRNESS.equals(kind) ? "fair" : kind) + ":" + name;
  }

  /** Its value in the limits hash in Redis: "concurrency,rate,per_ms,weight". */
  public String encoded() {
    return concurrency + "," + rate + "," + perMillis + "," + weight;
  }

  /** The limit a field and value of the limits hash stand for, or null when they stand for none. */
  public static FlowLimit decode(String field, String value) {
    int colon = field.indexOf(':');
    String[] v = value.split(",", -1);
    if (colon < 0 || v.length != 4) {
      return null;
    }
    String kind = field.substring(0, colon);
    kind = "fair".equals(kind) ? FAIRNESS : kind;
    try {
      return new FlowLimit(
          kind,
          field.substring(colon + 1),
          Integer.parseInt(v[0]),
          Integer.parseInt(v[1]),
          Long.parseLong(v[2]),
          Integer.parseInt(v[3]));
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /** Whether it holds attempts back (a fairness weight does not). */
  public boolean limits() {
    return !FAIRNESS.equals(kind) && (concurrency > 0 || rate > 0);
  }
}
