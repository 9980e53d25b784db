package igor.storage.jdbc;

import igor.storage.StorageUnavailableException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.regex.Pattern;
import javax.sql.DataSource;

/**
 * The two database roles of an installation, made on request (`igor migrate --roles`): one that
 * Igor runs as (reads and writes its tables, no DDL) and one for reporting tools (reads only).
 * Idempotent: roles that exist get their password and grants set again. Grants cover the tables
 * that exist and, through default privileges, those later migrations create.
 */
public final class DatabaseRoles {
  private static final Pattern NAME = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

  /** A role to create: its name and password. */
  public record Role(String name, String password) {
    public Role {
      if (name == null || !NAME.matcher(name).matches()) {
        throw new IllegalArgumentException(
            "role name must be lowercase letters, digits and _ (at most 63), got '" + name + "'");
      }
      if (password == null || password.isEmpty()) {
        throw new IllegalArgumentException("role " + name + " needs a password");
      }
    }
  }

  private DatabaseRoles() {}

  /** Creates or updates both roles on the database behind {@code dataSource}. */
  public static void apply(DataSource dataSource, Role readWrite, Role readOnly) {
    try (Connection c = dataSource.getConnection();
        Statement s = c.createStatement()) {
      String database = c.getCatalog();
      for (Role role : new Role[] {readWrite, readOnly}) {
        s.execute(
            "DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '"
                + role.name()
                + "') THEN CREATE ROLE "
                + role.name()
                + " LOGIN; END IF; END $$");
        s.execute("ALTER ROLE " + role.name() + " WITH LOGIN PASSWORD " + literal(role.password()));
        s.execute("GRANT CONNECT ON DATABASE " + quoteIdent(database) + " TO " + role.name());
        s.execute("GRANT USAGE ON SCHEMA public TO " + role.name());
      }
      String rw = readWrite.name();
      String ro = readOnly.name();
      s.execute("GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO " + rw);
      s.execute("GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO " + rw);
      s.execute("GRANT SELECT ON ALL TABLES IN SCHEMA public TO " + ro);
      s.execute(
          "ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES"
              + " TO "
              + rw);
      s.execute(
          "ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO "
              + rw);
      s.execute("ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT ON TABLES TO " + ro);
    } catch (SQLException e) {
      throw new StorageUnavailableException("roles could not be set up: " + e.getMessage(), e);
    }
  }

  private static String literal(String text) {
    return "'" + text.replace("'", "''") + "'";
  }

  private static String quoteIdent(String name) {
    return "\"" + name.replace("\"", "\"\"") + "\"";
  }
}
