package igor.cli;

import igor.config.IgorConfig;
import igor.config.IgorSettings;
import igor.storage.jdbc.JdbcStorage;
import java.util.concurrent.Callable;
import org.flywaydb.core.api.output.MigrateResult;
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
      MigrateResult result = storage.migrate();
      System.out.println(
          "schema of "
              + settings.database().url()
              + " is at version "
              + (result.targetSchemaVersion != null
                  ? result.targetSchemaVersion
                  : result.initialSchemaVersion)
              + " ("
              + result.migrationsExecuted
              + " migrations applied now)");
      return 0;
    }
  }
}
