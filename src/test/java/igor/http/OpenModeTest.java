package igor.http;

import static org.assertj.core.api.Assertions.assertThat;

import igor.testing.RawHttp;
import igor.testing.TestNode;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A node without tokens (igor dev) takes no request from another site's page and none that came
 * through DNS rebinding: the Host must be one of its names and an Origin, when sent, its own. Tools
 * that send no Origin keep working, a form-encoded {@code curl -d} included.
 */
class OpenModeTest {
  private static final String JOB = "{\"layers\": [{\"tasks\": [{\"type\": \"held\"}]}]}";
  private static final String FORM = "Content-Type: application/x-www-form-urlencoded\r\n";
  private static TestNode.Running node;
  private static RawHttp raw;
  private static int port;

  @BeforeAll
  static void startNode() {
    node =
        TestNode.running(
            List.of(), Map.of("igor.http.allowed-hosts", "igor.example.com, proxy.example:8443"));
    port = node.node().httpPort();
    raw = new RawHttp(port);
  }

  @AfterAll
  static void stopNode() {
    node.close();
  }

  private static RawHttp.Answer create(String host, String headers) {
    return raw.send("POST", "/api/v1/jobs", host, headers, JOB);
  }

  private static void assertRefused(RawHttp.Answer a, String naming) {
    assertThat(a.status()).as(a.body()).isEqualTo(403);
    assertThat(a.header("Content-Type")).startsWith("application/json");
    assertThat(a.error()).contains(naming).contains("igor.http.allowed-hosts");
  }

  @Test
  void aRequestToAForeignHostNameIsRefused() {
    assertRefused(create("evil.example:" + port, ""), "Host 'evil.example:" + port + "'");
    assertRefused(raw.send("GET", "/api/v1/jobs", "evil.example:" + port, "", null), "Host");
  }

  @Test
  void aPageOfAnotherSiteIsRefusedWhateverItsContentType() {
    assertRefused(
        create(raw.ownHost(), "Origin: http://evil.example\r\n" + FORM),
        "Origin 'http://evil.example'");
    assertRefused(
        create(raw.ownHost(), "Origin: http://evil.example\r\nContent-Type: text/plain\r\n"),
        "Origin");
    assertRefused(
        create(raw.ownHost(), "Origin: http://127.0.0.1:" + (port + 1) + "\r\n"), "Origin");
    assertRefused(create(raw.ownHost(), "Origin: null\r\n"), "Origin 'null'");
    assertRefused(
        raw.send("GET", "/api/v1/events", raw.ownHost(), "Origin: http://evil.example\r\n", null),
        "Origin");
  }

  @Test
  void aRebindingPageIsRefused() {
    String host = "rebind.evil.example:" + port;

    assertRefused(create(host, "Origin: http://" + host + "\r\n" + FORM), "Host");
  }

  @Test
  void toolsThatSendNoOriginKeepWorkingCurlDashDIncluded() {
    RawHttp.Answer curl = create(raw.ownHost(), FORM);
    RawHttp.Answer json = create(raw.ownHost(), "Content-Type: application/json\r\n");
    RawHttp.Answer localhost = create("localhost:" + port, FORM);
    RawHttp.Answer v6 = create("[::1]:" + port, FORM);

    assertThat(curl.status()).as(curl.body()).isEqualTo(200);
    assertThat(curl.json().path("id").asText()).isNotBlank();
    assertThat(json.status()).isEqualTo(200);
    assertThat(localhost.status()).isEqualTo(200);
    assertThat(v6.status()).isEqualTo(200);
  }

  @Test
  void theNodesOwnPagesAreServed() {
    RawHttp.Answer own = create(raw.ownHost(), "Origin: http://127.0.0.1:" + port + "\r\n");
    RawHttp.Answer named =
        create("localhost:" + port, "Origin: http://LocalHost:" + port + "\r\n" + FORM);

    assertThat(own.status()).as(own.body()).isEqualTo(200);
    assertThat(named.status()).as(named.body()).isEqualTo(200);
  }

  @Test
  void configuredNamesAreTheNodesOwnToo() {
    RawHttp.Answer proxied =
        create("igor.example.com", "Origin: https://igor.example.com\r\n" + FORM);
    RawHttp.Answer withPort =
        create("proxy.example:8443", "Origin: https://proxy.example:8443\r\n");
    RawHttp.Answer otherPort = create("proxy.example:9000", "");

    assertThat(proxied.status()).as(proxied.body()).isEqualTo(200);
    assertThat(withPort.status()).as(withPort.body()).isEqualTo(200);
    assertRefused(otherPort, "Host 'proxy.example:9000'");
  }

  @Test
  void theUiAndTheProbesAnswerAnyHost() {
    assertThat(raw.send("GET", "/", "10.1.2.3:" + port, "", null).status()).isEqualTo(200);
    assertThat(raw.send("GET", "/healthz", "10.1.2.3:" + port, "", null).status()).isEqualTo(200);
  }
}
