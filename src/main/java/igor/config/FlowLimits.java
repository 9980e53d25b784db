package igor.config;

import igor.domain.Text;
import igor.queue.FlowLimit;
import java.util.Optional;

/** The checks of a flow-control limit, the same for the configuration and the API. */
public final class FlowLimits {
  /** The most a limit's numbers may be: far beyond any installation, and within Lua's numbers. */
  public static final int MAX = 1_000_000;

  /** The longest name of a limit (a type is at most 255 characters, a key as long). */
  public static final int MAX_NAME = 255;

  private FlowLimits() {}

  /** What is wrong with the limit, naming the field, or null when nothing is. */
  public static String problem(FlowLimit l) {
    String naming = namingProblem(l.kind(), l.name());
    if (naming != null) {
      return naming;
    }
    if (l.concurrency() < 0 || l.concurrency() > MAX) {
      return "concurrency must be from 0 (none) to " + MAX + ", got " + l.concurrency();
    }
    if (l.rate() < 0 || l.rate() > MAX) {
      return "rate must be from 0 (none) to " + MAX + ", got " + l.rate();
    }
    if (l.perMillis() < 1 || l.perMillis() > 86_400_000L) {
      return "per_seconds must be from 0.001 to 86400, got " + l.perMillis() / 1000.0;
    }
    if (l.weight() < 0 || l.weight() > 1000) {
      return "weight must be from 0 (1) to 1000, got " + l.weight();
    }
    if (FlowLimit.FAIRNESS.equals(l.kind()) && (l.concurrency() > 0 || l.rate() > 0)) {
      return "a fairness key takes a weight only, not concurrency or rate";
    }
    if (!FlowLimit.FAIRNESS.equals(l.kind()) && l.weight() > 0) {
      return "weight belongs to kind 'fairness'";
    }
    if (!FlowLimit.FAIRNESS.equals(l.kind()) && l.concurrency() == 0 && l.rate() == 0) {
      return "give concurrency or rate (or both): a limit of neither limits nothing";
    }
    return null;
  }

  /**
   * What is wrong with a limit's kind or name, or null when nothing is: no limit has such a one.
   */
  public static String namingProblem(String kind, String name) {
    if (!FlowLimit.TYPE.equals(kind)
        && !FlowLimit.KEY.equals(kind)
        && !FlowLimit.FAIRNESS.equals(kind)) {
      return "kind must be 'type', 'key' or 'fairness', got '" + kind + "'";
    }
    if (name == null || name.isEmpty() || name.length() > MAX_NAME) {
      return "name must be 1 to " + MAX_NAME + " characters";
    }
    if (name.chars().anyMatch(c -> Character.isISOControl(c) || Character.isWhitespace(c))) {
      return "name may not hold spaces or control characters";
    }
    Optional<String> text = Text.problem(name);
    if (text.isPresent()) {
      return "name: " + text.get();
    }
    return null;
  }
}
