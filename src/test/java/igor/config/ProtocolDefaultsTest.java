package igor.config;

import static org.assertj.core.api.Assertions.assertThat;

import igor.queue.ProtocolDefaults;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The worker protocol's lease and claim TTL are defined once (igor.queue.ProtocolDefaults): nodes
 * take them from there unless the installation sets its own.
 */
class ProtocolDefaultsTest {

  @Test
  void anInstallationThatSetsNoLeaseOrClaimTtlUsesTheProtocolDefaults() {
    IgorSettings.Worker worker = IgorSettings.from(IgorConfig.load(Map.of())).worker();

    assertThat(worker.lease()).isEqualTo(ProtocolDefaults.LEASE);
    assertThat(worker.claimTtl()).isEqualTo(ProtocolDefaults.CLAIM_TTL);
  }

  @Test
  void anInstallationsOwnLeaseAndClaimTtlWin() {
    IgorSettings.Worker worker =
        IgorSettings.from(
                IgorConfig.load(Map.of("igor.worker.lease", "7s", "igor.worker.claim-ttl", "2h")))
            .worker();

    assertThat(worker.lease()).isEqualTo(Duration.ofSeconds(7));
    assertThat(worker.claimTtl()).isEqualTo(Duration.ofHours(2));
  }
}
