package igor.bench;

import java.time.Duration;

/**
 * How long {@code igor bench} runs its scenarios unmeasured before it measures them. A node's first
 * minutes are not its steady state: its JIT compiler threads take a fifth to two fifths of the
 * JVM's CPU then, and a chain's hop takes three times as long as later (docs/BENCHMARKS.md,
 * "Warm-up"). By default the bench warms up until the compiler threads' share of the JVM's CPU has
 * been under {@value #SETTLED_SHARE} % in two rounds in a row (one such round alone was often
 * followed by a busier one), within {@link #LONGEST}; a fixed number of rounds instead when asked,
 * or where the share cannot be read (not Linux).
 *
 * @param rounds a fixed number of rounds; negative: until the JIT settles
 */
record WarmUp(int rounds) {
  /** The compiler threads' share of the JVM's CPU, in %, under which a node counts as warm. */
  static final double SETTLED_SHARE = 10;

  /** The longest a warm-up until the JIT settles takes: the bench goes on even if it has not. */
  static final Duration LONGEST = Duration.ofMinutes(6);

  /** Rounds of a warm-up until the JIT settles where the share cannot be read. */
  static final int ROUNDS_WITHOUT_A_SHARE = 10;

  static WarmUp untilTheJitSettles() {
    return new WarmUp(-1);
  }

  static WarmUp fixed(int rounds) {
    if (rounds < 0) {
      throw new IllegalArgumentException("warm-up rounds must be 0 or more, got " + rounds);
    }
    return new WarmUp(rounds);
  }

  boolean untilSettled() {
    return rounds < 0;
  }

  /**
   * Whether to run another round after {@code done} rounds, the last two of which left the compiler
   * threads {@code shareBefore} and then {@code lastShare} % of the JVM's CPU (negative: unknown,
   * or no such round), {@code elapsed} after the first began.
   */
  boolean another(int done, double shareBefore, double lastShare, Duration elapsed) {
    if (!untilSettled()) {
      return done < rounds;
    }
    if (done == 0) {
      return true;
    }
    if (elapsed.compareTo(LONGEST) >= 0) {
      return false;
    }
    if (lastShare < 0) {
      return done < ROUNDS_WITHOUT_A_SHARE;
    }
    return !settled(shareBefore, lastShare);
  }

  /** Whether a warm-up whose last two rounds left the compiler these shares ended warm. */
  boolean settled(double shareBefore, double lastShare) {
    return under(shareBefore) && under(lastShare);
  }

  private static boolean under(double share) {
    return share >= 0 && share < SETTLED_SHARE;
  }
}
