package igor.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.Config;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * How soon a crashed node's jobs move, and the margins that keep them in one place: the defaults,
 * and the values refused at start (docs/adr/0009-failover-in-seconds.md,
 * docs/adr/0018-failover-without-waits.md).
 */
class FailoverSettingsTest {

  @Test
  void theDefaultsMoveACrashedNodesShardsNineSecondsAfterTheCrashAtTheSoonest() {
    Config config = IgorConfig.load();
    FailoverSettings s = FailoverSettings.from(config);

    assertThat(s.heartbeatInterval()).isEqualTo(Duration.ofSeconds(1));
    assertThat(s.acceptableHeartbeatPause()).isEqualTo(Duration.ofSeconds(3));
    assertThat(s.stableAfter()).isEqualTo(Duration.ofSeconds(3));
    assertThat(s.downRemovalMargin()).isEqualTo(Duration.ofSeconds(2));
    assertThat(s.shardsMoveAfter()).isEqualTo(Duration.ofSeconds(9));
    assertThat(config.getString("pekko.cluster.split-brain-resolver.active-strategy"))
        .isEqualTo("keep-majority");
    // the waits of ADR 0018: each check a failover waits for comes within a quarter second
    assertThat(config.getDuration("pekko.cluster.unreachable-nodes-reaper-interval"))
        .isEqualTo(Duration.ofMillis(250));
    assertThat(config.getDuration("pekko.cluster.leader-actions-interval"))
        .isEqualTo(Duration.ofMillis(250));
    assertThat(config.getDuration("pekko.cluster.sharding.retry-interval"))
        .isEqualTo(Duration.ofMillis(250));
    assertThat(config.getDuration("pekko.cluster.sharding.shard-failure-backoff"))
        .isEqualTo(Duration.ofSeconds(1));
    assertThat(config.getDuration("pekko.cluster.sharding.entity-restart-backoff"))
        .isEqualTo(Duration.ofSeconds(1));
    assertThat(config.getDuration("pekko.cluster.sharding.coordinator-failure-backoff"))
        .isEqualTo(Duration.ofSeconds(2));
    assertThat(config.getDuration("pekko.cluster.sharding.handoff-timeout"))
        .isEqualTo(Duration.ofSeconds(60));
  }

  @Test
  void aRemovalMarginOfOffIsStableAfterAsPekkoTakesIt() {
    FailoverSettings s =
        FailoverSettings.from(
            IgorConfig.load(
                Map.of(
                    "pekko.cluster.down-removal-margin", "off",
                    "pekko.cluster.split-brain-resolver.stable-after", "7s")));

    assertThat(s.downRemovalMargin()).isEqualTo(Duration.ofSeconds(7));
  }

  @Test
  void aStableAfterOfFewerThanThreeHeartbeatsIsRefusedAtStart() {
    assertThatThrownBy(
            () ->
                IgorSettings.from(
                    IgorConfig.load(
                        Map.of("pekko.cluster.split-brain-resolver.stable-after", "2s"))))
        .hasMessageContaining("stable-after")
        .hasMessageContaining("IGOR_CLUSTER_STABLE_AFTER")
        .hasMessageContaining("at least 3 heartbeat intervals (PT3S), got PT2S");
  }

  @Test
  void aRemovalMarginOfLessThanTwoHeartbeatsIsRefusedAtStart() {
    assertThatThrownBy(
            () ->
                IgorSettings.from(
                    IgorConfig.load(Map.of("pekko.cluster.down-removal-margin", "500ms"))))
        .hasMessageContaining("down-removal-margin")
        .hasMessageContaining("IGOR_CLUSTER_DOWN_REMOVAL_MARGIN")
        .hasMessageContaining("at least 2 heartbeat intervals (PT2S), got PT0.5S");
  }

  @Test
  void aBatchOfReportsIsHandedToItsJobsForTwentySecondsLongerThanAFailover() {
    IgorSettings s = IgorSettings.from(IgorConfig.load());

    assertThat(s.reports().applyTimeout()).isEqualTo(Duration.ofSeconds(20));
    assertThat(s.reports().applyTimeout()).isLessThan(s.reports().reclaimAfter());
  }

  @Test
  void anApplyTimeoutAsLongAsTheReclaimIsRefusedAtStart() {
    assertThatThrownBy(
            () -> IgorSettings.from(IgorConfig.load(Map.of("igor.reports.apply-timeout", "30s"))))
        .hasMessageContaining("igor.reports.apply-timeout (IGOR_REPORTS_APPLY_TIMEOUT)")
        .hasMessageContaining("shorter than igor.reports.reclaim-after (PT30S), got PT30S");
  }

  @Test
  void longerMarginsAreTaken() {
    FailoverSettings s =
        FailoverSettings.from(
            IgorConfig.load(
                Map.of(
                    "pekko.cluster.split-brain-resolver.stable-after", "20s",
                    "pekko.cluster.down-removal-margin", "20s")));

    assertThat(s.shardsMoveAfter()).isEqualTo(Duration.ofSeconds(44));
  }
}
