package igor.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;

/** A Server-Sent Events client of GET /api/v1/events, for tests: events are read on a thread. */
public final class EventStream implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient CLIENT =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();

  /** One event as the client saw it; a heartbeat comment has type "comment". */
  public record Event(String id, String type, JsonNode data) {
    public long ordering() {
      return Long.parseLong(id);
    }
  }

  private final int status;
  private final String body;
  private final Stream<String> lines;
  private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();

  private EventStream(int status, String body, Stream<String> lines) {
    this.status = status;
    this.body = body;
    this.lines = lines;
    if (lines != null) {
      Thread reader = new Thread(this::read, "sse-test-client");
      reader.setDaemon(true);
      reader.start();
    }
  }

  /** Opens the stream at path and query (e.g. "?job_ids=..."), with a Last-Event-ID if not null. */
  public static EventStream open(int port, String query, String lastEventId) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/events" + query))
            .header("Accept", "text/event-stream")
            .GET();
    if (lastEventId != null) {
      request.header("Last-Event-ID", lastEventId);
    }
    try {
      HttpResponse<Stream<String>> r =
          CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofLines());
      if (r.statusCode() != 200) {
        String text = String.join("\n", r.body().toList());
        return new EventStream(r.statusCode(), text, null);
      }
      return new EventStream(200, null, r.body());
    } catch (IOException e) {
      throw new IllegalStateException("event stream could not be opened: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  public int status() {
    return status;
  }

  /** The body of a refused stream (a JSON error). */
  public JsonNode error() {
    try {
      return JSON.readTree(body);
    } catch (IOException e) {
      throw new IllegalStateException("not JSON: " + body, e);
    }
  }

  private void read() {
    String id = null;
    String type = null;
    StringBuilder data = new StringBuilder();
    List<Event> waiting = new ArrayList<>();
    try {
      Iterator<String> it = lines.iterator();
      while (it.hasNext()) {
        String line = it.next();
        if (line.isEmpty()) {
          if ((data.length() > 0 || type != null)
              && id == null
              && ("task_log".equals(type) || "task_progress".equals(type))) {
            // task output: live only, never an id of its own nor a part of a batch (ADR 0014)
            events.add(new Event(null, type, JSON.readTree(data.toString())));
          } else if ((data.length() > 0 || type != null) && id == null) {
            // one of the events of a journaled batch of reports: only the last carries the id
            waiting.add(new Event(null, type, JSON.readTree(data.toString())));
          } else if (data.length() > 0 || type != null) {
            for (Event w : waiting) {
              events.add(new Event(id, w.type(), w.data()));
            }
            waiting.clear();
            events.add(new Event(id, type, JSON.readTree(data.toString())));
          }
          id = null;
          type = null;
          data.setLength(0);
        } else if (line.startsWith(":")) {
          events.add(new Event(null, "comment", null));
        } else if (line.startsWith("id:")) {
          id = line.substring(3).trim();
        } else if (line.startsWith("event:")) {
          type = line.substring(6).trim();
        } else if (line.startsWith("data:")) {
          data.append(line.substring(5).trim());
        }
      }
    } catch (IOException | RuntimeException e) {
      // closed
    }
  }

  /** Events (not comments) until one satisfies the condition; fails after the timeout. */
  public List<Event> until(Predicate<Event> last, Duration timeout) {
    List<Event> seen = new ArrayList<>();
    long deadline = System.nanoTime() + timeout.toNanos();
    try {
      while (true) {
        Event e = events.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
        if (e == null) {
          throw new AssertionError("no matching event within " + timeout + "; seen: " + seen);
        }
        if (e.type().equals("comment")) {
          continue;
        }
        seen.add(e);
        if (last.test(e)) {
          return seen;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Events and comments that arrive within this time. */
  public List<Event> within(Duration time) {
    List<Event> seen = new ArrayList<>();
    long deadline = System.nanoTime() + time.toNanos();
    try {
      while (true) {
        Event e = events.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        if (e == null) {
          return seen;
        }
        seen.add(e);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    if (lines != null) {
      lines.close();
    }
  }
}
