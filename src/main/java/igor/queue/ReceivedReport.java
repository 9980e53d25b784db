package igor.queue;

import igor.domain.WorkerReport;

/**
 * A worker's report as read from the report channel, with the receipt that acknowledges it. A
 * report whose text could not be read has a null {@code report}, its {@code raw} text and a {@code
 * problem}.
 */
public record ReceivedReport(String receipt, WorkerReport report, String raw, String problem) {

  public static ReceivedReport of(String receipt, WorkerReport report) {
    return new ReceivedReport(receipt, report, null, null);
  }

  public static ReceivedReport unreadable(String receipt, String raw, String problem) {
    return new ReceivedReport(receipt, null, raw, problem);
  }
}
