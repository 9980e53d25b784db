package igor.bench;

import static org.assertj.core.api.Assertions.assertThat;

import igor.testing.TestServers;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The short soak of CI (the 30-minute one is `bench/soak.sh`, docs/BENCHMARKS.md): mixed traffic
 * for 30 s on real PostgreSQL and Redis. It checks what must hold however busy the machine is: no
 * request fails, every job finishes, the stream follows, the heap does not grow. Latency flatness
 * is judged on a quiet machine by the long soak, not here.
 */
class SoakTest {
  @Test
  void mixedTrafficLeavesNoErrorNoUnfinishedJobAndNoHeapGrowth() throws Exception {
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    Soak soak =
        new Soak(
            new PrintStream(printed, true, StandardCharsets.UTF_8),
            new Soak.Settings(Duration.ZERO, Duration.ofSeconds(30), 200, Duration.ofSeconds(5), 2),
            Map.of(
                "igor.database.url", TestServers.postgresAdminUrl(),
                "igor.database.user", TestServers.databaseUser(),
                "igor.database.password", "",
                "igor.redis.url", TestServers.redisUrl()));

    Soak.Result result = soak.run();

    String report = printed.toString(StandardCharsets.UTF_8);
    assertThat(result.windows()).as(report).hasSize(6);
    assertThat(result.errors()).as(report).isZero();
    assertThat(result.jobsSubmitted()).as(report).isGreaterThan(60);
    assertThat(result.jobsUnfinished()).as(report).isZero();
    assertThat(result.windows())
        .as(report)
        .allSatisfy(w -> assertThat(w.streamChanges()).isPositive());
    assertThat(result.heapGrowthMiB()).as(report).isLessThan(Soak.HEAP_GROWTH_LIMIT_MIB);
    assertThat(result.redisGrowthMiB()).as(report).isLessThan(Soak.REDIS_GROWTH_LIMIT_MIB);
    assertThat(result.windows())
        .as("each window measures the installation's Redis keys and database")
        .allSatisfy(w -> assertThat(w.redisKeys()).isPositive())
        .allSatisfy(w -> assertThat(w.databaseBytes()).isPositive());
  }
}
