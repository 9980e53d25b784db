package igor.worker.internal;

import static org.assertj.core.api.Assertions.assertThat;

import igor.domain.TaskOutput;
import igor.queue.WorkerChannel;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * A handler that logs never waits for Redis and never sees it fail: the buffer is bounded (oldest
 * dropped and counted), a failed send keeps its lines for the next, only the latest progress of an
 * attempt is sent.
 */
class OutputSenderTest {
  private static final String JOB = "00000000-0000-4000-8000-00000000000a";
  private static final String TASK = "00000000-0000-4000-8000-00000000000b";

  /** A channel whose sendOutput does what {@code send} says; every other call is unexpected. */
  private interface Send {
    void send(List<String> entries);
  }

  private static WorkerChannel channel(Send send) {
    return (WorkerChannel)
        Proxy.newProxyInstance(
            WorkerChannel.class.getClassLoader(),
            new Class<?>[] {WorkerChannel.class},
            (proxy, method, args) -> {
              if (method.getName().equals("sendOutput")) {
                @SuppressWarnings("unchecked")
                List<String> entries = (List<String>) args[0];
                send.send(entries);
                return null;
              }
              throw new UnsupportedOperationException(method.getName());
            });
  }

  private static TaskOutput.Entry line(String text) {
    return TaskOutput.Entry.log(JOB, TASK, 1, "w", 1L, TaskOutput.Level.INFO, text);
  }

  @Test
  void addingALineNeverWaitsForASendInProgress() throws Exception {
    CountDownLatch sending = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    List<String> sent = new ArrayList<>();
    OutputSender sender =
        new OutputSender(
            channel(
                entries -> {
                  sending.countDown();
                  try {
                    release.await(30, TimeUnit.SECONDS);
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                  synchronized (sent) {
                    sent.addAll(entries);
                  }
                }),
            100);
    sender.line(line("first"));
    Thread flusher = new Thread(sender::flush);
    flusher.start();
    assertThat(sending.await(30, TimeUnit.SECONDS)).isTrue();
    long start = System.nanoTime();
    for (int i = 0; i < 50; i++) {
      sender.line(line("while sending " + i));
    }
    // the send is held: the 50 lines went to the buffer without waiting for it
    assertThat(flusher.isAlive()).isTrue();
    assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start)).isLessThan(5);
    release.countDown();
    flusher.join(30_000);
    sender.flush();
    synchronized (sent) {
      assertThat(sent).hasSize(51);
      assertThat(sent.get(0)).contains("\"line\":\"first\"");
    }
    sender.close();
  }

  @Test
  void beyondItsCapacityTheOldestLinesAreDroppedAndCounted() {
    List<String> sent = new ArrayList<>();
    OutputSender sender = new OutputSender(channel(sent::addAll), 3);
    for (int i = 1; i <= 5; i++) {
      sender.line(line("line " + i));
    }
    assertThat(sender.dropped()).isEqualTo(2);
    sender.flush();
    assertThat(sent)
        .hasSize(3)
        .allSatisfy(s -> assertThat(s).doesNotContain("line 1\"", "line 2\""));
    assertThat(sent.get(0)).contains("line 3");
  }

  @Test
  void aFailedSendNeverReachesTheHandlerAndItsLinesGoWithTheNext() {
    AtomicBoolean down = new AtomicBoolean(true);
    List<String> sent = new ArrayList<>();
    OutputSender sender =
        new OutputSender(
            channel(
                entries -> {
                  if (down.get()) {
                    throw new IllegalStateException("Redis is down");
                  }
                  sent.addAll(entries);
                }),
            10);
    sender.line(line("kept"));
    sender.progress(TaskOutput.Entry.progress(JOB, TASK, 1, "w", 1L, 0.25));
    sender.progress(TaskOutput.Entry.progress(JOB, TASK, 1, "w", 2L, 0.5));
    sender.flush(); // fails quietly
    assertThat(sent).isEmpty();
    down.set(false);
    sender.flush();
    assertThat(sent).hasSize(2);
    assertThat(sent.get(0)).contains("\"line\":\"kept\"");
    assertThat(sent.get(1)).contains("\"progress\":0.5");
  }
}
