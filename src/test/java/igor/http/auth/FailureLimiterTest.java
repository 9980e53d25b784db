package igor.http.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class FailureLimiterTest {
  private static final long SECOND = 1_000_000_000L;

  @Test
  void anAddressMayFailItsAllowanceThenWaitsUntilOneFailureIsRefilled() {
    FailureLimiter limiter = new FailureLimiter(6);
    for (int i = 0; i < 6; i++) {
      assertThat(limiter.secondsToWait("a", 0)).isZero();
      limiter.failed("a", 0);
    }

    assertThat(limiter.secondsToWait("a", 0)).isEqualTo(10);
    assertThat(limiter.secondsToWait("a", 4 * SECOND)).isEqualTo(6);
    assertThat(limiter.secondsToWait("a", 10 * SECOND)).isZero();
    assertThat(limiter.secondsToWait("b", 0)).isZero();
  }

  @Test
  void zeroMeansNoLimit() {
    FailureLimiter limiter = new FailureLimiter(0);
    for (int i = 0; i < 1000; i++) {
      limiter.failed("a", 0);
    }

    assertThat(limiter.secondsToWait("a", 0)).isZero();
  }

  @Test
  void ipv6AddressesCountPerSlash64() throws Exception {
    String one = FailureLimiter.key(InetAddress.getByName("2001:db8:1:2::1"));
    String other = FailureLimiter.key(InetAddress.getByName("2001:db8:1:2:ffff::9"));
    String elsewhere = FailureLimiter.key(InetAddress.getByName("2001:db8:1:3::1"));

    assertThat(one).isEqualTo(other).isNotEqualTo(elsewhere);
    assertThat(FailureLimiter.key(InetAddress.getByName("192.0.2.7"))).isEqualTo("192.0.2.7");
  }
}
