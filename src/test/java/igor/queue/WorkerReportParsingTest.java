package igor.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import igor.domain.Identifiers;
import igor.domain.OutcomeLimits;
import igor.domain.WorkerReport;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** Reports are read strictly: wrong JSON types and numbers out of range are malformed. */
class WorkerReportParsingTest {
  private final String jobId = Identifiers.newId();
  private final String taskId = Identifiers.newId();

  private String report(String fields) {
    return "{\"v\":1,\"kind\":\"completed\",\"job_id\":\""
        + jobId
        + "\",\"task_id\":\""
        + taskId
        + "\","
        + fields
        + "}";
  }

  private static void refused(String text, String field) {
    assertThatThrownBy(() -> WireFormat.parseReport(text))
        .isInstanceOf(WireFormat.MalformedMessageException.class)
        .hasMessageContaining("'" + field + "'");
  }

  @Test
  void readsAWellFormedReport() throws Exception {
    WorkerReport r =
        WireFormat.parseReport(
            report(
                "\"attempt\":2,\"worker\":\"w\",\"message\":\"ok\",\"result\":\"AQI=\","
                    + "\"retryable\":false,\"at\":1764201600000"));
    assertThat(r.attempt()).isEqualTo(2);
    assertThat(r.result()).containsExactly(1, 2);
    assertThat(r.retryable()).isFalse();
    assertThat(r.at()).isEqualTo(1764201600000L);
  }

  @Test
  void refusesAnAttemptPastThirtyTwoBitsInsteadOfWrappingIt() {
    refused(report("\"attempt\":4294967297"), "attempt");
  }

  @Test
  void refusesAFractionalOrQuotedAttempt() {
    refused(report("\"attempt\":1.9"), "attempt");
    refused(report("\"attempt\":\"1\""), "attempt");
    refused(report("\"attempt\":0"), "attempt");
  }

  @Test
  void refusesARetryableThatIsNotABoolean() {
    refused(report("\"attempt\":1,\"retryable\":\"maybe\""), "retryable");
  }

  @Test
  void refusesAnAtThatIsNotAWholeNumberOfMilliseconds() {
    refused(report("\"attempt\":1,\"at\":\"yesterday\""), "at");
    refused(report("\"attempt\":1,\"at\":1.5"), "at");
    refused(report("\"attempt\":1,\"at\":99999999999999999999"), "at");
  }

  @Test
  void refusesTextFieldsOfAnotherType() {
    refused(report("\"attempt\":1,\"message\":42"), "message");
    refused(report("\"attempt\":1,\"worker\":{}"), "worker");
    refused(report("\"attempt\":1,\"result\":[1]"), "result");
    refused(report("\"attempt\":1,\"v\":\"1\""), "v");
  }

  @Test
  void replacesNulSurrogatesAndControlsInTextWithTheReplacementCharacter() throws Exception {
    WorkerReport r =
        WireFormat.parseReport(
            report(
                "\"attempt\":1,\"worker\":\"w\\u0000\",\"message\":\"a\\u0000b\\ud800c\\u0007"
                    + "\\t\\n\\ud83d\\ude00\""));
    assertThat(r.worker()).isEqualTo("w\uFFFD");
    assertThat(r.message()).isEqualTo("a\uFFFDb\uFFFDc\uFFFD\t\n\ud83d\ude00");
  }

  @Test
  void aResultOverTheLimitFailsTheAttemptNamingTheLimit() throws Exception {
    String result = Base64.getEncoder().encodeToString(new byte[101]);
    WorkerReport r =
        WireFormat.parseReport(
            report("\"attempt\":3,\"result\":\"" + result + "\""), new OutcomeLimits(100, 100));
    assertThat(r.kind()).isEqualTo(WorkerReport.Kind.FAILED);
    assertThat(r.attempt()).isEqualTo(3);
    assertThat(r.retryable()).isFalse();
    assertThat(r.result()).isNull();
    assertThat(r.message()).contains("101 bytes", "limit of 100", "igor.reports.max-result-bytes");
  }

  @Test
  void aResultAtTheLimitIsApplied() throws Exception {
    for (int size = 98; size <= 100; size++) {
      String result = Base64.getEncoder().encodeToString(new byte[size]);
      WorkerReport r =
          WireFormat.parseReport(
              report("\"attempt\":1,\"result\":\"" + result + "\""), new OutcomeLimits(100, 100));
      assertThat(r.kind()).isEqualTo(WorkerReport.Kind.COMPLETED);
      assertThat(r.result()).hasSize(size);
    }
  }

  @Test
  void aMessageOverTheLimitInUtf8BytesFailsTheAttempt() throws Exception {
    WorkerReport atLimit =
        WireFormat.parseReport(
            report("\"attempt\":1,\"message\":\"" + "é".repeat(50) + "\""),
            new OutcomeLimits(100, 100));
    assertThat(atLimit.kind()).isEqualTo(WorkerReport.Kind.COMPLETED);
    WorkerReport over =
        WireFormat.parseReport(
            report("\"attempt\":1,\"message\":\"" + "é".repeat(51) + "\""),
            new OutcomeLimits(100, 100));
    assertThat(over.kind()).isEqualTo(WorkerReport.Kind.FAILED);
    assertThat(over.message()).contains("102 bytes", "igor.reports.max-message-bytes");
  }

  @Test
  void aDeadLetterKeepsABoundedExcerptAndSaysHowLongTheMessageWas() throws Exception {
    String raw = "x".repeat(10_000);
    String entry = WireFormat.deadLetter("P:reports", raw, "not JSON", 1L, 100);
    var json = new com.fasterxml.jackson.databind.ObjectMapper().readTree(entry);
    assertThat(json.path("raw").asText()).hasSize(100);
    assertThat(json.path("raw_chars").asInt()).isEqualTo(10_000);
  }
}
