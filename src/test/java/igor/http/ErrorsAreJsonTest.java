package igor.http;

import static org.assertj.core.api.Assertions.assertThat;

import igor.testing.RawHttp;
import igor.testing.TestNode;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every error is the API's JSON, also the ones pekko-http answers before a route sees the request
 * (its parser's 400, 414, 431, 501, 505). Sent by hand: HTTP clients refuse to send most of them.
 */
class ErrorsAreJsonTest {
  private static TestNode.Running node;
  private static RawHttp raw;

  @BeforeAll
  static void startNode() {
    node = TestNode.running(List.of());
    raw = new RawHttp(node.node().httpPort());
  }

  @AfterAll
  static void stopNode() {
    node.close();
  }

  private static void assertJsonError(RawHttp.Answer a, int status) {
    assertThat(a.status()).as(a.body()).isEqualTo(status);
    assertThat(a.header("Content-Type")).startsWith("application/json");
    assertThat(a.error()).isNotBlank();
  }

  @Test
  void aUriOverTheLimitIsAJson414() {
    RawHttp.Answer a = raw.get("/api/v1/jobs?name=" + "a".repeat(20_000)); // over 16 KiB

    assertJsonError(a, 414);
    assertThat(a.error()).contains("URI");
  }

  @Test
  void headersOverTheLimitAreAJson431() {
    RawHttp.Answer a =
        raw.send(
            "GET", "/api/v1/jobs", raw.ownHost(), "X-Big: " + "b".repeat(20_000) + "\r\n", null);

    assertJsonError(a, 431);
  }

  @Test
  void anUnknownMethodIsAJson501() {
    RawHttp.Answer a = raw.send("BREW", "/api/v1/jobs", raw.ownHost(), "", null);

    assertJsonError(a, 501);
  }

  @Test
  void anUnknownHttpVersionIsAJson505() {
    RawHttp.Answer a = raw.send("GET", "/api/v1/jobs", raw.ownHost(), "", null);
    RawHttp.Answer v = raw.sendLine("GET /api/v1/jobs HTTP/2.5", raw.ownHost());

    assertThat(a.status()).isEqualTo(200);
    assertJsonError(v, 505);
  }

  @Test
  void aBadEscapeInThePathIsAJson400() {
    assertJsonError(raw.get("/api/v1/jobs/%ZZ"), 400);
  }

  @Test
  void aBadEscapeInTheQueryIsAJson400() {
    RawHttp.Answer a = raw.get("/api/v1/jobs?name=%ZZ");

    assertJsonError(a, 400);
    assertThat(a.error()).contains("request-target").contains("%ZZ").doesNotContain("\n");
  }

  @Test
  void aMalformedHeaderLineIsAJson400() {
    RawHttp.Answer a =
        raw.send("GET", "/api/v1/jobs", raw.ownHost(), "this is no header\r\n", null);

    assertJsonError(a, 400);
  }

  @Test
  void aRequestWithoutHostIsAJson400() {
    assertJsonError(raw.send("GET", "/api/v1/jobs", null, "", null), 400);
  }

  @Test
  void headOfAnApiPathIsAJson405NamingGet() {
    RawHttp.Answer a = raw.send("HEAD", "/api/v1/jobs", raw.ownHost(), "", null);

    assertThat(a.status()).isEqualTo(405);
    assertThat(a.header("Content-Type")).startsWith("application/json");
    assertThat(a.header("Allow")).contains("GET");
  }

  @Test
  void aWrongMethodIsAJson405() {
    assertJsonError(raw.send("DELETE", "/api/v1/jobs", raw.ownHost(), "", null), 405);
    assertJsonError(raw.send("PUT", "/api/v1/pause", raw.ownHost(), "", "[]"), 405);
    assertJsonError(raw.send("POST", "/healthz", raw.ownHost(), "", "{}"), 405);
    assertJsonError(raw.send("DELETE", "/ui/app.css", raw.ownHost(), "", null), 405);
  }

  @Test
  void anUnknownPathIsAJson404() {
    assertJsonError(raw.get("/nothing/here"), 404);
    assertJsonError(raw.get("/ui/../../etc/passwd"), 404);
  }
}
