package igor.http;

import static org.assertj.core.api.Assertions.assertThat;

import igor.testing.RawHttp;
import igor.testing.TestNode;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Tokens cannot be guessed at speed: after igor.auth.failures-per-minute wrong or missing tokens,
 * the client's address waits (429 with Retry-After), even with a right token; other addresses do
 * not. Each test uses an address of its own (Linux answers all of 127.0.0.0/8).
 */
class AuthFailureLimitTest {
  private static final String WRITER = "writer-0123456789abcdef";
  private static final int FAILURES_PER_MINUTE = 3;
  private static TestNode.Running node;

  @BeforeAll
  static void startNode() {
    node =
        TestNode.running(
            List.of(),
            Map.of(
                "igor.auth.tokens",
                "ci:" + WRITER + ":write",
                "igor.auth.failures-per-minute",
                FAILURES_PER_MINUTE));
  }

  @AfterAll
  static void stopNode() {
    node.close();
  }

  private static RawHttp from(String address) throws UnknownHostException {
    return new RawHttp(node.node().httpPort(), InetAddress.getByName(address));
  }

  private static RawHttp.Answer get(RawHttp client, String token) {
    String auth = token == null ? "" : "Authorization: Bearer " + token + "\r\n";
    return client.send("GET", "/api/v1/jobs", client.ownHost(), auth, null);
  }

  @Test
  void wrongTokensBeyondTheLimitWaitEvenWithTheRightOne() throws Exception {
    RawHttp guesser = from("127.0.0.2");
    for (int i = 0; i < FAILURES_PER_MINUTE; i++) {
      assertThat(get(guesser, "guess-number-" + i + "-of-many").status()).isEqualTo(401);
    }

    RawHttp.Answer limited = get(guesser, "guess-number-x-of-many");
    RawHttp.Answer right = get(guesser, WRITER);

    assertThat(limited.status()).isEqualTo(429);
    assertThat(limited.header("Content-Type")).startsWith("application/json");
    assertThat(limited.error()).contains("igor.auth.failures-per-minute");
    assertThat(Integer.parseInt(limited.header("Retry-After"))).isBetween(1, 60);
    assertThat(right.status()).isEqualTo(429);
  }

  @Test
  void missingTokensCountToo() throws Exception {
    RawHttp anonymous = from("127.0.0.3");
    for (int i = 0; i < FAILURES_PER_MINUTE; i++) {
      assertThat(get(anonymous, null).status()).isEqualTo(401);
    }

    assertThat(get(anonymous, null).status()).isEqualTo(429);
  }

  @Test
  void anotherAddressIsNotHeldBack() throws Exception {
    RawHttp guesser = from("127.0.0.4");
    for (int i = 0; i <= FAILURES_PER_MINUTE; i++) {
      get(guesser, "guess-number-" + i + "-of-many");
    }

    assertThat(get(guesser, WRITER).status()).isEqualTo(429);
    assertThat(get(from("127.0.0.5"), WRITER).status()).isEqualTo(200);
  }
}
