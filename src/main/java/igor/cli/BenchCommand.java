package igor.cli;

import igor.bench.Benchmark;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description =
        "Measure Igor (docs/BENCHMARKS.md): starts a node with a noop worker on a database and"
            + " Redis key prefix of its own, on the PostgreSQL and Redis configured"
            + " (IGOR_DATABASE_URL, IGOR_REDIS_URL), runs every scenario and prints the medians."
            + " Drops its database after.")
final class BenchCommand implements Callable<Integer> {

  @Option(names = "--runs", defaultValue = "3", description = "Runs per scenario (default 3).")
  int runs;

  @Option(
      names = "--warm-up-rounds",
      paramLabel = "N",
      description =
          "Run exactly N unmeasured rounds before the measured runs. Without it the bench warms up"
              + " until the JIT compiler threads take under 10 % of the JVM's CPU in two rounds in"
              + " a row (at most 6 minutes): a node's first minutes are not its steady state"
              + " (docs/BENCHMARKS.md, \"Warm-up\").")
  Integer warmUpRounds;

  @Option(
      names = "--worker-slots",
      paramLabel = "N",
      description =
          "Slots of the bench's worker (igor.worker.concurrency). Default: 8 per core, at least"
              + " 8 (docs/BENCHMARKS.md, \"The bench's worker\").")
  Integer workerSlots;

  @Option(
      names = "--no-memory",
      description = "Leave out the 100,000-task memory and recovery scenario.")
  boolean noMemory;

  @Option(
      names = "--footprints-only",
      description =
          "Measure only what tasks take in Redis, PostgreSQL and the heap, not the speed.")
  boolean footprintsOnly;

  @Option(
      names = "--fan-out-only",
      description =
          "Run only the fan-out scenario (a focused figure, such as the cost of tracing:"
              + " docs/BENCHMARKS.md).")
  boolean fanOutOnly;

  @Option(
      names = "--throughput-only",
      description =
          "Run only the two throughput scenarios, fan-out then many jobs, in each run (an A/B"
              + " of throughput: docs/BENCHMARKS.md).")
  boolean throughputOnly;

  @Option(
      names = "--flow-only",
      description =
          "Run only the fan-out, without a limit, then with a type concurrency limit that does"
              + " not bind (twice the worker's slots) and one that binds (half of them): the cost"
              + " of flow control (docs/BENCHMARKS.md).")
  boolean flowOnly;

  @Option(
      names = "--chain-only",
      description =
          "Run only the chain scenario, with where a hop's time goes step by step"
              + " (docs/BENCHMARKS.md).")
  boolean chainOnly;

  @Option(
      names = "--write",
      paramLabel = "FILE",
      description =
          "Also write the figures, machine, settings and commit into FILE (docs/BENCHMARKS.md),"
              + " replacing the previous run's section.")
  Path write;

  @Override
  public Integer call() throws Exception {
    Benchmark bench = new Benchmark(System.out, runs);
    if (warmUpRounds != null) {
      bench.warmUpRounds(warmUpRounds);
    }
    if (workerSlots != null) {
      bench.workerSlots(workerSlots);
    }
    if (fanOutOnly) {
      bench.fanOutOnly();
      return 0;
    }
    if (throughputOnly) {
      bench.throughputOnly();
      return 0;
    }
    if (flowOnly) {
      bench.flowOnly();
      return 0;
    }
    if (chainOnly) {
      bench.chainOnly();
      return 0;
    }
    bench.run(!noMemory, !footprintsOnly, write);
    return 0;
  }
}
