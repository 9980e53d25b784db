package igor.cli;

import igor.config.IgorConfig;
import igor.config.IgorSettings;
import igor.storage.jdbc.JdbcStorage;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

@Command(
    name = "migrate",
    mixinStandardHelpOptions = true,
    description = "Create or upgrade Igor's tables in PostgreSQL, then exit.")
final class MigrateCommand implements Callable<Integer> {

  @Override
  public Integer call() {
    IgorSettings settings = IgorSettings.from(IgorConfig.load());
    try (JdbcStorage storage = JdbcStorage.open(settings.database())) {
      System.out.println(
          "schema of " + settings.database().url() + " is at " + storage.migrate());
      return 0;
    }
  }
}
