package igor.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** `igor`: one binary for every role. */
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
      BenchCommand.class
    })
public final class IgorCommand implements Runnable {

  @Override
  public void run() {
    CommandLine.usage(this, System.out);
  }

  public static void main(String[] args) {
    int code = new CommandLine(new IgorCommand()).execute(args);
    if (code != 0) {
      System.exit(code);
    }
  }
}
