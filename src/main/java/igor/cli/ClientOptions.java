package igor.cli;

import igor.client.IgorClient;
import picocli.CommandLine.Option;

/** Where the client subcommands find Igor, and how they print. */
final class ClientOptions {
  enum Output {
    table,
    json
  }

  @Option(
      names = "--url",
      defaultValue = "${env:IGOR_URL:-http://127.0.0.1:8100}",
      description = "Igor's API (env IGOR_URL; default ${DEFAULT-VALUE}).")
  String url;

  @Option(
      names = "--token",
      defaultValue = "${env:IGOR_TOKEN}",
      description = "Bearer token sent with every request (env IGOR_TOKEN).")
  String token;

  @Option(
      names = {"-o", "--output"},
      defaultValue = "table",
      description = "table or json (default ${DEFAULT-VALUE}).")
  Output output;

  IgorClient client() {
    return IgorClient.builder(url).token(token).build();
  }

  boolean json() {
    return output == Output.json;
  }
}
