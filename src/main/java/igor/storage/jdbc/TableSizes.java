package igor.storage.jdbc;

import igor.storage.StorageUnavailableException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What Igor's tables take on disk, for the benchmark and the soak (docs/BENCHMARKS.md,
 * "Footprint"): each table of the installation's schema with its indexes and TOAST ({@code
 * pg_total_relation_size}), grouped by what they hold.
 */
public final class TableSizes {
  private TableSizes() {}

  /** Bytes per group: journal, tags, snapshots, read model, directory, other. */
  public static Map<String, Long> byGroup(JdbcStorage storage) {
    Map<String, Long> groups = new LinkedHashMap<>();
    for (String g : new String[] {"journal", "tags", "snapshots", "read model", "directory"}) {
      groups.put(g, 0L);
    }
    groups.put("other", 0L);
    byTable(storage).forEach((table, bytes) -> groups.merge(group(table), bytes, Long::sum));
    return groups;
  }

  /** Bytes per table of the current schema, indexes and TOAST included. */
  public static Map<String, Long> byTable(JdbcStorage storage) {
    String sql =
        "SELECT c.relname, pg_total_relation_size(c.oid) FROM pg_class c"
            + " JOIN pg_namespace n ON n.oid = c.relnamespace"
            + " WHERE c.relkind IN ('r', 'p') AND n.nspname = current_schema() ORDER BY 1";
    Map<String, Long> sizes = new LinkedHashMap<>();
    try (Connection c = storage.connection();
        Statement s = c.createStatement();
        ResultSet r = s.executeQuery(sql)) {
      while (r.next()) {
        sizes.put(r.getString(1), r.getLong(2));
      }
      return sizes;
    } catch (SQLException e) {
      throw new StorageUnavailableException("table sizes unreadable: " + e.getMessage(), e);
    }
  }

  /** The whole database ({@code pg_database_size}). */
  public static long database(JdbcStorage storage) {
    try (Connection c = storage.connection();
        Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT pg_database_size(current_database())")) {
      r.next();
      return r.getLong(1);
    } catch (SQLException e) {
      throw new StorageUnavailableException("database size unreadable: " + e.getMessage(), e);
    }
  }

  static String group(String table) {
    return switch (table) {
      case "event_journal" -> "journal";
      case "event_tag" -> "tags";
      case "snapshot" -> "snapshots";
      case "igor_jobs", "igor_layers", "igor_tasks" -> "read model";
      default -> table.endsWith("_directory") ? "directory" : "other";
    };
  }
}
