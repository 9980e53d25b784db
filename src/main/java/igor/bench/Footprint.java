package igor.bench;

import igor.queue.redis.RedisQueues;
import igor.storage.jdbc.JdbcStorage;
import igor.storage.jdbc.TableSizes;
import java.lang.management.ManagementFactory;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.management.ObjectName;

/**
 * What an installation takes, for the benchmark and the soak (docs/BENCHMARKS.md, "Footprint"): its
 * keys in Redis ({@code MEMORY USAGE} summed over its prefix, beside the server's {@code
 * used_memory}), its tables in PostgreSQL ({@code pg_total_relation_size}), and this JVM's heap by
 * class (the histogram of {@code jcmd GC.class_histogram}, which collects first).
 */
final class Footprint implements AutoCloseable {
  private final RedisQueues redis;
  private final JdbcStorage storage;

  Footprint(RedisQueues redis, JdbcStorage storage) {
    this.redis = redis;
    this.storage = storage;
  }

  RedisQueues.KeyMemory redis() {
    return redis.keyMemory();
  }

  /** Bytes per group of tables: journal, tags, snapshots, read model, directory, other. */
  Map<String, Long> tables() {
    return TableSizes.byGroup(storage);
  }

  long database() {
    return TableSizes.database(storage);
  }

  /** One class's live instances and their bytes. */
  record ClassCount(long instances, long bytes) {}

  /** The live objects of this JVM by class, after a full collection. */
  static Map<String, ClassCount> heapHistogram() {
    String text;
    try {
      text =
          (String)
              ManagementFactory.getPlatformMBeanServer()
                  .invoke(
                      new ObjectName("com.sun.management:type=DiagnosticCommand"),
                      "gcClassHistogram",
                      new Object[] {new String[0]},
                      new String[] {String[].class.getName()});
    } catch (Exception e) {
      throw new IllegalStateException("no heap histogram: " + e.getMessage(), e);
    }
    Map<String, ClassCount> classes = new HashMap<>();
    for (String line : text.split("\n")) {
      String[] f = line.trim().split("\\s+");
      // "  1:  123  4567  java.lang.String (java.base@17)"
      if (f.length >= 4 && f[0].endsWith(":") && !f[0].equals("Total")) {
        try {
          classes.put(f[3], new ClassCount(Long.parseLong(f[1]), Long.parseLong(f[2])));
        } catch (NumberFormatException header) {
          // the header line
        }
      }
    }
    return classes;
  }

  /**
   * The classes whose live instances grew by at least {@code minInstances} from {@code before} to
   * {@code after}, with their growth, largest first: the objects that something made that many of.
   */
  static Map<String, ClassCount> grownBy(
      Map<String, ClassCount> before, Map<String, ClassCount> after, long minInstances) {
    Map<String, ClassCount> grown = new LinkedHashMap<>();
    after.entrySet().stream()
        .map(
            e -> {
              ClassCount was = before.getOrDefault(e.getKey(), new ClassCount(0, 0));
              return Map.entry(
                  e.getKey(),
                  new ClassCount(
                      e.getValue().instances() - was.instances(),
                      e.getValue().bytes() - was.bytes()));
            })
        .filter(e -> e.getValue().instances() >= minInstances)
        .sorted((a, b) -> Long.compare(b.getValue().bytes(), a.getValue().bytes()))
        .forEach(e -> grown.put(e.getKey(), e.getValue()));
    return grown;
  }

  static long totalBytes(Map<String, ClassCount> classes) {
    return classes.values().stream().mapToLong(ClassCount::bytes).sum();
  }

  @Override
  public void close() {
    redis.close();
    storage.close();
  }
}
