package igor.queue;

import java.time.Duration;

/**
 * The worker protocol's times, when the installation sets no other (docs/worker-protocol.md,
 * "Defaults"): the one place both sides take them from. Nodes read {@code igor.worker.lease} and
 * {@code igor.worker.claim-ttl} with these as their defaults; the Java worker SDK starts from them
 * too, so a worker and a node that nobody configured agree.
 */
public final class ProtocolDefaults {
  /**
   * How long an attempt's lease lasts unless renewed: a worker renews it every third of this, and
   * nodes fail an attempt whose lease ran out as "lost worker".
   */
  public static final Duration LEASE = Duration.ofSeconds(30);

  /**
   * How long the claim of an attempt is remembered while the attempt runs: a worker renews it with
   * the lease, and a duplicate delivery of the attempt within it is dropped. Once a node read the
   * attempt's final report, the claim is kept only {@code igor.worker.claim-linger}.
   */
  public static final Duration CLAIM_TTL = Duration.ofMinutes(5);

  /**
   * How many heartbeats (leases) a worker's announcement outlives its last renewal in the registry:
   * long enough to show a gone worker as gone, short enough that nothing of it stays
   * (docs/worker-protocol.md, "Registry").
   */
  public static final int WORKER_KEPT_HEARTBEATS = 10;

  /**
   * The worker protocol's version: 2 added the registry, 3 the task output stream (log lines and
   * progress). Workers of versions 1 (no announcement) and 2 (no output) are served all the same.
   */
  public static final int PROTOCOL_VERSION = 3;

  private ProtocolDefaults() {}
}
