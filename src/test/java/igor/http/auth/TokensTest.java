package igor.http.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class TokensTest {
  private static final String OPS = "ops-0123456789abcdef";
  private static final String CI = "ci-0123456789abcdef0";

  @Test
  void aKnownTokenNamesItsSubjectAndRole() {
    Tokens tokens =
        Tokens.parse(List.of("ops:" + OPS + ":admin", " ci:" + CI + ":WRITE ", "# a comment", ""));

    assertThat(tokens.size()).isEqualTo(2);
    assertThat(tokens.authenticate(OPS)).contains(new Principal("ops", Role.ADMIN));
    assertThat(tokens.authenticate(CI)).contains(new Principal("ci", Role.WRITE));
    assertThat(tokens.authenticate("nobody-0123456789abc")).isEmpty();
    assertThat(tokens.authenticate("")).isEmpty();
  }

  @Test
  void rolesAllowWhatIsBelowThem() {
    assertThat(Role.ADMIN.allows(Role.WRITE)).isTrue();
    assertThat(Role.WRITE.allows(Role.READ)).isTrue();
    assertThat(Role.READ.allows(Role.WRITE)).isFalse();
  }

  @Test
  void malformedEntriesAreRefusedWithoutShowingTheToken() {
    assertThatThrownBy(() -> Tokens.parse(List.of("ops:" + OPS)))
        .hasMessage("token entry 1 must be subject:token:role");
    assertThatThrownBy(() -> Tokens.parse(List.of("ops:short:read")))
        .hasMessageContaining("at least 16 characters")
        .hasMessageNotContaining("short");
    assertThatThrownBy(() -> Tokens.parse(List.of("ops:" + OPS + ":root")))
        .hasMessageContaining("read, write or admin");
    assertThatThrownBy(() -> Tokens.parse(List.of("a:" + OPS + ":read", "b:" + OPS + ":write")))
        .hasMessageContaining("entry 2 (b) repeats")
        .hasMessageNotContaining(OPS);
  }

  @Test
  void tokensAreKeptOnlyAsHashes() {
    assertThat(Tokens.hash(OPS)).hasSize(64).doesNotContain(OPS);
  }

  @Test
  void rateLimiterLetsABurstThroughThenAsksToWait() {
    RateLimiter limiter = new RateLimiter(2);
    long now = 0;

    assertThat(limiter.secondsToWait("ops", now)).isZero();
    assertThat(limiter.secondsToWait("ops", now)).isZero();
    assertThat(limiter.secondsToWait("ops", now)).isEqualTo(1);
    assertThat(limiter.secondsToWait("ci", now)).isZero();
    assertThat(limiter.secondsToWait("ops", now + 600_000_000L)).isZero();
    assertThat(new RateLimiter(0).secondsToWait("ops", now)).isZero();
  }
}
