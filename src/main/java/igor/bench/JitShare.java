package igor.bench;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The JIT compiler threads' share of this JVM's CPU over a stretch of time, read from Linux's
 * {@code /proc/self/task/<tid>/stat} (user and system ticks of each thread, by its name): the node
 * and its worker run in the benchmark's JVM, so this is the share of the measured work that went to
 * compiling rather than running it. Elsewhere than on Linux there is no figure.
 */
final class JitShare {
  private static final Path TASKS = Path.of("/proc/self/task");

  private JitShare() {}

  /**
   * Ticks so far: {all threads, compiler threads}; null where /proc cannot be read. Threads that
   * ended are not counted (the JVM may stop an idle compiler thread), so a share is approximate.
   */
  static long[] ticks() {
    long all = 0;
    long compiling = 0;
    try (DirectoryStream<Path> threads = Files.newDirectoryStream(TASKS)) {
      for (Path thread : threads) {
        String stat;
        try {
          stat = Files.readString(thread.resolve("stat"));
        } catch (IOException ended) {
          continue;
        }
        int nameEnd = stat.lastIndexOf(')');
        String name = stat.substring(stat.indexOf('(') + 1, nameEnd);
        // after the name: state, then fields 4 to 13, then utime (14) and stime (15)
        String[] fields = stat.substring(nameEnd + 2).split(" ");
        long used = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
        all += used;
        if (name.startsWith("C1 CompilerThre") || name.startsWith("C2 CompilerThre")) {
          compiling += used;
        }
      }
    } catch (IOException | RuntimeException e) {
      return null;
    }
    return new long[] {all, compiling};
  }

  /** The compiler threads' share of the JVM's CPU since {@code before}, in %; -1 if unknown. */
  static double since(long[] before) {
    long[] now = ticks();
    if (before == null || now == null || now[0] <= before[0]) {
      return -1;
    }
    return 100.0 * Math.max(0, now[1] - before[1]) / (now[0] - before[0]);
  }
}
