package igor.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code igor limits ...}: flow-control limits through the HTTP API (docs/flow-control.md). */
@Command(
    name = "limits",
    mixinStandardHelpOptions = true,
    description = "List, set and remove flow-control limits (concurrency, rate, fairness weight).",
    subcommands = {LimitCommands.Ls.class, LimitCommands.Set.class, LimitCommands.Rm.class})
final class LimitCommands {
  private LimitCommands() {}

  @Command(
      name = "ls",
      mixinStandardHelpOptions = true,
      description = "Every limit with its use, as the JSON of GET /api/v1/limits.")
  static final class Ls extends ClientCommands.Base {
    @Override
    public Integer call() {
      out().println(options.client().limitsJson());
      return ExitCodes.OK;
    }
  }

  @Command(
      name = "set",
      mixinStandardHelpOptions = true,
      description =
          "Set a limit (role admin): KIND type, key or fairness; for example"
              + " `igor limits set type email --concurrency 5 --rate 50 --per 1`.")
  static final class Set extends ClientCommands.Base {
    @Parameters(index = "0", paramLabel = "KIND", description = "type, key or fairness")
    String kind;

    @Parameters(index = "1", paramLabel = "NAME", description = "The type, key or fairness key.")
    String name;

    @Option(names = "--concurrency", paramLabel = "N", description = "Attempts at once.")
    Integer concurrency;

    @Option(names = "--rate", paramLabel = "N", description = "Starts per --per seconds.")
    Integer rate;

    @Option(names = "--per", paramLabel = "SECONDS", description = "The rate's period (1).")
    Double per;

    @Option(names = "--weight", paramLabel = "N", description = "A fairness key's weight.")
    Integer weight;

    @Override
    public Integer call() {
      var body = new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode();
      if (concurrency != null) {
        body.put("concurrency", concurrency);
      }
      if (rate != null) {
        body.put("rate", rate);
      }
      if (per != null) {
        body.put("per_seconds", per);
      }
      if (weight != null) {
        body.put("weight", weight);
      }
      out().println(options.client().setLimit(kind, name, body.toString()));
      return ExitCodes.OK;
    }
  }

  @Command(
      name = "rm",
      mixinStandardHelpOptions = true,
      description = "Remove a limit (role admin).")
  static final class Rm extends ClientCommands.Base {
    @Parameters(index = "0", paramLabel = "KIND")
    String kind;

    @Parameters(index = "1", paramLabel = "NAME")
    String name;

    @Override
    public Integer call() {
      options.client().removeLimit(kind, name);
      return ExitCodes.OK;
    }
  }
}
