package igor.bench;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * The JIT compiler threads' share of this JVM's CPU over a stretch of time, read from Linux's
 * {@code /proc/self/task/<tid>/stat} (user and system ticks of each thread, by its name): the node
 * and its worker run in the benchmark's JVM, so this is the share of the measured work that went to
 * compiling rather than running it. Elsewhere than on Linux there is no figure.
 */
final class JitShare {
  private static final Path TASKS = Path.of("/proc/self/task");

  private JitShare() {}

  /** One thread's CPU ticks so far, and whether it is a compiler thread. */
  private record ThreadTicks(long ticks, boolean compiling) {}

  /** The ticks of each live thread, by thread id, at one moment. */
  static final class Reading {
    private final Map<String, ThreadTicks> threads;

    private Reading(Map<String, ThreadTicks> threads) {
      this.threads = threads;
    }

    /** Ticks of all threads read, and of the compiler threads among them. */
    long all() {
      return threads.values().stream().mapToLong(ThreadTicks::ticks).sum();
    }

    long compiling() {
      return threads.values().stream()
          .filter(ThreadTicks::compiling)
          .mapToLong(ThreadTicks::ticks)
          .sum();
    }
  }

  /** The ticks of every live thread now; null where /proc cannot be read. */
  static Reading read() {
    Map<String, ThreadTicks> threads = new HashMap<>();
    try (DirectoryStream<Path> tasks = Files.newDirectoryStream(TASKS)) {
      for (Path task : tasks) {
        String stat;
        try {
          stat = Files.readString(task.resolve("stat"));
        } catch (IOException ended) {
          continue;
        }
        int nameEnd = stat.lastIndexOf(')');
        String name = stat.substring(stat.indexOf('(') + 1, nameEnd);
        // after the name: state, then fields 4 to 13, then utime (14) and stime (15)
        String[] fields = stat.substring(nameEnd + 2).split(" ");
        long used = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
        boolean compiling =
            name.startsWith("C1 CompilerThre") || name.startsWith("C2 CompilerThre");
        threads.put(task.getFileName().toString(), new ThreadTicks(used, compiling));
      }
    } catch (IOException | RuntimeException e) {
      return null;
    }
    return new Reading(threads);
  }

  /**
   * The compiler threads' share of the JVM's CPU since {@code before}, in %; -1 if unknown. Counted
   * over the threads alive now, each from its ticks at {@code before} (zero if it started since): a
   * thread that ended since took its ticks with it, and counting it in one reading only would put
   * the share out of 0 to 100 %.
   */
  static double since(Reading before) {
    Reading now = read();
    if (before == null || now == null) {
      return -1;
    }
    long all = 0;
    long compiling = 0;
    for (Map.Entry<String, ThreadTicks> t : now.threads.entrySet()) {
      ThreadTicks then = before.threads.get(t.getKey());
      long used = Math.max(0, t.getValue().ticks() - (then == null ? 0 : then.ticks()));
      all += used;
      if (t.getValue().compiling()) {
        compiling += used;
      }
    }
    return all == 0 ? -1 : 100.0 * compiling / all;
  }
}
