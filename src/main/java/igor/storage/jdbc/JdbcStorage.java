package igor.storage.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import igor.config.IgorSettings;
import igor.storage.StorageUnavailableException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Igor's own PostgreSQL pool, its schema migrations, and the executor that blocking JDBC calls run
 * on (never on the actor or HTTP threads).
 */
public final class JdbcStorage implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(JdbcStorage.class);

  /**
   * How long a call waits for a connection before it fails: while PostgreSQL is down the API
   * answers 503 after this, well before the client gives up (HikariCP's default is 30 s).
   */
  static final java.time.Duration CONNECTION_TIMEOUT = java.time.Duration.ofSeconds(5);

  /**
   * The advisory lock that serializes migrations across nodes (any number; these bytes spell
   * "igor").
   */
  private static final long MIGRATION_LOCK = 0x69676f72L;

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
    config.setConnectionTimeout(CONNECTION_TIMEOUT.toMillis());
    return new JdbcStorage(new HikariDataSource(config), settings.maxPoolSize());
  }

  /**
   * Creates or upgrades Igor's tables, and says where the schema stands now, e.g. "version 2 (2
   * migrations applied now)". Safe to run again, and from several nodes at once: Flyway locks while
   * it applies migrations but not while it decides whether to create or baseline its history table,
   * so nodes starting together on an empty database failed ("Unable to baseline schema history
   * table ... as it already exists, and is empty"). A PostgreSQL advisory lock, held on a
   * connection of its own outside the pool (whatever the pool's size), makes them migrate one after
   * the other.
   */
  public String migrate() {
    MigrateResult result;
    try (Connection lock = lockConnection();
        Statement statement = lock.createStatement()) {
      statement.execute("SELECT pg_advisory_lock(" + MIGRATION_LOCK + ")");
      // A session lock: closing the connection releases it, whatever happens.
      result =
          Flyway.configure()
              .dataSource(dataSource)
              .locations("classpath:db/migration")
              .table("igor_schema_history")
              .baselineOnMigrate(true)
              .baselineVersion("0")
              .load()
              .migrate();
    } catch (SQLException e) {
      throw new StorageUnavailableException(
          "migrations could not take their lock: " + e.getMessage(), e);
    }
    String version =
        result.targetSchemaVersion != null
            ? result.targetSchemaVersion
            : result.initialSchemaVersion;
    return "version " + version + " (" + result.migrationsExecuted + " migrations applied now)";
  }

  private Connection lockConnection() throws SQLException {
    Properties credentials = new Properties();
    credentials.setProperty("user", dataSource.getUsername());
    if (dataSource.getPassword() != null) {
      credentials.setProperty("password", dataSource.getPassword());
    }
    return DriverManager.getConnection(dataSource.getJdbcUrl(), credentials);
  }

  /** Creates or updates the read-write and read-only roles (docs/operations.md, "Roles"). */
  /** A connection of Igor's pool, for reading the schema's own sizes (TableSizes). */
  Connection connection() throws SQLException {
    return dataSource.getConnection();
  }

  /** Creates or updates the read-write and read-only roles (docs/operations.md, "Roles"). */
  public void createRoles(DatabaseRoles.Role readWrite, DatabaseRoles.Role readOnly) {
    DatabaseRoles.apply(dataSource, readWrite, readOnly);
  }

  /** True when a connection can be had and answers. */
  public boolean isReachable() {
    try (Connection c = dataSource.getConnection()) {
      return c.isValid(2);
    } catch (SQLException e) {
      return false;
    }
  }

  /**
   * Logs a WARN when the server runs without autovacuum: the read model's tables, updated about
   * three times per task, then never reclaim their dead rows (docs/operations.md).
   */
  public void warnWhenAutovacuumIsOff() {
    try (Connection c = dataSource.getConnection();
        var s = c.createStatement();
        var r = s.executeQuery("SHOW autovacuum")) {
      if (r.next() && r.getString(1).equalsIgnoreCase("off")) {
        log.warn(
            "PostgreSQL runs with autovacuum off: turn it on, or run VACUUM ANALYZE regularly,"
                + " else the read model's tables keep every dead row and grow with every task"
                + " (docs/operations.md, \"PostgreSQL\")");
      }
    } catch (SQLException e) {
      // the server is not reachable now: the readiness check says so
    }
  }

  /** The server's version (SHOW server_version), for reports such as the benchmark's. */
  public String serverVersion() {
    try (Connection c = dataSource.getConnection();
        var s = c.createStatement();
        var r = s.executeQuery("SHOW server_version")) {
      return r.next() ? r.getString(1) : "unknown";
    } catch (SQLException e) {
      return "unknown (" + e.getMessage() + ")";
    }
  }

  public JobJournal journal() {
    return new JobJournal(dataSource);
  }

  /** Creates a database on the server of {@code url} (for the benchmark); answers its URL. */
  public static String createDatabase(String url, String user, String password, String name) {
    return adminStatement(url, user, password, "CREATE DATABASE " + name, name);
  }

  /** Drops a database made by {@link #createDatabase}. */
  public static void dropDatabase(String url, String user, String password, String name) {
    adminStatement(url, user, password, "DROP DATABASE IF EXISTS " + name + " WITH (FORCE)", name);
  }

  private static String adminStatement(
      String url, String user, String password, String sql, String name) {
    if (!name.matches("[a-z0-9_]+")) {
      throw new IllegalArgumentException("database name must be [a-z0-9_]+: " + name);
    }
    String base = url.substring(0, url.lastIndexOf('/') + 1);
    try (Connection c = java.sql.DriverManager.getConnection(base + "postgres", user, password);
        java.sql.Statement s = c.createStatement()) {
      s.execute(sql);
      return base + name;
    } catch (SQLException e) {
      throw new StorageUnavailableException(sql + " failed: " + e.getMessage(), e);
    }
  }

  /** {@link #isReachable()}, off the caller's thread. */
  public CompletionStage<Boolean> answers() {
    return CompletableFuture.supplyAsync(this::isReachable, executor);
  }

  /** The read model's lag behind the journal, in milliseconds (see ReadModelProjection). */
  public CompletionStage<Long> projectionLagMillis(List<String> tags, long now) {
    return CompletableFuture.supplyAsync(
        () -> readModelProjection().lagMillis(tags, now), executor);
  }

  public JdbcObjectDirectory directory() {
    return new JdbcObjectDirectory(dataSource, executor);
  }

  /** Where the journal and the read model's projection stand, for reads that must see writes. */
  public JdbcScheduleDirectory scheduleDirectory() {
    return new JdbcScheduleDirectory(dataSource, executor);
  }

  public JdbcProjectionProgress projectionProgress() {
    return new JdbcProjectionProgress(dataSource, executor);
  }

  public JdbcReadModel readModel() {
    return new JdbcReadModel(dataSource, executor);
  }

  /** Changes read from the journal, merged in order within {@code reorderWindow}. */
  public JournalChangeFeed changeFeed(
      org.apache.pekko.actor.typed.ActorSystem<?> system, java.time.Duration reorderWindow) {
    return new JournalChangeFeed(system, dataSource, executor, reorderWindow);
  }

  /** The limits set or removed through the API (V15). */
  public JdbcLimitRecords limitRecords() {
    return new JdbcLimitRecords(dataSource, executor);
  }

  public JdbcIdempotencyKeys idempotencyKeys() {
    return new JdbcIdempotencyKeys(dataSource, executor);
  }

  /** Log lines and progress of attempts, {@code linesPerAttempt} kept per attempt. */
  public JdbcTaskOutput taskOutput(int linesPerAttempt) {
    return new JdbcTaskOutput(dataSource, executor, linesPerAttempt);
  }

  public JdbcRetention retention() {
    return new JdbcRetention(dataSource, executor);
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
