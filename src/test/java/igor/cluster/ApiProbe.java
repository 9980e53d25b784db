package igor.cluster;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Asks nodes' APIs for some paths once a period each, without waiting for slow answers (a request
 * that waits for a dead node's job does not delay the next one), and keeps every outcome with the
 * moment it was sent (the body only of failed ones). The nodes take turns, path by path.
 */
final class ApiProbe implements AutoCloseable {
  /**
   * One request: what was asked of which port, when it was sent and answered (nanoTime), the status
   * (-1: no answer) and the body (or why there was none).
   */
  record Outcome(
      String path, int port, long sentNanos, long answeredNanos, int status, String body) {
    boolean failed() {
      return status != 200;
    }

    Duration took() {
      return Duration.ofNanos(answeredNanos - sentNanos);
    }
  }

  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

  private final HttpClient client =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();
  private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor();
  private final ConcurrentLinkedQueue<CompletableFuture<Void>> inFlight =
      new ConcurrentLinkedQueue<>();
  private final ConcurrentLinkedQueue<Outcome> outcomes = new ConcurrentLinkedQueue<>();
  private final List<String> paths;
  private final List<Integer> ports;
  private long round;

  private ApiProbe(List<String> paths, List<Integer> ports) {
    this.paths = List.copyOf(paths);
    this.ports = List.copyOf(ports);
  }

  /** Starts asking for every path once per period, spread over the ports. */
  static ApiProbe start(List<String> paths, List<Integer> ports, Duration period) {
    ApiProbe probe = new ApiProbe(paths, ports);
    probe.ticker.scheduleAtFixedRate(probe::askAll, 0, period.toMillis(), TimeUnit.MILLISECONDS);
    return probe;
  }

  private void askAll() {
    for (int i = 0; i < paths.size(); i++) {
      int port = ports.get((int) ((round + i) % ports.size()));
      ask(paths.get(i), port);
    }
    round++;
    inFlight.removeIf(CompletableFuture::isDone);
  }

  private void ask(String path, int port) {
    long sent = System.nanoTime();
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(REQUEST_TIMEOUT)
            .GET()
            .build();
    inFlight.add(
        client
            .sendAsync(request, HttpResponse.BodyHandlers.ofString())
            .handle(
                (response, failure) -> {
                  outcomes.add(
                      new Outcome(
                          path,
                          port,
                          sent,
                          System.nanoTime(),
                          failure == null ? response.statusCode() : -1,
                          failure != null
                              ? failure.toString()
                              : response.statusCode() == 200 ? "" : response.body()));
                  return null;
                }));
  }

  /** Stops asking, waits for the answers still due, and returns every outcome, oldest first. */
  List<Outcome> stop() {
    ticker.shutdownNow();
    try {
      ticker.awaitTermination(5, TimeUnit.SECONDS);
      CompletableFuture.allOf(inFlight.toArray(CompletableFuture[]::new))
          .get(REQUEST_TIMEOUT.toSeconds() + 5, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("the probe's last requests did not end: " + e, e);
    }
    List<Outcome> all = new ArrayList<>(outcomes);
    all.sort((a, b) -> Long.compare(a.sentNanos(), b.sentNanos()));
    return all;
  }

  @Override
  public void close() {
    ticker.shutdownNow();
  }
}
