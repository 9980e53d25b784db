package igor.testing;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * An {@code igor} command in a JVM of its own, started the way the {@code igor} launcher starts it
 * ({@code java <options> igor.cli.IgorCommand <command>}) on the test's own classpath: the process
 * handle is the JVM itself, so {@link #kill()} is a SIGKILL of Igor, not of a wrapper shell. Its
 * settings come from IGOR_* variables only (the environment of the test is not inherited), and its
 * output goes to a log file for diagnosis.
 */
public final class IgorProcess implements AutoCloseable {
  private static final String MAIN_CLASS = "igor.cli.IgorCommand";

  private final String name;
  private final Process process;
  private final Path log;

  private IgorProcess(String name, Process process, Path log) {
    this.name = name;
    this.process = process;
    this.log = log;
  }

  /**
   * Starts {@code igor <command>} with these IGOR_* variables and JVM options (e.g. -D settings
   * that have no variable), its output appended to {@code log}.
   */
  public static IgorProcess start(
      String name, String command, Map<String, String> env, List<String> jvmOptions, Path log) {
    return start(name, command, env, jvmOptions, log, List.of());
  }

  /**
   * As {@link #start(String, String, Map, List, Path)}, but as a terminal's foreground job: the JVM
   * leads a process group (a session) of its own and handles SIGINT by default, even when this test
   * runs where SIGINT is ignored (a background job of a script ignores it, and its children inherit
   * that). {@link #interruptGroup()} then does what Ctrl-C does.
   */
  public static IgorProcess startAsForegroundJob(
      String name, String command, Map<String, String> env, List<String> jvmOptions, Path log) {
    // setsid execs in place (a child of the JVM leads no group), perl resets SIGINT and execs java.
    return start(
        name,
        command,
        env,
        jvmOptions,
        log,
        List.of("setsid", "perl", "-e", "$SIG{INT} = 'DEFAULT'; exec @ARGV or die $!"));
  }

  private static IgorProcess start(
      String name,
      String command,
      Map<String, String> env,
      List<String> jvmOptions,
      Path log,
      List<String> prefix) {
    List<String> line = new ArrayList<>(prefix);
    line.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    // As the igor launcher does (docs/adr/0001-pekko-not-akka.md, pitfall 1).
    line.add("-Djava.util.concurrent.ForkJoinPool.common.parallelism=4");
    line.addAll(jvmOptions);
    line.add("-cp");
    line.add(productClasspath());
    line.add(MAIN_CLASS);
    line.add(command);
    ProcessBuilder builder = new ProcessBuilder(line);
    builder.environment().keySet().removeIf(key -> key.startsWith("IGOR_"));
    builder.environment().putAll(env);
    builder.redirectErrorStream(true);
    builder.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    try {
      Files.createDirectories(log.getParent());
      Files.writeString(
          log,
          "---- " + name + ": igor " + command + " " + env + "\n",
          StandardCharsets.UTF_8,
          StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
      return new IgorProcess(name, builder.start(), log);
    } catch (IOException e) {
      throw new IllegalStateException(name + " could not start: " + e.getMessage(), e);
    }
  }

  /**
   * The classpath this test runs on (surefire puts the real one in java.class.path), without the
   * test classes: the process runs Igor as built, with its own logback.xml.
   */
  private static String productClasspath() {
    return Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
        .filter(entry -> !entry.isBlank() && !entry.endsWith("test-classes"))
        .collect(Collectors.joining(File.pathSeparator));
  }

  public String name() {
    return name;
  }

  public long pid() {
    return process.pid();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /**
   * SIGINT to the process's whole group, as a terminal sends on Ctrl-C (for a process started by
   * {@link #startAsForegroundJob}, whose group is its own).
   */
  public void interruptGroup() {
    try {
      Process kill = new ProcessBuilder("kill", "-INT", "--", "-" + process.pid()).start();
      if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
        throw new IllegalStateException("kill -INT -" + process.pid() + " failed");
      }
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Whether the process ignores SIGINT (from its SigIgn mask in /proc). */
  public boolean ignoresSigint() {
    try {
      Path status = Path.of("/proc", Long.toString(process.pid()), "status");
      for (String line : Files.readAllLines(status)) {
        if (line.startsWith("SigIgn:")) {
          return (Long.parseLong(line.substring(7).trim(), 16) & 0x2) != 0;
        }
      }
      throw new IllegalStateException("no SigIgn in /proc/" + process.pid() + "/status");
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Waits for the process to exit; fails when it has not within the timeout. */
  public int awaitExitWithin(Duration timeout) {
    return awaitExit(timeout);
  }

  /** SIGKILL: the JVM dies at once, without leaving the cluster or closing anything. */
  public void kill() {
    process.destroyForcibly();
    awaitExit(Duration.ofSeconds(10));
  }

  /** SIGTERM: Igor's coordinated shutdown runs; returns its exit code once it has exited. */
  public int terminate(Duration timeout) {
    process.destroy();
    return awaitExit(timeout);
  }

  private int awaitExit(Duration timeout) {
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new AssertionError(name + " did not exit within " + timeout + "\n" + logTail());
      }
      return process.exitValue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** The last lines of the log, for failure messages. */
  public String logTail() {
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      return name
          + " log "
          + log
          + ", last lines:\n"
          + String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    } catch (IOException e) {
      return name + " log " + log + " unreadable: " + e.getMessage();
    }
  }

  /** Kills the process if it still runs: for clean-up after a test, whatever happened. */
  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroyForcibly();
      try {
        process.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
