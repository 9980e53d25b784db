package igor.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * Keeps deploy/ honest as far as reading can: the files parse, name only variables Igor reads, and
 * have the pieces a cluster needs. What runs them (the image built and run with podman, the
 * manifests validated against Kubernetes' schemas) is deploy/image/ and deploy/validate/, run by
 * .ci/run. SnakeYAML comes with Redisson.
 */
class DeployFilesTest {
  private static final Path DEPLOY = Path.of("deploy");
  private static final Pattern VARIABLE = Pattern.compile("\\bIGOR_[A-Z0-9_]+\\b");

  /**
   * Settings of deploy/'s own files, not Igor's: where deploy/local/cluster.sh puts its logs and
   * pids, and the host ports of the Compose file's three nodes.
   */
  private static final Set<String> SCRIPT_SETTINGS =
      Set.of(
          "IGOR_CLUSTER_DIR", "IGOR_COMPOSE_PORT_1", "IGOR_COMPOSE_PORT_2", "IGOR_COMPOSE_PORT_3");

  @Test
  void everyIgorVariableNamedInDeployIsOneIgorReads() throws IOException {
    Set<String> read = variablesIgorReads();
    Set<String> named = new TreeSet<>();
    try (Stream<Path> files = Files.walk(DEPLOY)) {
      // Not the packages npm installs for deploy/validate/.
      for (Path file :
          files
              .filter(Files::isRegularFile)
              .filter(f -> !f.toString().contains("node_modules"))
              .toList()) {
        named.addAll(variablesIn(read(file)));
      }
    }
    named.removeAll(SCRIPT_SETTINGS);
    assertThat(named).as("IGOR_* variables named in deploy/").isNotEmpty();
    assertThat(read).as("variables Igor reads").contains(named.toArray(String[]::new));
  }

  /**
   * Where Igor reads its variables: the configuration ({@code ${?IGOR_X}}), the logging
   * configuration, the code (System.getenv and the environment map of the commands) and the
   * launcher script.
   */
  private static Set<String> variablesIgorReads() throws IOException {
    Set<String> read = new TreeSet<>();
    Pattern substitution = Pattern.compile("\\$\\{\\??(IGOR_[A-Z0-9_]+)");
    List<Path> sources = new ArrayList<>();
    try (Stream<Path> resources = Files.list(Path.of("src/main/resources"))) {
      resources
          .filter(p -> p.toString().endsWith(".conf") || p.toString().endsWith(".xml"))
          .forEach(sources::add);
    }
    sources.add(Path.of("igor"));
    for (Path source : sources) {
      Matcher m = substitution.matcher(read(source));
      while (m.find()) {
        read.add(m.group(1));
      }
    }
    Pattern literal = Pattern.compile("\"(IGOR_[A-Z0-9_]+)\"");
    try (Stream<Path> code = Files.walk(Path.of("src/main/java"))) {
      for (Path file : code.filter(p -> p.toString().endsWith(".java")).toList()) {
        Matcher m = literal.matcher(read(file));
        while (m.find()) {
          read.add(m.group(1));
        }
      }
    }
    return read;
  }

  @Test
  void kubernetesManifestsHaveTheNodesWorkersServicesProbesBudgetAndConfiguration() {
    List<Map<String, Object>> objects = new ArrayList<>();
    objects.addAll(yamlDocuments(DEPLOY.resolve("kubernetes/config.yaml")));
    objects.addAll(yamlDocuments(DEPLOY.resolve("kubernetes/nodes.yaml")));
    objects.addAll(yamlDocuments(DEPLOY.resolve("kubernetes/workers.yaml")));
    assertThat(objects)
        .extracting(o -> o.get("kind"))
        .contains(
            "ConfigMap", "Secret", "Service", "StatefulSet", "PodDisruptionBudget", "Deployment");

    Map<String, Object> nodes = only(objects, "StatefulSet");
    Map<String, Object> workers = only(objects, "Deployment");
    Map<String, Object> config = only(objects, "ConfigMap");
    Map<String, Object> secret = only(objects, "Secret");
    Map<String, Object> headless =
        objects.stream()
            .filter(o -> "Service".equals(o.get("kind")))
            .filter(o -> "None".equals(at(o, "spec", "clusterIP")))
            .findFirst()
            .orElseThrow(() -> new AssertionError("no headless Service for the nodes' names"));
    assertThat(at(nodes, "spec", "serviceName")).isEqualTo(at(headless, "metadata", "name"));

    Map<String, Object> node = firstContainer(nodes);
    assertThat(node.get("args")).isEqualTo(List.of("server"));
    assertThat(at(node, "livenessProbe", "httpGet", "path")).isEqualTo("/healthz");
    assertThat(at(node, "readinessProbe", "httpGet", "path")).isEqualTo("/readyz");
    assertThat(node.get("envFrom").toString())
        .contains("configMapRef={name=" + at(config, "metadata", "name") + "}")
        .contains("secretRef={name=" + at(secret, "metadata", "name") + "}");
    assertThat(firstContainer(workers).get("args")).isEqualTo(List.of("worker"));

    Object podLabels = at(nodes, "spec", "template", "metadata", "labels");
    Map<String, Object> budget = only(objects, "PodDisruptionBudget");
    assertThat(at(budget, "spec", "selector", "matchLabels")).isEqualTo(podLabels);
    objects.stream()
        .filter(o -> "Service".equals(o.get("kind")))
        .forEach(s -> assertThat(at(s, "spec", "selector")).isEqualTo(podLabels));

    // The seeds are the StatefulSet's stable names: pod-ordinal.headless-service.
    String seeds = (String) at(config, "data", "IGOR_SEED_NODES");
    int replicas = (Integer) at(nodes, "spec", "replicas");
    for (String seed : seeds.split(",")) {
      assertThat(seed)
          .matches(
              at(nodes, "metadata", "name")
                  + "-[0-9]+\\."
                  + at(headless, "metadata", "name")
                  + ":25520");
      assertThat(Integer.parseInt(seed.replaceAll("^[^-]+-([0-9]+)\\..*", "$1")))
          .isLessThan(replicas);
    }
    assertThat(at(secret, "stringData", "IGOR_AUTH_TOKENS"))
        .as("the API tokens, in the Secret")
        .isNotNull();
  }

  @Test
  void everyValueOfTheConfigMapAndSecretHasACommentSayingWhatItIs() {
    List<String> lines = read(DEPLOY.resolve("kubernetes/config.yaml")).lines().toList();
    List<String> unexplained = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).matches("^  IGOR_[A-Z0-9_]+:.*")
          && !lines.get(i - 1).trim().startsWith("#")) {
        unexplained.add(lines.get(i).trim());
      }
    }
    assertThat(unexplained).as("values without a comment above them").isEmpty();
  }

  @Test
  void composeRunsPostgresRedisThreeNodesThatKnowEachOtherAndTwoWorkers() {
    Map<String, Object> compose = yamlDocuments(DEPLOY.resolve("compose/compose.yaml")).get(0);
    @SuppressWarnings("unchecked")
    Map<String, Map<String, Object>> services =
        (Map<String, Map<String, Object>>) compose.get("services");
    assertThat(services).containsKeys("postgres", "redis", "igor-1", "igor-2", "igor-3", "worker");
    for (String name : List.of("igor-1", "igor-2", "igor-3")) {
      Map<String, Object> node = services.get(name);
      assertThat(node.get("command")).isEqualTo(List.of("server"));
      @SuppressWarnings("unchecked")
      Map<String, Object> env = (Map<String, Object>) node.get("environment");
      assertThat(env.get("IGOR_CLUSTER_HOST")).isEqualTo(name);
      assertThat((String) env.get("IGOR_SEED_NODES")).contains(name + ":25520");
      assertThat(env).containsKey("IGOR_AUTH_TOKENS");
    }
    assertThat(services.get("worker").get("command")).isEqualTo(List.of("worker"));
    assertThat(at(services.get("worker"), "deploy", "replicas")).isEqualTo(2);
  }

  @Test
  void systemdServerSettingsLetTheServerStart() {
    String env = read(DEPLOY.resolve("systemd/igor.env.example"));
    assertThat(env).containsPattern("(?m)^IGOR_AUTH_TOKENS=\\S+");
    assertThat(read(DEPLOY.resolve("systemd/igor-server.service")))
        .contains("EnvironmentFile=/etc/igor/igor.env")
        .contains("ExecStart=/opt/igor/igor server");
  }

  @Test
  void dockerfileCopiesWhatMavenPackagedAndRunsItAsANonRootUser() {
    List<String> lines = read(DEPLOY.resolve("Dockerfile")).lines().map(String::trim).toList();
    assertThat(lines)
        .contains("COPY target/lib ./lib", "COPY target/igor.jar ./igor.jar", "COPY igor ./igor");
    assertThat(lines).anyMatch(l -> l.contains("openjdk-17-jre-headless"));
    List<String> users = lines.stream().filter(l -> l.startsWith("USER ")).toList();
    assertThat(users).isNotEmpty();
    String user = users.get(users.size() - 1).substring("USER ".length());
    assertThat(user).doesNotStartWith("root").doesNotStartWith("0:").isNotEqualTo("0");
    // The context's ignore file lets in exactly what the Dockerfile copies.
    assertThat(read(DEPLOY.resolve("Dockerfile.dockerignore")).lines())
        .filteredOn(l -> !l.isBlank() && !l.startsWith("#"))
        .containsExactly("*", "!igor", "!target/igor.jar", "!target/lib");
  }

  private static Set<String> variablesIn(String text) {
    Set<String> names = new TreeSet<>();
    Matcher m = VARIABLE.matcher(text);
    while (m.find()) {
      names.add(m.group());
    }
    return names;
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> yamlDocuments(Path file) {
    List<Map<String, Object>> documents = new ArrayList<>();
    for (Object document : new Yaml(new SafeConstructor(new LoaderOptions())).loadAll(read(file))) {
      if (document != null) {
        documents.add((Map<String, Object>) document);
      }
    }
    return documents;
  }

  private static Map<String, Object> only(List<Map<String, Object>> objects, String kind) {
    List<Map<String, Object>> found =
        objects.stream().filter(o -> kind.equals(o.get("kind"))).toList();
    assertThat(found).as(kind).hasSize(1);
    return found.get(0);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> firstContainer(Map<String, Object> workload) {
    return ((List<Map<String, Object>>) at(workload, "spec", "template", "spec", "containers"))
        .get(0);
  }

  /** The value at a path of keys in nested YAML maps. */
  private static Object at(Map<String, Object> map, String... keys) {
    Object value = map;
    for (String key : keys) {
      assertThat(value).as("parent of " + key).isInstanceOf(Map.class);
      value = ((Map<?, ?>) value).get(key);
    }
    return value;
  }

  private static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
