package igor.worker.internal;

import igor.domain.TaskOutput;
import igor.queue.WireFormat;
import igor.queue.WorkerChannel;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends the log lines and progress of a worker's attempts (docs/worker-protocol.md, "Logs and
 * progress") without ever making a handler wait or fail: a handler only adds to a bounded buffer,
 * and a thread of the worker sends what it holds every {@value #EVERY_MILLIS} ms in one pipelined
 * round trip. Beyond {@code capacity} lines the oldest are dropped and counted; only the latest
 * progress of an attempt is sent. While Redis cannot be reached the buffer keeps what it can.
 */
final class OutputSender implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(OutputSender.class);
  static final long EVERY_MILLIS = 200;

  /** The longest line a worker sends (bytes of UTF-8); nodes cut it further to their own limit. */
  static final int MAX_LINE_BYTES = 65536;

  /** How many lines a worker holds for sending at most (its buffer; the oldest are dropped). */
  static final int CAPACITY = 10_000;

  /** The most entries one round trip sends. */
  private static final int MAX_PER_SEND = 1000;

  private final WorkerChannel channel;
  private final int capacity;
  private final ArrayDeque<String> lines = new ArrayDeque<>();
  private final Map<String, String> progress = new LinkedHashMap<>();
  private final AtomicLong dropped = new AtomicLong();
  private final Object sending = new Object();
  private long droppedTold;
  private final ScheduledExecutorService thread;

  OutputSender(WorkerChannel channel, int capacity) {
    this.channel = channel;
    this.capacity = capacity;
    this.thread =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "igor-output");
              t.setDaemon(true);
              return t;
            });
  }

  OutputSender start() {
    thread.scheduleWithFixedDelay(
        this::sendQuietly, EVERY_MILLIS, EVERY_MILLIS, TimeUnit.MILLISECONDS);
    return this;
  }

  void line(TaskOutput.Entry entry) {
    String json = WireFormat.output(entry);
    synchronized (this) {
      if (lines.size() >= capacity) {
        lines.pollFirst();
        dropped.incrementAndGet();
      }
      lines.addLast(json);
    }
  }

  void progress(TaskOutput.Entry entry) {
    String json = WireFormat.output(entry);
    synchronized (this) {
      progress.put(entry.taskId() + "/" + entry.attempt(), json);
    }
  }

  /** Lines dropped so far because the buffer was full. */
  long dropped() {
    return dropped.get();
  }

  /** Sends everything held now (the worker does before an attempt's outcome); never throws. */
  void flush() {
    sendQuietly();
  }

  private void sendQuietly() {
    try {
      send();
    } catch (RuntimeException e) {
      log.debug("task output did not reach Redis, kept for the next try problem={}", e.toString());
    }
  }

  /**
   * Takes a batch under the buffer's lock and sends it outside it, so that a handler adding a line
   * never waits for Redis; one send at a time. A batch that fails goes back to the buffer's front.
   */
  private void send() {
    synchronized (sending) {
      while (true) {
        List<String> batch = new ArrayList<>();
        Map<String, String> progressSent = new LinkedHashMap<>();
        synchronized (this) {
          while (batch.size() < MAX_PER_SEND && !lines.isEmpty()) {
            batch.add(lines.pollFirst());
          }
          var p = progress.entrySet().iterator();
          while (batch.size() + progressSent.size() < MAX_PER_SEND && p.hasNext()) {
            var e = p.next();
            progressSent.put(e.getKey(), e.getValue());
            p.remove();
          }
        }
        if (batch.isEmpty() && progressSent.isEmpty()) {
          break;
        }
        int fromLines = batch.size();
        batch.addAll(progressSent.values());
        try {
          channel.sendOutput(batch);
        } catch (RuntimeException e) {
          synchronized (this) {
            for (int i = fromLines - 1; i >= 0; i--) {
              if (lines.size() < capacity) {
                lines.addFirst(batch.get(i));
              } else {
                dropped.incrementAndGet();
              }
            }
            progressSent.forEach(progress::putIfAbsent);
          }
          throw e;
        }
      }
      long now = dropped.get();
      if (now > droppedTold) {
        log.warn(
            "task output lines dropped: the buffer of {} was full dropped={} total={}",
            capacity,
            now - droppedTold,
            now);
        droppedTold = now;
      }
    }
  }

  @Override
  public void close() {
    thread.shutdownNow();
    sendQuietly();
  }
}
