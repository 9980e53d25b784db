package igor.http;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The names a node answers to, for open mode (no tokens): a request must name one of them in its
 * {@code Host}, and a request that carries an {@code Origin} must come from a page of one of them.
 * That keeps other sites' pages out (a browser always sends the Origin of a cross-site request) and
 * DNS rebinding too (the browser then sends the attacker's name as Host). The names: the address
 * the node listens on with its port; with a loopback address, localhost, 127.0.0.1 and [::1]; with
 * a wildcard address (0.0.0.0, ::), those, the machine's host name and the addresses of its
 * interfaces; and igor.http.allowed-hosts ("name" for any port, "name:port" for one). "*" in that
 * list takes any Host, and then an Origin must name the Host's own host.
 */
final class OwnNames {
  private record Name(String host, int port) {
    static final int ANY_PORT = -1;

    boolean matches(String otherHost, int otherPort) {
      return host.equals(otherHost) && (port == ANY_PORT || port == otherPort);
    }
  }

  private final String bindHost;
  private final boolean tls;
  private final List<Name> configured = new ArrayList<>();
  private final boolean anyHost;
  private volatile List<Name> names = List.of();

  OwnNames(String bindHost, boolean tls, List<String> allowedHosts) {
    this.bindHost = bindHost.trim();
    this.tls = tls;
    boolean any = false;
    for (String entry : allowedHosts) {
      String e = entry.trim();
      if (e.equals("*")) {
        any = true;
      } else if (!e.isEmpty()) {
        configured.add(parse(e, Name.ANY_PORT));
      }
    }
    this.anyHost = any;
    this.names = List.copyOf(configured);
  }

  /** Called once the node listens: its own names carry the port it got. */
  void boundTo(int port) {
    List<Name> all = new ArrayList<>(configured);
    String host = normalize(bindHost.isEmpty() ? "0.0.0.0" : bindHost);
    boolean wildcard = host.equals("0.0.0.0") || host.equals("[0:0:0:0:0:0:0:0]");
    all.add(new Name(host, port));
    if (wildcard || isLoopback(host)) {
      for (String loopback : List.of("localhost", "127.0.0.1", "[::1]")) {
        all.add(new Name(normalize(loopback), port));
      }
    }
    if (wildcard) {
      all.addAll(machineNames(port));
    }
    names = List.copyOf(all);
  }

  /** Why the request is refused, or empty when its Host and Origin are the node's own. */
  Optional<String> refusal(Optional<String> host, Optional<String> origin) {
    Name requested = null;
    if (host.isPresent()) {
      requested = parseOrNull(host.get(), tls ? 443 : 80);
      if (requested == null || (!anyHost && !isOwn(requested))) {
        return Optional.of(
            "Host '"
                + host.get()
                + "' is not a name of this node: without tokens it answers only requests to its"
                + " own address (igor.http.allowed-hosts)");
      }
    }
    if (origin.isPresent()) {
      Name from = originName(origin.get());
      boolean own =
          from != null
              && (anyHost
                  ? requested != null && requested.host().equals(from.host())
                  : isOwn(from));
      if (!own) {
        return Optional.of(
            "Origin '"
                + origin.get()
                + "' is not this node: without tokens it refuses requests from other sites' pages"
                + " (igor.http.allowed-hosts)");
      }
    }
    return Optional.empty();
  }

  private boolean isOwn(Name n) {
    return names.stream().anyMatch(own -> own.matches(n.host(), n.port()));
  }

  private static Name originName(String origin) {
    try {
      URI uri = new URI(origin.trim());
      String scheme = uri.getScheme();
      if (uri.getHost() == null || scheme == null) {
        return null;
      }
      int port = uri.getPort();
      if (port < 0) {
        port = scheme.equalsIgnoreCase("https") ? 443 : 80;
      }
      return new Name(normalize(uri.getHost()), port);
    } catch (java.net.URISyntaxException e) {
      return null;
    }
  }

  private static Name parse(String hostAndPort, int defaultPort) {
    Name n = parseOrNull(hostAndPort, defaultPort);
    if (n == null) {
      throw new IllegalArgumentException(
          "igor.http.allowed-hosts: '" + hostAndPort + "' is not a host or host:port");
    }
    return n;
  }

  /** "name", "name:port", "[v6]" or "[v6]:port"; null when it is none of those. */
  private static Name parseOrNull(String hostAndPort, int defaultPort) {
    String s = hostAndPort.trim();
    String host;
    String rest;
    if (s.startsWith("[")) {
      int close = s.indexOf(']');
      if (close < 0) {
        return null;
      }
      host = s.substring(0, close + 1);
      rest = s.substring(close + 1);
    } else {
      int colon = s.indexOf(':');
      host = colon < 0 ? s : s.substring(0, colon);
      rest = colon < 0 ? "" : s.substring(colon);
    }
    if (host.isEmpty() || host.equals("[]")) {
      return null;
    }
    int port = defaultPort;
    if (!rest.isEmpty()) {
      if (!rest.startsWith(":") || !rest.substring(1).matches("[0-9]{1,5}")) {
        return null;
      }
      port = Integer.parseInt(rest.substring(1));
    }
    return new Name(normalize(host), port);
  }

  /** Lower case; an IPv6 literal in brackets and in one spelling ("[::1]" as the JDK writes it). */
  private static String normalize(String host) {
    String h = host.toLowerCase(Locale.ROOT);
    if (h.startsWith("[") && h.endsWith("]")) {
      h = h.substring(1, h.length() - 1);
    }
    if (h.indexOf(':') >= 0) {
      try {
        // in brackets, the JDK reads it as a literal or refuses it; it never asks DNS
        InetAddress a = InetAddress.getByName("[" + h + "]");
        return "[" + withoutScope(a.getHostAddress()) + "]";
      } catch (UnknownHostException e) {
        return "[" + h + "]";
      }
    }
    return h;
  }

  private static String withoutScope(String address) {
    int percent = address.indexOf('%');
    return percent < 0 ? address : address.substring(0, percent);
  }

  private static boolean isLoopback(String host) {
    return host.equals("localhost") || host.startsWith("127.") || host.equals(normalize("[::1]"));
  }

  private static List<Name> machineNames(int port) {
    List<Name> found = new ArrayList<>();
    try {
      found.add(new Name(normalize(InetAddress.getLocalHost().getHostName()), port));
    } catch (UnknownHostException e) {
      // no host name: only the addresses
    }
    try {
      for (NetworkInterface ni : Collections.list(NetworkInterface.getNetworkInterfaces())) {
        for (InetAddress a : Collections.list(ni.getInetAddresses())) {
          String text = withoutScope(a.getHostAddress());
          found.add(new Name(a instanceof Inet6Address ? normalize(text) : text, port));
        }
      }
    } catch (SocketException e) {
      // no interfaces listed: the host name and the configured names only
    }
    return found;
  }
}
