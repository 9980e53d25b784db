package igor.storage.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import igor.config.IgorSettings;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;

/**
 * Igor's own PostgreSQL pool, its schema migrations, and the executor that blocking JDBC calls run
 * on (never on the actor or HTTP threads).
 */
public final class JdbcStorage implements AutoCloseable {
  private final HikariDataSource dataSource;
  private final ExecutorService executor;

  private JdbcStorage(HikariDataSource dataSource, int threads) {
    this.dataSource = dataSource;
    AtomicInteger n = new AtomicInteger();
    this.executor =
        Executors.newFixedThreadPool(
            threads,
            r -> {
              Thread t = new Thread(r, "igor-jdbc-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
  }

  public static JdbcStorage open(IgorSettings.Database settings) {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(settings.url());
    config.setUsername(settings.user());
    if (!settings.password().isEmpty()) {
      config.setPassword(settings.password());
    }
    config.setMaximumPoolSize(settings.maxPoolSize());
    config.setMinimumIdle(1);
    config.setPoolName("igor");
    config.setInitializationFailTimeout(-1);
    return new JdbcStorage(new HikariDataSource(config), settings.maxPoolSize());
  }

  /** Creates or upgrades Igor's tables; safe to run again and from several nodes at once. */
  public static MigrateResult migrate(DataSource dataSource) {
    return Flyway.configure()
        .dataSource(dataSource)
        .locations("classpath:db/migration")
        .table("igor_schema_history")
        .baselineOnMigrate(true)
        .baselineVersion("0")
        .load()
        .migrate();
  }

  /** Migrates and says where the schema stands now, e.g. "version 2 (2 migrations applied now)". */
  public String migrate() {
    MigrateResult result = migrate(dataSource);
    String version =
        result.targetSchemaVersion != null ? result.targetSchemaVersion : result.initialSchemaVersion;
    return "version " + version + " (" + result.migrationsExecuted + " migrations applied now)";
  }

  /** True when a connection can be had and answers. */
  public boolean isReachable() {
    try (Connection c = dataSource.getConnection()) {
      return c.isValid(2);
    } catch (SQLException e) {
      return false;
    }
  }

  /** {@link #isReachable()}, off the caller's thread. */
  public CompletionStage<Boolean> answers() {
    return CompletableFuture.supplyAsync(this::isReachable, executor);
  }

  /** The read model's lag behind the journal, in milliseconds (see ReadModelProjection). */
  public CompletionStage<Long> projectionLagMillis(List<String> tags, long now) {
    return CompletableFuture.supplyAsync(() -> readModelProjection().lagMillis(tags, now), executor);
  }

  public JdbcObjectDirectory directory() {
    return new JdbcObjectDirectory(dataSource, executor);
  }

  public JdbcReadModel readModel() {
    return new JdbcReadModel(dataSource, executor);
  }

  public ReadModelProjection readModelProjection() {
    return new ReadModelProjection(dataSource);
  }

  @Override
  public void close() {
    executor.shutdownNow();
    dataSource.close();
  }
}
