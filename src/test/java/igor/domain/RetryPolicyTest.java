package igor.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNoException;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {
  private static final List<String> TASKS = taskIds(50);

  @Test
  void fullDelayDoublesWithEachFailedAttempt() {
    RetryPolicy policy = new RetryPolicy(1_000, 1_000_000);

    for (String task : TASKS) {
      for (int attempt = 1; attempt <= 10; attempt++) {
        long full = 1_000L << (attempt - 1);
        assertThat(policy.delayAfter(task, attempt))
            .as("task %s attempt %d", task, attempt)
            .isBetween(full / 2, full);
      }
    }
  }

  @Test
  void delayGrowsFromOneAttemptToTheNextUntilItReachesTheMaximum() {
    // 500 ms doubled 12 times is 2,048,000 ms: still under the maximum at attempt 13.
    RetryPolicy policy = new RetryPolicy(500, 3_600_000);

    for (String task : TASKS) {
      long previous = 0;
      for (int attempt = 1; attempt <= 13; attempt++) {
        long delay = policy.delayAfter(task, attempt);
        assertThat(delay).as("task %s attempt %d", task, attempt).isGreaterThanOrEqualTo(previous);
        previous = delay;
      }
      assertThat(policy.delayAfter(task, 3)).isGreaterThan(policy.delayAfter(task, 1));
    }
  }

  @Test
  void delayNeverExceedsTheMaximum() {
    RetryPolicy policy = new RetryPolicy(1_000, 45_000);

    for (String task : TASKS) {
      for (int attempt : new int[] {1, 5, 6, 7, 20, 31, 32, 63, 64, 1_000, Integer.MAX_VALUE}) {
        long delay = policy.delayAfter(task, attempt);
        assertThat(delay).as("task %s attempt %d", task, attempt).isLessThanOrEqualTo(45_000);
        if (attempt >= 7) {
          assertThat(delay)
              .as("capped: task %s attempt %d", task, attempt)
              .isGreaterThanOrEqualTo(22_500);
        }
      }
    }
  }

  @Test
  void delayWithInitialEqualToMaximumStaysInTheUpperHalfOfIt() {
    RetryPolicy policy = new RetryPolicy(10_000, 10_000);

    for (String task : TASKS) {
      for (int attempt = 1; attempt <= 5; attempt++) {
        assertThat(policy.delayAfter(task, attempt)).isBetween(5_000L, 10_000L);
      }
    }
  }

  @Test
  void jitterSpreadsDelaysOverTheUpperHalfOfTheFullDelay() {
    RetryPolicy policy = new RetryPolicy(10_000, 10_000);
    Set<Long> seen = new HashSet<>();

    for (String task : taskIds(200)) {
      long delay = policy.delayAfter(task, 1);
      assertThat(delay).isBetween(5_000L, 10_000L);
      seen.add(delay);
    }

    assertThat(seen).as("distinct delays over 200 tasks").hasSizeGreaterThan(20);
    assertThat(seen.stream().mapToLong(Long::longValue).min().orElseThrow()).isLessThan(6_000);
    assertThat(seen.stream().mapToLong(Long::longValue).max().orElseThrow()).isGreaterThan(9_000);
  }

  @Test
  void sameTaskAndAttemptAlwaysGiveTheSameDelay() {
    RetryPolicy policy = new RetryPolicy(1_000, 60_000);
    RetryPolicy twin = new RetryPolicy(1_000, 60_000);

    for (String task : TASKS) {
      for (int attempt = 1; attempt <= 8; attempt++) {
        assertThat(policy.delayAfter(task, attempt))
            .isEqualTo(policy.delayAfter(task, attempt))
            .isEqualTo(twin.delayAfter(new String(task.toCharArray()), attempt));
      }
    }
  }

  @Test
  void attemptZeroOrBelowIsTreatedAsTheFirst() {
    RetryPolicy policy = new RetryPolicy(1_000, 60_000);

    for (String task : TASKS) {
      assertThat(policy.delayAfter(task, 0)).isBetween(500L, 1_000L);
      assertThat(policy.delayAfter(task, -3)).isBetween(500L, 1_000L);
    }
  }

  @Test
  void zeroDelaysAreAllowedAndGiveNoWait() {
    RetryPolicy policy = new RetryPolicy(0, 0);

    assertThat(policy.delayAfter(TASKS.get(0), 1)).isZero();
    assertThat(policy.delayAfter(TASKS.get(0), 50)).isZero();
  }

  @Test
  void negativeInitialDelayIsRefused() {
    assertThatIllegalArgumentException().isThrownBy(() -> new RetryPolicy(-1, 1_000));
  }

  @Test
  void maximumBelowTheInitialDelayIsRefused() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> new RetryPolicy(2_000, 1_999))
        .withMessageContaining("2000")
        .withMessageContaining("1999");
    assertThatIllegalArgumentException().isThrownBy(() -> new RetryPolicy(0, -1));
  }

  @Test
  void maximumEqualToTheInitialDelayIsAccepted() {
    assertThatNoException().isThrownBy(() -> new RetryPolicy(5, 5));
  }

  private static List<String> taskIds(int count) {
    return java.util.stream.Stream.generate(Identifiers::newId).limit(count).toList();
  }
}
