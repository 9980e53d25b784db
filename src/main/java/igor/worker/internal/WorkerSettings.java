package igor.worker.internal;

import igor.domain.OutcomeLimits;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.UUID;

/**
 * How a worker runs. {@code claimTtl} and {@code lease} must match the installation's
 * igor.worker.claim-ttl and igor.worker.lease; {@code outcomeLimits}: the largest result and
 * message the worker reports (an outcome over them is reported as a failure naming the limit), the
 * installation's igor.reports.max-result-bytes and max-message-bytes.
 */
public record WorkerSettings(
    String name,
    int concurrency,
    Duration pollWait,
    Duration claimTtl,
    Duration lease,
    Duration shutdownGrace,
    String apiUrl,
    String apiToken,
    String apiCaFile,
    OutcomeLimits outcomeLimits) {

  /** A default name: process id, host and a random suffix. */
  public static String defaultName() {
    return ManagementFactory.getRuntimeMXBean().getName()
        + "/"
        + UUID.randomUUID().toString().substring(0, 8);
  }
}
