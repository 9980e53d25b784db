package igor.queue;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The task's name, retries and time-out ride on a delivery as optional fields of format 1: written
 * only when they say something, so a task without them is delivered as before, and read as absent
 * from a delivery of an older node.
 */
class DeliveryFieldsTest {
  private static final String JOB = "0f8e9a52-6a5e-4c57-9f0e-2b9a1f6b3d21";
  private static final String LAYER = "7c1d2e3f-4a5b-4c6d-8e9f-0a1b2c3d4e5f";
  private static final String TASK = "5b0c7a8e-3f0e-4c1b-9d55-2a7e4f1c9b10";
  private static final String DELIVERY = "b52d7d11-138e-3058-90f8-9ee22e5f9c42";
  private static final byte[] ARGS = "{\"width\":640}".getBytes(StandardCharsets.UTF_8);

  /** The worked example of docs/worker-protocol.md, as nodes wrote it before these fields. */
  private static final String FIRST_FORMAT =
      "{\"v\":1,\"job_id\":\""
          + JOB
          + "\",\"layer_id\":\""
          + LAYER
          + "\",\"task_id\":\""
          + TASK
          + "\",\"attempt\":1,\"delivery_id\":\""
          + DELIVERY
          + "\",\"type\":\"resize\",\"args\":\"eyJ3aWR0aCI6NjQwfQ==\"}";

  @Test
  void aTaskWithoutNameRetriesOrTimeOutIsDeliveredExactlyAsBefore() {
    TaskDelivery d = new TaskDelivery(JOB, LAYER, TASK, 1, DELIVERY, "resize", ARGS, "", 0, 0);

    assertThat(WireFormat.delivery(d)).isEqualTo(FIRST_FORMAT);
  }

  @Test
  void theTasksNameRetriesAndTimeOutAreDeliveredAndReadBack() throws Exception {
    TaskDelivery d =
        new TaskDelivery(JOB, LAYER, TASK, 2, DELIVERY, "resize", ARGS, "thumb 1", 3, 60);

    String message = WireFormat.delivery(d);
    TaskDelivery read = WireFormat.parseDelivery(message);

    assertThat(message).endsWith(",\"name\":\"thumb 1\",\"retries\":3,\"timeout\":60}");
    assertThat(read.name()).isEqualTo("thumb 1");
    assertThat(read.retries()).isEqualTo(3);
    assertThat(read.timeoutSeconds()).isEqualTo(60);
    assertThat(read.attempt()).isEqualTo(2);
  }

  @Test
  void theRetriesLeftAreDeliveredWhenThereAreAnyAndReadBack() throws Exception {
    TaskDelivery d =
        new TaskDelivery(JOB, LAYER, TASK, 2, DELIVERY, "resize", ARGS, "thumb 1", 3, 60, "", 2);
    TaskDelivery last =
        new TaskDelivery(JOB, LAYER, TASK, 4, DELIVERY, "resize", ARGS, "", 3, 0, "", 0);

    String message = WireFormat.delivery(d);

    assertThat(message)
        .endsWith(",\"name\":\"thumb 1\",\"retries\":3,\"timeout\":60,\"retries_left\":2}");
    assertThat(WireFormat.parseDelivery(message).retriesLeft()).isEqualTo(2);
    assertThat(WireFormat.delivery(last)).doesNotContain("retries_left");
    assertThat(WireFormat.parseDelivery(WireFormat.delivery(last)).retriesLeft()).isZero();
    assertThat(WireFormat.parseDelivery(FIRST_FORMAT).retriesLeft()).isZero();
    assertThat(
            WireFormat.delivery(d.inTrace("00-" + "a".repeat(32) + "-" + "b".repeat(16) + "-01")))
        .contains("\"retries_left\":2");
  }

  @Test
  void aDeliveryOfAnOlderNodeReadsWithoutNameRetriesOrTimeOut() throws Exception {
    TaskDelivery read = WireFormat.parseDelivery(FIRST_FORMAT);

    assertThat(read.name()).isEmpty();
    assertThat(read.retries()).isZero();
    assertThat(read.timeoutSeconds()).isZero();
    assertThat(read.args()).isEqualTo(ARGS);
  }
}
