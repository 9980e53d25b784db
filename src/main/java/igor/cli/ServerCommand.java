package igor.cli;

import igor.app.IgorNode;
import igor.config.IgorConfig;
import igor.worker.builtin.BuiltinHandlers;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

@Command(
    name = "server",
    mixinStandardHelpOptions = true,
    description = {
      "Run a cluster node (configured by IGOR_* variables). IGOR_NODE_ROLES chooses what it runs:",
      "api (HTTP), jobs (job entities), worker (the built-in task types); default api,jobs."
    })
final class ServerCommand implements Callable<Integer> {

  @Override
  public Integer call() throws Exception {
    IgorNode node =
        IgorNode.start(
            IgorConfig.load(ConfigOverrides.fromEnvironment(System.getenv())),
            BuiltinHandlers.all());
    Runtime.getRuntime().addShutdownHook(new Thread(node::close, "igor-shutdown"));
    node.awaitTermination();
    return 0;
  }
}
