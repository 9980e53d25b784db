package igor.cli;

import igor.app.IgorNode;
import igor.config.IgorConfig;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

@Command(
    name = "server",
    mixinStandardHelpOptions = true,
    description = "Run a cluster node: job entities and the HTTP API (configured by IGOR_* variables).")
final class ServerCommand implements Callable<Integer> {

  @Override
  public Integer call() throws Exception {
    IgorNode node =
        IgorNode.start(IgorConfig.load(ConfigOverrides.fromEnvironment(System.getenv())), List.of());
    Runtime.getRuntime().addShutdownHook(new Thread(node::close, "igor-shutdown"));
    node.awaitTermination();
    return 0;
  }
}
