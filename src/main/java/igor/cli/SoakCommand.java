package igor.cli;

import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import igor.bench.Soak;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "soak",
    mixinStandardHelpOptions = true,
    description =
        "Steady mixed traffic for a long time (docs/BENCHMARKS.md, \"Soak\"): starts a node with"
            + " the built-in worker on a database and Redis key prefix of its own"
            + " (IGOR_DATABASE_URL, IGOR_REDIS_URL), submits jobs at a fixed rate, pauses, kills,"
            + " retries, lists and follows the event stream, and prints heap and latencies per"
            + " window. Exits 1 when they did not stay flat or a job did not finish.")
final class SoakCommand implements Callable<Integer> {
  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--warm-up",
      defaultValue = "3m",
      description =
          "Load before the measured windows, left out of the verdict: the JIT and caches warm up"
              + " (default ${DEFAULT-VALUE}).")
  String warmUp;

  @Option(
      names = "--duration",
      defaultValue = "30m",
      description = "How long to measure, after the warm-up (default ${DEFAULT-VALUE}).")
  String duration;

  @Option(
      names = "--rate",
      defaultValue = "410",
      description =
          "Tasks submitted per second (default ${DEFAULT-VALUE}: half the 828 tasks/s of the"
              + " benchmark's many-jobs scenario, whose jobs are shaped like the soak's).")
  int rate;

  @Option(
      names = "--window",
      defaultValue = "60s",
      description = "Measure every (default ${DEFAULT-VALUE}).")
  String window;

  @Option(
      names = "--streams",
      defaultValue = "3",
      description = "Event stream clients (default ${DEFAULT-VALUE}).")
  int streams;

  @Override
  public Integer call() throws Exception {
    Soak.Settings settings;
    try {
      settings =
          new Soak.Settings(
              duration("--warm-up", warmUp),
              duration("--duration", duration),
              rate,
              duration("--window", window),
              streams);
    } catch (IllegalArgumentException e) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
    Soak.Result result = new Soak(System.out, settings).run();
    return result.flat()
            && result.jobsUnfinished() == 0
            && result.errors() == 0
            && result.shed() == 0
        ? 0
        : 1;
  }

  /** A duration as in the configuration files: 30m, 90s, 2h. */
  private static Duration duration(String option, String text) {
    try {
      return ConfigFactory.parseString("d = \"" + text + "\"").getDuration("d");
    } catch (ConfigException e) {
      throw new picocli.CommandLine.ParameterException(
          new picocli.CommandLine(new SoakCommand()),
          option + ": not a duration like 30m or 90s: " + text);
    }
  }
}
