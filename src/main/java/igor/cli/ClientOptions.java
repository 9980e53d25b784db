package igor.cli;

import igor.client.IgorClient;
import java.nio.file.Path;
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
      names = "--ca-file",
      defaultValue = "${env:IGOR_CA_FILE}",
      description =
          "PEM file of the CA certificates to trust for an https URL (env IGOR_CA_FILE; default:"
              + " the JVM's).")
  Path caFile;

  @Option(
      names = {"-o", "--output"},
      defaultValue = "table",
      description = "table or json (default ${DEFAULT-VALUE}).")
  Output output;

  IgorClient client() {
    IgorClient.Builder builder = IgorClient.builder(url).token(token);
    if (caFile != null) {
      builder.trustCertificates(caFile);
    }
    return builder.build();
  }

  boolean json() {
    return output == Output.json;
  }
}
