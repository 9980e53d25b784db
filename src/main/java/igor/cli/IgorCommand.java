package igor.cli;

import igor.client.Action;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * `igor`: one binary for every role. Running Igor: server, worker, dev, migrate. Using it (over the
 * HTTP API, see docs/client.md for the exit codes): submit, get, ls, pause, unpause, skip, kill,
 * retry, audit, watch.
 */
@Command(
    name = "igor",
    mixinStandardHelpOptions = true,
    version = "igor 0.1.0",
    description = "A distributed workflow system: jobs of prioritised layers of parallel tasks.",
    subcommands = {
      ServerCommand.class,
      WorkerCommand.class,
      DevCommand.class,
      MigrateCommand.class,
      BenchCommand.class,
      SoakCommand.class,
      ClientCommands.Submit.class,
      ClientCommands.Get.class,
      ClientCommands.Ls.class,
      ClientCommands.Audit.class,
      ClientCommands.Results.class,
      ClientCommands.Watch.class,
      ScheduleCommands.class,
      LimitCommands.class
    })
public final class IgorCommand implements Runnable {

  @Override
  public void run() {
    CommandLine.usage(this, System.out);
  }

  /**
   * The command line with every subcommand: usage errors exit 1, Igor's refusals by their kind
   * (docs/client.md).
   */
  public static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new IgorCommand());
    for (Action action : Action.values()) {
      CommandLine sub = new CommandLine(new ClientCommands.Act(action));
      sub.getCommandSpec().usageMessage().description(description(action));
      cli.addSubcommand(action.path(), sub);
    }
    cli.setExecutionExceptionHandler(ExitCodes.handler());
    setUsageExitCode(cli);
    return cli;
  }

  private static void setUsageExitCode(CommandLine cli) {
    cli.getCommandSpec().exitCodeOnInvalidInput(ExitCodes.USAGE);
    cli.getSubcommands().values().forEach(IgorCommand::setUsageExitCode);
  }

  private static String description(Action action) {
    return switch (action) {
          case PAUSE -> "Pause jobs, layers or tasks: nothing new of them is queued.";
          case UNPAUSE -> "Unpause jobs, layers or tasks.";
          case SKIP -> "Skip jobs, layers or tasks (counts as done).";
          case KILL -> "Kill the queued and running attempts of jobs, layers or tasks.";
          case RETRY -> "Retry the errored tasks of jobs, layers or tasks.";
          case START -> "Start jobs that wait for their start time now.";
        }
        + " Prints how many changed.";
  }

  public static void main(String[] args) {
    int code = commandLine().execute(args);
    if (code != 0) {
      System.exit(code);
    }
  }
}
