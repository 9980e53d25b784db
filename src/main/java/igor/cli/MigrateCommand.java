package igor.cli;

import igor.config.IgorConfig;
import igor.config.IgorSettings;
import igor.storage.jdbc.DatabaseRoles;
import igor.storage.jdbc.JdbcStorage;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "migrate",
    mixinStandardHelpOptions = true,
    description = "Create or upgrade Igor's tables in PostgreSQL, then exit.")
final class MigrateCommand implements Callable<Integer> {

  @Option(
      names = "--roles",
      description = {
        "Also create (or update) a read-write role for Igor and a read-only role for reporting",
        "tools: IGOR_DB_RW_ROLE / IGOR_DB_RW_PASSWORD and IGOR_DB_RO_ROLE / IGOR_DB_RO_PASSWORD",
        "(role names default to igor_rw and igor_ro; passwords have no default)."
      })
  boolean roles;

  @Override
  public Integer call() {
    IgorSettings settings = IgorSettings.from(IgorConfig.load());
    try (JdbcStorage storage = JdbcStorage.open(settings.database())) {
      System.out.println("schema of " + settings.database().url() + " is at " + storage.migrate());
      if (roles) {
        Map<String, String> env = System.getenv();
        DatabaseRoles.Role rw;
        DatabaseRoles.Role ro;
        try {
          rw =
              new DatabaseRoles.Role(
                  env.getOrDefault("IGOR_DB_RW_ROLE", "igor_rw"), env.get("IGOR_DB_RW_PASSWORD"));
          ro =
              new DatabaseRoles.Role(
                  env.getOrDefault("IGOR_DB_RO_ROLE", "igor_ro"), env.get("IGOR_DB_RO_PASSWORD"));
        } catch (IllegalArgumentException e) {
          System.err.println("igor migrate --roles: " + e.getMessage());
          return 2;
        }
        storage.createRoles(rw, ro);
        System.out.println(
            "roles " + rw.name() + " (read-write) and " + ro.name() + " (read-only) are set up");
      }
      return 0;
    }
  }
}
