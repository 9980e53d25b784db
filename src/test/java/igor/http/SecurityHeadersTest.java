package igor.http;

import static org.assertj.core.api.Assertions.assertThat;

import igor.testing.RawHttp;
import igor.testing.TestNode;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Every answer says no framing, no inline script, no referrer and no type sniffing. */
class SecurityHeadersTest {
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

  private static void assertSecurityHeaders(RawHttp.Answer a) {
    assertThat(a.header("Content-Security-Policy"))
        .as("answer %s", a.status())
        .contains("default-src 'self'")
        .contains("frame-ancestors 'none'")
        .contains("object-src 'none'")
        .doesNotContain("unsafe-inline")
        .doesNotContain("unsafe-eval");
    assertThat(a.header("X-Frame-Options")).isEqualTo("DENY");
    assertThat(a.header("Referrer-Policy")).isEqualTo("no-referrer");
    assertThat(a.header("X-Content-Type-Options")).isEqualTo("nosniff");
  }

  @Test
  void theUiPagesAndFilesCarryThem() {
    for (String path : List.of("/", "/submit", "/ui/app.css", "/ui/js/main.js")) {
      RawHttp.Answer a = raw.get(path);
      assertThat(a.status()).as(path).isEqualTo(200);
      assertSecurityHeaders(a);
    }
  }

  @Test
  void theApiAndItsErrorsCarryThem() {
    assertSecurityHeaders(raw.get("/api/v1/jobs"));
    assertSecurityHeaders(raw.get("/api/v1/jobs/not-an-id"));
    assertSecurityHeaders(raw.get("/healthz"));
    assertSecurityHeaders(raw.get("/nothing/here"));
    assertSecurityHeaders(raw.send("DELETE", "/api/v1/jobs", raw.ownHost(), "", null));
  }

  @Test
  void answersOfTheHttpParserCarryThem() {
    assertSecurityHeaders(raw.get("/api/v1/jobs?name=" + "a".repeat(10_000)));
    assertSecurityHeaders(raw.get("/api/v1/jobs/%ZZ"));
  }

  @Test
  void theUiNeedsNoInlineScriptOrStyle() {
    String index = raw.get("/").body();

    assertThat(index).doesNotContainPattern("<script(?![^>]*\\bsrc=)");
    assertThat(index).doesNotContain("<style").doesNotContainPattern("\\son[a-z]+=");
    assertThat(index).doesNotContainPattern("\\sstyle=");
  }
}
