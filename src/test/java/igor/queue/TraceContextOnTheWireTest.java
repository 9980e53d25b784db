package igor.queue;

import static org.assertj.core.api.Assertions.assertThat;

import igor.domain.Identifiers;
import igor.domain.WorkerReport;
import org.junit.jupiter.api.Test;

/**
 * The optional W3C traceparent of deliveries and reports (docs/worker-protocol.md): written only
 * when there is one, read back the same, and a bad one from a worker is dropped, never its report.
 */
class TraceContextOnTheWireTest {
  private static final String TRACE = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
  private final String jobId = Identifiers.newId();
  private final String taskId = Identifiers.newId();

  private TaskDelivery delivery(String traceParent) {
    return new TaskDelivery(jobId, Identifiers.newId(), taskId, 1, "d-1", "echo", new byte[] {1})
        .inTrace(traceParent);
  }

  @Test
  void aDeliveryCarriesItsTraceparentAndReadsBackTheSame() throws Exception {
    String json = WireFormat.delivery(delivery(TRACE));

    assertThat(json).contains("\"traceparent\":\"" + TRACE + "\"");
    assertThat(WireFormat.parseDelivery(json).traceParent()).isEqualTo(TRACE);
  }

  @Test
  void aDeliveryCarriesTheTasksNameRetriesAndTimeOutBesideItsTraceparent() throws Exception {
    TaskDelivery d =
        new TaskDelivery(
                jobId, Identifiers.newId(), taskId, 1, "d-1", "echo", new byte[] {1}, "say", 2, 30)
            .inTrace(TRACE);

    TaskDelivery read = WireFormat.parseDelivery(WireFormat.delivery(d));

    assertThat(read).usingRecursiveComparison().isEqualTo(d);
  }

  @Test
  void aDeliveryWithoutTraceIsWrittenAsBeforeAndReadsAsNone() throws Exception {
    String json = WireFormat.delivery(delivery(""));

    assertThat(json).doesNotContain("traceparent");
    assertThat(WireFormat.parseDelivery(json).traceParent()).isEmpty();
  }

  @Test
  void aReportCarriesItsTraceparentAndReadsBackTheSame() throws Exception {
    WorkerReport report =
        new WorkerReport(
            WorkerReport.Kind.COMPLETED, jobId, taskId, 1, "w", "", null, true, 5, TRACE);

    String json = WireFormat.report(report);

    assertThat(json).contains("\"traceparent\":\"" + TRACE + "\"");
    assertThat(WireFormat.parseReport(json).traceParent()).isEqualTo(TRACE);
  }

  @Test
  void aReportFromAnOlderWorkerHasNoTrace() throws Exception {
    String json =
        "{\"v\":1,\"kind\":\"completed\",\"job_id\":\""
            + jobId
            + "\",\"task_id\":\""
            + taskId
            + "\",\"attempt\":1}";

    assertThat(WireFormat.parseReport(json).traceParent()).isEmpty();
  }

  @Test
  void aMalformedTraceparentIsDroppedAndTheReportStillApplies() throws Exception {
    for (String bad :
        new String[] {
          "\"nonsense\"",
          "42",
          "\"00-00000000000000000000000000000000-b7ad6b7169203331-01\"",
          "\"00-0af7651916cd43dd8448eb211c80319c-0000000000000000-01\"",
          "\"ff-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01\"",
          "\"00-0AF7651916CD43DD8448EB211C80319C-b7ad6b7169203331-01\""
        }) {
      String json =
          "{\"v\":1,\"kind\":\"completed\",\"job_id\":\""
              + jobId
              + "\",\"task_id\":\""
              + taskId
              + "\",\"attempt\":1,\"traceparent\":"
              + bad
              + "}";

      WorkerReport read = WireFormat.parseReport(json);

      assertThat(read.traceParent()).as(bad).isEmpty();
      assertThat(read.kind()).isEqualTo(WorkerReport.Kind.COMPLETED);
    }
  }
}
