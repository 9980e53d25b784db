package igor.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP/1.1 written by hand on a socket, for requests an HTTP client refuses to send (a foreign
 * Host, a URI of 10,000 characters, a bad escape, an unknown method). Each request is sent with
 * {@code Connection: close} and its answer read to the end.
 */
public final class RawHttp {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final int port;
  private final InetAddress from;

  public RawHttp(int port) {
    this(port, null);
  }

  /** Connects from this local address (any of 127.0.0.0/8 on Linux): another client address. */
  public RawHttp(int port, InetAddress from) {
    this.port = port;
    this.from = from;
  }

  /** An answer as read from the wire; header names in lower case. */
  public record Answer(int status, Map<String, String> headers, String body) {
    public String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }

    /** The body as JSON; fails when it is not JSON. */
    public JsonNode json() {
      try {
        return JSON.readTree(body);
      } catch (IOException e) {
        throw new AssertionError("not JSON (" + status + "): " + body, e);
      }
    }

    public String error() {
      return json().path("error").asText(null);
    }
  }

  /** Sends "METHOD target HTTP/1.1", the Host given (null: none), more header lines and a body. */
  public Answer send(String method, String target, String host, String headers, String body) {
    StringBuilder r = new StringBuilder();
    r.append(method).append(' ').append(target).append(" HTTP/1.1\r\n");
    if (host != null) {
      r.append("Host: ").append(host).append("\r\n");
    }
    r.append(headers);
    byte[] content = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
    if (body != null) {
      r.append("Content-Length: ").append(content.length).append("\r\n");
    }
    r.append("Connection: close\r\n\r\n");
    return exchange(r.toString().getBytes(StandardCharsets.ISO_8859_1), content);
  }

  /** Sends a request line of the caller's own (a bad version, say) with this Host. */
  public Answer sendLine(String requestLine, String host) {
    String head = requestLine + "\r\nHost: " + host + "\r\nConnection: close\r\n\r\n";
    return exchange(head.getBytes(StandardCharsets.ISO_8859_1), new byte[0]);
  }

  /** A GET with the node's own Host. */
  public Answer get(String target) {
    return send("GET", target, ownHost(), "", null);
  }

  public String ownHost() {
    return "127.0.0.1:" + port;
  }

  private Answer exchange(byte[] head, byte[] content) {
    try (Socket socket = new Socket(InetAddress.getByName("127.0.0.1"), port, from, 0)) {
      socket.setSoTimeout(30_000);
      OutputStream out = socket.getOutputStream();
      out.write(head);
      out.write(content);
      out.flush();
      return read(socket.getInputStream());
    } catch (IOException e) {
      throw new IllegalStateException("raw HTTP exchange failed: " + e.getMessage(), e);
    }
  }

  private static Answer read(InputStream in) throws IOException {
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    byte[] buffer = new byte[8192];
    int n;
    while ((n = in.read(buffer)) >= 0) {
      all.write(buffer, 0, n);
    }
    String text = all.toString(StandardCharsets.UTF_8);
    int end = text.indexOf("\r\n\r\n");
    if (end < 0) {
      throw new AssertionError("no complete answer: " + text);
    }
    String[] lines = text.substring(0, end).split("\r\n");
    int status = Integer.parseInt(lines[0].split(" ")[1]);
    Map<String, String> headers = new LinkedHashMap<>();
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      headers.put(
          lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
          lines[i].substring(colon + 1).trim());
    }
    String body = text.substring(end + 4);
    if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
      body = unchunk(body);
    }
    return new Answer(status, headers, body);
  }

  private static String unchunk(String chunked) {
    StringBuilder body = new StringBuilder();
    int at = 0;
    while (true) {
      int lineEnd = chunked.indexOf("\r\n", at);
      int size = Integer.parseInt(chunked.substring(at, lineEnd).split(";")[0].trim(), 16);
      if (size == 0) {
        return body.toString();
      }
      body.append(chunked, lineEnd + 2, lineEnd + 2 + size);
      at = lineEnd + 2 + size + 2;
    }
  }
}
