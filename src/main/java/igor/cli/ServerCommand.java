package igor.cli;

import igor.app.IgorNode;
import igor.config.IgorConfig;
import igor.config.IgorSettings;
import igor.http.auth.TokenSources;
import igor.worker.builtin.BuiltinHandlers;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

@Command(
    name = "server",
    mixinStandardHelpOptions = true,
    description =
        "Run a cluster node (configured by IGOR_* variables). IGOR_NODE_ROLES chooses what it"
            + " runs: api (HTTP), jobs (job entities), worker (the built-in task types); default"
            + " api,jobs.")
final class ServerCommand implements Callable<Integer> {

  @Override
  public Integer call() throws Exception {
    var config = IgorConfig.load(ConfigOverrides.fromEnvironment(System.getenv()));
    IgorSettings settings = IgorSettings.from(config);
    if (TokenSources.load(settings.auth()).isEmpty() && !settings.auth().allowOpen()) {
      System.err.println(
          "igor server: no API token is configured, and a server does not run open by default."
              + " Set IGOR_AUTH_TOKENS (subject:token:role,...) or IGOR_AUTH_TOKENS_FILE, or"
              + " IGOR_AUTH_ALLOW_OPEN=true to run without authentication.");
      return 2;
    }
    IgorNode node = IgorNode.start(config, BuiltinHandlers.all());
    Runtime.getRuntime().addShutdownHook(new Thread(node::close, "igor-shutdown"));
    node.awaitTermination();
    return 0;
  }
}
