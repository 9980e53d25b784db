package igor.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import igor.app.IgorNode;
import igor.client.IgorClient;
import igor.client.IgorException;
import igor.client.Job;
import igor.client.JobSpec;
import igor.client.LayerSpec;
import igor.config.IgorConfig;
import igor.testing.TestCertificates;
import igor.testing.TestDatabase;
import igor.testing.TestNode;
import igor.testing.TestRedis;
import igor.testing.TestTime;
import igor.worker.api.TaskSpec;
import igor.worker.builtin.BuiltinHandlers;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.embedded.RedisServer;

/**
 * HTTPS for the API, and Redis and PostgreSQL reached over TLS, each with real servers and
 * certificates made for the run by a throw-away CA (docs/security.md#tls).
 */
class TlsTest {
  private static final Duration WAIT = TestTime.scaled(Duration.ofSeconds(30));
  private static TestCertificates certificates;

  @BeforeAll
  static void makeCertificates() {
    certificates = TestCertificates.create();
  }

  @AfterAll
  static void removeCertificates() throws IOException {
    try (var files = Files.walk(certificates.dir())) {
      files.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
    }
  }

  private static Map<String, Object> https() {
    return Map.of(
        "igor.http.tls.certificate-file", certificates.serverChain().toString(),
        "igor.http.tls.private-key-file", certificates.serverKey().toString());
  }

  @Test
  void apiAnswersOverHttpsToAClientTrustingItsCa() {
    try (TestNode.Running igor = TestNode.running(BuiltinHandlers.all(), https())) {
      IgorClient client =
          IgorClient.builder("https://127.0.0.1:" + igor.node().httpPort())
              .trustCertificates(certificates.ca())
              .build();

      Job job = runToTheEnd(client, JobSpec.named("over https"));

      assertThat(job.status()).hasToString("COMPLETED");
      assertThat(client.healthy()).isTrue();
    }
  }

  @Test
  void apiIsRefusedByAClientTrustingAnotherCa() {
    try (TestNode.Running igor = TestNode.running(BuiltinHandlers.all(), https())) {
      IgorClient client =
          IgorClient.builder("https://127.0.0.1:" + igor.node().httpPort())
              .trustCertificates(certificates.otherCa())
              .retries(0)
              .build();

      assertThatThrownBy(() -> client.create(JobSpec.named("untrusted")))
          .isInstanceOf(IgorException.class)
          .satisfies(e -> assertThat(((IgorException) e).status()).isZero());
    }
  }

  @Test
  void apiPortDoesNotAnswerPlainHttp() {
    try (TestNode.Running igor = TestNode.running(BuiltinHandlers.all(), https())) {
      HttpRequest plain =
          HttpRequest.newBuilder(
                  URI.create("http://127.0.0.1:" + igor.node().httpPort() + "/healthz"))
              .timeout(Duration.ofSeconds(5))
              .build();

      assertThatThrownBy(
              () -> HttpClient.newHttpClient().send(plain, HttpResponse.BodyHandlers.ofString()))
          .isInstanceOf(IOException.class);
    }
  }

  @Test
  void nodeRefusesAPkcs1KeyAndSaysHowToConvertIt() throws IOException {
    Map<String, Object> pkcs1 =
        Map.of(
            "igor.http.tls.certificate-file", certificates.serverChain().toString(),
            "igor.http.tls.private-key-file", certificates.serverKeyAsPkcs1().toString());

    assertThatThrownBy(() -> TestNode.running(BuiltinHandlers.all(), pkcs1).close())
        .hasMessageContaining("RSA PRIVATE KEY")
        .hasMessageContaining("openssl pkcs8 -topk8 -nocrypt");
  }

  @Test
  void nodeRefusesACertificateWithoutItsKey() {
    Map<String, Object> half =
        Map.of("igor.http.tls.certificate-file", certificates.serverChain().toString());

    assertThatThrownBy(() -> TestNode.running(BuiltinHandlers.all(), half).close())
        .hasMessageContaining("igor.http.tls: set both certificate-file and private-key-file");
  }

  @Test
  void jobRunsWithItsQueuesAndReportsOnRedisOverTls() throws IOException {
    int tlsPort = freePort();
    RedisServer redis =
        RedisServer.newRedisServer()
            .bind("127.0.0.1")
            .port(0)
            .setting("tls-port " + tlsPort)
            .setting("tls-cert-file " + certificates.serverChain())
            .setting("tls-key-file " + certificates.serverKey())
            .setting("tls-ca-cert-file " + certificates.ca())
            .setting("tls-auth-clients no")
            .setting("appendonly no")
            .setting("save \"\"")
            .build();
    redis.start();
    try (TestDatabase db = TestDatabase.create();
        TestRedis prefix = TestRedis.create()) {
      Map<String, Object> settings = TestNode.overrides(db, prefix);
      settings.put("igor.redis.url", "rediss://127.0.0.1:" + tlsPort);
      settings.put("igor.redis.tls-ca-file", certificates.ca().toString());
      IgorNode node = IgorNode.start(IgorConfig.load(settings), BuiltinHandlers.all());
      try {
        IgorClient client = IgorClient.connect("http://127.0.0.1:" + node.httpPort());

        assertThat(runToTheEnd(client, JobSpec.named("redis over tls")).status())
            .hasToString("COMPLETED");
      } finally {
        node.close();
      }
    } finally {
      redis.stop();
    }
  }

  @Test
  void jobRunsWithItsJournalOnPostgresOverTlsOnEncryptedConnectionsOnly() throws Exception {
    try (EmbeddedPostgres postgres =
            EmbeddedPostgres.builder()
                .setPGStartupWait(Duration.ofSeconds(60))
                .setServerConfig("ssl", "on")
                .setServerConfig("ssl_cert_file", certificates.serverChain().toString())
                .setServerConfig("ssl_key_file", certificates.serverKey().toString())
                .start();
        TestRedis redis = TestRedis.create()) {
      String url =
          "jdbc:postgresql://127.0.0.1:"
              + postgres.getPort()
              + "/postgres?sslmode=verify-full&sslrootcert="
              + certificates.ca();
      Map<String, Object> settings = TestNode.overrides(url, "postgres", redis);
      IgorNode node = IgorNode.start(IgorConfig.load(settings), BuiltinHandlers.all());
      try {
        IgorClient client = IgorClient.connect("http://127.0.0.1:" + node.httpPort());

        assertThat(runToTheEnd(client, JobSpec.named("postgres over tls")).status())
            .hasToString("COMPLETED");
        try (Connection c = DriverManager.getConnection(url, "postgres", "");
            Statement s = c.createStatement();
            ResultSet r =
                s.executeQuery(
                    "SELECT count(*) FILTER (WHERE s.ssl), count(*) FROM pg_stat_ssl s"
                        + " JOIN pg_stat_activity a USING (pid) WHERE a.datname = 'postgres'")) {
          r.next();
          assertThat(r.getLong(2)).as("connections to the database").isGreaterThan(1);
          assertThat(r.getLong(1)).as("encrypted connections").isEqualTo(r.getLong(2));
        }
      } finally {
        node.close();
      }
    }
  }

  private static Job runToTheEnd(IgorClient client, JobSpec spec) {
    TaskSpec noop = TaskSpec.of("noop", new byte[0]);
    Job job =
        client.create(
            spec.layer(LayerSpec.priority(0).task(noop, noop), LayerSpec.priority(1).task(noop)));
    return client.awaitFinished(job.id(), WAIT);
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
