package igor.storage.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import igor.config.IgorSettings;
import igor.testing.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.RepeatedTest;

/**
 * Nodes started together on an empty database all migrate it at once (migrate-on-start): each must
 * start, none may find the schema half made. Seen failing in ProcessClusterTest before the
 * migrations were serialized.
 */
class ConcurrentMigrationTest {
  private static final int NODES = 4;

  @RepeatedTest(5)
  void nodesMigratingAnEmptyDatabaseAtOnceAllSucceed() throws Exception {
    try (TestDatabase db = TestDatabase.create()) {
      List<JdbcStorage> nodes = new ArrayList<>();
      for (int i = 0; i < NODES; i++) {
        nodes.add(JdbcStorage.open(new IgorSettings.Database(db.url(), db.user(), "", 2, true)));
      }
      try {
        CountDownLatch go = new CountDownLatch(1);
        List<CompletableFuture<String>> migrations = new ArrayList<>();
        for (JdbcStorage node : nodes) {
          migrations.add(
              CompletableFuture.supplyAsync(
                  () -> {
                    awaitQuietly(go);
                    return node.migrate();
                  }));
        }
        go.countDown();
        for (CompletableFuture<String> migration : migrations) {
          assertThat(migration.join()).startsWith("version ");
        }
        try (Connection c = db.connect();
            Statement s = c.createStatement();
            ResultSet rs =
                s.executeQuery(
                    "SELECT count(*) FROM igor_schema_history WHERE success AND version <> '0'")) {
          rs.next();
          assertThat(rs.getInt(1)).as("each migration applied once").isEqualTo(migrationScripts());
        }
      } finally {
        nodes.forEach(JdbcStorage::close);
      }
    }
  }

  private static int migrationScripts() throws Exception {
    try (var files =
        java.nio.file.Files.list(java.nio.file.Path.of("src/main/resources/db/migration"))) {
      return (int) files.filter(f -> f.getFileName().toString().matches("V\\d+__.*\\.sql")).count();
    }
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
