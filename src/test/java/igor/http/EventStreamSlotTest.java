package igor.http;

import static org.assertj.core.api.Assertions.assertThat;

import igor.testing.TestNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A stream whose client went away gives its slot of igor.events.max-streams back within seconds,
 * with the default heartbeat (2 s): a closed connection is seen when a write to it fails.
 */
class EventStreamSlotTest {
  private static final int MAX_STREAMS = 2;

  /**
   * The bound docs/operations.md gives for a dropped stream's slot: two heartbeats (2 s each by
   * default) and the time to see a failed write, under load (5.0 s measured with a load of 16 on
   * two cores).
   */
  private static final Duration FREED_WITHIN = Duration.ofSeconds(6);

  private static TestNode.Running node;

  @BeforeAll
  static void startNode() {
    node = TestNode.running(List.of(), Map.of("igor.events.max-streams", MAX_STREAMS));
  }

  @AfterAll
  static void stopNode() {
    node.close();
  }

  /** An open stream on a socket of its own: the status line is read, the rest left unread. */
  private record Stream(Socket socket, int status) {
    void drop() {
      try {
        socket.close();
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  private static Stream open() {
    try {
      Socket socket = new Socket("127.0.0.1", node.node().httpPort());
      socket.setSoTimeout(10_000);
      String request =
          "GET /api/v1/events HTTP/1.1\r\nHost: 127.0.0.1:"
              + node.node().httpPort()
              + "\r\nAccept: text/event-stream\r\n\r\n";
      socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
      socket.getOutputStream().flush();
      String head = readHead(socket.getInputStream());
      return new Stream(socket, Integer.parseInt(head.split(" ")[1]));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String readHead(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        break;
      }
      head.write(b);
    }
    return head.toString(StandardCharsets.US_ASCII);
  }

  @Test
  void aDroppedStreamFreesItsSlotWithinSeconds() throws InterruptedException {
    List<Stream> streams = new ArrayList<>();
    try {
      for (int i = 0; i < MAX_STREAMS; i++) {
        streams.add(open());
      }
      assertThat(streams).allSatisfy(s -> assertThat(s.status()).isEqualTo(200));
      Stream refused = open();
      refused.drop();
      assertThat(refused.status()).isEqualTo(503);

      streams.get(0).drop();
      long dropped = System.nanoTime();
      Stream again = null;
      while (System.nanoTime() - dropped < Duration.ofSeconds(60).toNanos()) {
        again = open();
        if (again.status() == 200) {
          break;
        }
        again.drop();
        Thread.sleep(100);
      }
      Duration took = Duration.ofNanos(System.nanoTime() - dropped);
      streams.add(again);

      assertThat(again.status()).isEqualTo(200);
      assertThat(took).isLessThan(FREED_WITHIN);
    } finally {
      streams.forEach(Stream::drop);
    }
  }
}
