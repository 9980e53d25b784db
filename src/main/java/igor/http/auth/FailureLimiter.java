package igor.http.auth;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Failed authentications (a wrong or missing token) per client address: each address has an
 * allowance of {@code perMinute} failures, refilled evenly over a minute. While an address has none
 * left, it must wait, whatever token it sends: a guess cannot be tried meanwhile. IPv6 addresses
 * count per /64 (one host usually holds a whole /64). Addresses whose allowance is full again are
 * forgotten once many are remembered.
 */
public final class FailureLimiter {
  private static final int FORGET_ABOVE = 10_000;
  private final double perMinute;
  private final ConcurrentHashMap<String, Allowance> allowances = new ConcurrentHashMap<>();

  private static final class Allowance {
    double left;
    long refilledAt;

    Allowance(double left, long now) {
      this.left = left;
      this.refilledAt = now;
    }

    void refill(double perMinute, long now) {
      left = Math.min(perMinute, left + (now - refilledAt) / 60e9 * perMinute);
      refilledAt = now;
    }
  }

  /** {@code perMinute} 0 or less: no limit. */
  public FailureLimiter(double perMinute) {
    this.perMinute = perMinute;
  }

  /** The address's key: the address, or its /64 for IPv6; "unknown" without one. */
  public static String key(InetAddress address) {
    if (address == null) {
      return "unknown";
    }
    if (address instanceof Inet6Address) {
      byte[] b = address.getAddress();
      StringBuilder k = new StringBuilder();
      for (int i = 0; i < 8; i += 2) {
        k.append(String.format("%02x%02x:", b[i], b[i + 1]));
      }
      return k.append(":/64").toString();
    }
    return address.getHostAddress();
  }

  /** 0 when the address may try; else the seconds until it may try again. */
  public long secondsToWait(String key, long nowNanos) {
    if (perMinute <= 0) {
      return 0;
    }
    Allowance a = allowances.get(key);
    if (a == null) {
      return 0;
    }
    synchronized (a) {
      a.refill(perMinute, nowNanos);
      return a.left >= 1 ? 0 : (long) Math.ceil((1 - a.left) * 60 / perMinute);
    }
  }

  /** Counts one failed authentication of the address. */
  public void failed(String key, long nowNanos) {
    if (perMinute <= 0) {
      return;
    }
    if (allowances.size() > FORGET_ABOVE) {
      forgetFull(nowNanos);
    }
    Allowance a = allowances.computeIfAbsent(key, k -> new Allowance(perMinute, nowNanos));
    synchronized (a) {
      a.refill(perMinute, nowNanos);
      a.left = Math.max(0, a.left - 1);
    }
  }

  private void forgetFull(long nowNanos) {
    allowances
        .entrySet()
        .removeIf(
            e -> {
              synchronized (e.getValue()) {
                e.getValue().refill(perMinute, nowNanos);
                return e.getValue().left >= perMinute;
              }
            });
  }
}
